// Người ký: the documents of the office that wait for the caller's own signature.
import { html } from '../lib/html.js';
import { getJson } from '../lib/api.js';
import { currentSession } from '../lib/session.js';
import { formatTime, urgencies } from '../lib/labels.js';
import { ErrorBox, Loading, Page, useLoad } from '../lib/ui.js';

export function Waiting() {
  const me = currentSession()?.subject;
  const list = useLoad(() => getJson('intake', '/v1/documents?state=awaiting-signature'), []);
  const mine = (list.data?.documents ?? []).filter((d) => d.signer === me);
  return html`<${Page} title="Văn bản chờ ký">
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && mine.length === 0 ? html`<p>Không có văn bản nào chờ chữ ký của bạn.</p>` : null}
    ${
      mine.length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Văn bản chờ chữ ký của bạn
            </caption>
            <thead>
              <tr>
                <th scope="col">Loại</th>
                <th scope="col">Trích yếu</th>
                <th scope="col">Độ khẩn</th>
                <th scope="col">Trình lúc</th>
              </tr>
            </thead>
            <tbody>
              ${mine.map(
                (d) =>
                  html`<tr>
                    <td>${d.type}</td>
                    <td><a href=${`#/sign/${d.id}`}>${d.subject}</a></td>
                    <td>${urgencies[d.metadata.urgency] ?? d.metadata.urgency}</td>
                    <td>${formatTime(d.createdAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  <//>`;
}
