// Văn thư: the outgoing register (sổ đăng ký văn bản đi) of the office, by period, with its
// CSV (Excel) and its printable book (PDF).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { download, getJson } from '../lib/api.js';
import { formatDate } from '../lib/labels.js';
import { ErrorBox, Loading, Page, useLoad } from '../lib/ui.js';

const entryStates = { reserved: 'Đã lấy số, chưa ban hành', issued: 'Đã ban hành', cancelled: 'Đã hủy' };

export function Register() {
  const [period, setPeriod] = useState(String(new Date().getFullYear()));
  const [error, setError] = useState(null);
  const query = /^\d{4}$/.test(period) ? `?period=${period}` : '';
  const list = useLoad(() => getJson('intake', `/v1/registers/outgoing${query}`), [query]);
  const entries = list.data?.entries ?? [];
  const save = (kind) =>
    download('intake', `/v1/registers/outgoing.${kind}${query}`, `so-van-ban-di-${period}.${kind}`).catch(setError);
  return html`<${Page} title="Sổ văn bản đi">
    <div class="toolbar">
      <label for="register-period">Năm</label>
      <input
        id="register-period"
        inputmode="numeric"
        pattern="[0-9]{4}"
        size="6"
        value=${period}
        onInput=${(e) => setPeriod(e.currentTarget.value)}
      />
      <button type="button" onClick=${() => save('csv')}>Tải CSV</button>
      <button type="button" onClick=${() => save('pdf')}>Tải sổ (PDF)</button>
    </div>
    <${ErrorBox} error=${error} />
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && entries.length === 0 ? html`<p>Sổ chưa có số nào trong kỳ này.</p>` : null}
    ${
      entries.length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Sổ đăng ký văn bản đi
            </caption>
            <thead>
              <tr>
                <th scope="col">Số</th>
                <th scope="col">Ký hiệu</th>
                <th scope="col">Ngày</th>
                <th scope="col">Trích yếu</th>
                <th scope="col">Người ký</th>
                <th scope="col">Nơi nhận</th>
                <th scope="col">Tình trạng</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e) =>
                  html`<tr>
                    <td>${e.number}</td>
                    <td>${e.symbol}</td>
                    <td>${formatDate(e.date)}</td>
                    <td><a href=${`#/documents/${e.documentId}`}>${e.subject}</a></td>
                    <td>${e.signer ?? ''}</td>
                    <td>${e.recipients ?? ''}</td>
                    <td>${entryStates[e.state] ?? e.state}${e.cancellation ? `: ${e.cancellation.reason}` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  <//>`;
}
