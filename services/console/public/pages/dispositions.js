// Lưu trữ: the records of the office whose retention ended (not held, not disposed of, in no
// open disposition), oldest end first. Proposing and approving a disposition is to come here.
import { html } from '../lib/html.js';
import { getJson } from '../lib/api.js';
import { formatDate, retentions } from '../lib/labels.js';
import { ErrorBox, Loading, Page, useLoad } from '../lib/ui.js';

export function Dispositions() {
  const list = useLoad(() => getJson('archive', '/v1/dispositions/due'), []);
  const records = list.data?.records ?? [];
  return html`<${Page} title="Hồ sơ hết thời hạn bảo quản">
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && records.length === 0 ? html`<p>Không có hồ sơ nào hết thời hạn bảo quản.</p>` : null}
    ${
      records.length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Hồ sơ hết thời hạn bảo quản, hết hạn sớm nhất trước
            </caption>
            <thead>
              <tr>
                <th scope="col">Số, ký hiệu</th>
                <th scope="col">Trích yếu</th>
                <th scope="col">Ngày ban hành</th>
                <th scope="col">Thời hạn</th>
                <th scope="col">Hết hạn</th>
                <th scope="col">Khóa lưu trữ đến</th>
              </tr>
            </thead>
            <tbody>
              ${records.map(
                (r) =>
                  html`<tr>
                    <td>${r.symbol}</td>
                    <td><a href=${`#/archive/${r.recordId}`}>${r.subject}</a></td>
                    <td>${formatDate(r.issuedDate)}</td>
                    <td>${retentions[r.retentionClass] ?? r.retentionClass}</td>
                    <td>${formatDate(r.retainUntil)}</td>
                    <td>${formatDate(r.lockedUntil)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  <//>`;
}
