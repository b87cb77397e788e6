// Văn thư: the inbox, urgent first (the API's order), live as documents arrive.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { getJson } from '../lib/api.js';
import { followEvents } from '../lib/event-stream.js';
import { exchangeStatuses, formatTime, urgencies } from '../lib/labels.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';

export function Inbox() {
  const [status, setStatus] = useState('');
  const [arrived, setArrived] = useState(null);
  const list = useLoad(() => getJson('delivery', `/v1/inbox${status ? `?status=${status}` : ''}`), [status]);
  useEffect(
    () =>
      followEvents('/api/delivery/v1/inbox/stream', (message) => {
        if (message.event !== 'document') return;
        try {
          setArrived(JSON.parse(message.data).subject ?? '');
        } catch {
          setArrived('');
        }
        list.reload();
      }),
    [],
  );
  const entries = list.data?.entries ?? [];
  return html`<${Page} title="Văn bản đến">
    <div class="toolbar">
      <label for="inbox-status">Trạng thái</label>
      <select id="inbox-status" value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
        <option value="">Tất cả</option>
        ${['01', '02', '03', '04', '05', '06'].map((s) => html`<option value=${s}>${exchangeStatuses[s]}</option>`)}
      </select>
      <button type="button" onClick=${list.reload}>Làm mới</button>
    </div>
    <${Notice} text=${arrived === null ? null : `Văn bản mới đến: ${arrived}`} />
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && entries.length === 0 ? html`<p>Không có văn bản.</p>` : null}
    ${
      entries.length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Văn bản đến, khẩn trước
            </caption>
            <thead>
              <tr>
                <th scope="col">Độ khẩn</th>
                <th scope="col">Số, ký hiệu</th>
                <th scope="col">Trích yếu</th>
                <th scope="col">Nơi gửi</th>
                <th scope="col">Đến lúc</th>
                <th scope="col">Trạng thái</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e) =>
                  html`<tr class=${e.urgency !== 'ordinary' ? 'urgent' : ''}>
                    <td>${urgencies[e.urgency] ?? e.urgency}</td>
                    <td>${e.symbol}</td>
                    <td><a href=${`#/inbox/${e.id}`}>${e.subject}</a></td>
                    <td>${e.sender}</td>
                    <td>${formatTime(e.consignedAt)}</td>
                    <td>
                      ${exchangeStatuses[e.status] ?? e.status}${e.incoming ? ` · số đến ${e.incoming.number}` : ''}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  <//>`;
}
