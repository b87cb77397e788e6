// Văn thư: the office's outgoing documents and their states, newest first.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { getJson } from '../lib/api.js';
import { documentStates, formatTime } from '../lib/labels.js';
import { ErrorBox, Loading, Page, useLoad } from '../lib/ui.js';

export function Outgoing() {
  const [state, setState] = useState('');
  const list = useLoad(() => getJson('intake', `/v1/documents${state ? `?state=${state}` : ''}`), [state]);
  const documents = list.data?.documents ?? [];
  return html`<${Page} title="Văn bản đi">
    <div class="toolbar">
      <label for="outgoing-state">Trạng thái</label>
      <select id="outgoing-state" value=${state} onChange=${(e) => setState(e.currentTarget.value)}>
        <option value="">Tất cả</option>
        ${Object.entries(documentStates).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
      <a class="button" href="#/outgoing/new">Trình văn bản mới</a>
    </div>
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && documents.length === 0 ? html`<p>Không có văn bản.</p>` : null}
    ${
      documents.length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Văn bản đi, mới nhất trước
            </caption>
            <thead>
              <tr>
                <th scope="col">Loại</th>
                <th scope="col">Trích yếu</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Cập nhật</th>
              </tr>
            </thead>
            <tbody>
              ${documents.map(
                (d) =>
                  html`<tr>
                    <td>${d.type}</td>
                    <td><a href=${`#/documents/${d.id}`}>${d.subject}</a></td>
                    <td>${documentStates[d.state] ?? d.state}</td>
                    <td>${formatTime(d.updatedAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  <//>`;
}
