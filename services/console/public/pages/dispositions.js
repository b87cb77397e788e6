// Lưu trữ: the records of the office whose retention ended (not held, not disposed of, in no
// open disposition), oldest end first; an archivist picks some and proposes their disposal
// with a reason (services/archive README "Retention and disposition"), then the proposal's
// page (#/dispositions/<id>) is where a person with archive-approver decides. The archive
// lists no proposals, so one is opened by its id (the proposer's page shows it).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { getJson, postJson } from '../lib/api.js';
import { formatDate, retentions } from '../lib/labels.js';
import { ErrorBox, Loading, Page, useLoad } from '../lib/ui.js';

function OpenProposal() {
  const [id, setId] = useState('');
  return html`<form
    class="inline"
    onSubmit=${(e) => {
      e.preventDefault();
      location.hash = `#/dispositions/${encodeURIComponent(id.trim())}`;
    }}
  >
    <label for="disposition-id">Mã đề nghị tiêu hủy</label>
    <input
      id="disposition-id"
      value=${id}
      onInput=${(e) => setId(e.currentTarget.value)}
      required
      pattern="[\\w\\-]+"
      maxlength="100"
    />
    <button type="submit">Mở đề nghị</button>
  </form>`;
}

export function Dispositions() {
  const list = useLoad(() => getJson('archive', '/v1/dispositions/due'), []);
  const [chosen, setChosen] = useState(new Set());
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const records = list.data?.records ?? [];
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const propose = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const d = await postJson('archive', '/v1/dispositions', { recordIds: [...chosen], reason });
      location.hash = `#/dispositions/${d.id}`;
    } catch (err) {
      setError(err);
      list.reload();
    } finally {
      setBusy(false);
    }
  };
  return html`<${Page} title="Hồ sơ hết thời hạn bảo quản">
    <${OpenProposal} />
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    <${ErrorBox} error=${error} />
    ${list.data !== null && records.length === 0 ? html`<p>Không có hồ sơ nào hết thời hạn bảo quản.</p>` : null}
    ${
      records.length > 0
        ? html`<form onSubmit=${propose}>
            <table class="list">
              <caption class="visually-hidden">
                Hồ sơ hết thời hạn bảo quản, hết hạn sớm nhất trước
              </caption>
              <thead>
                <tr>
                  <th scope="col"><span class="visually-hidden">Chọn</span></th>
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
                      <td>
                        <input
                          type="checkbox"
                          aria-label=${`Chọn ${r.symbol}`}
                          checked=${chosen.has(r.recordId)}
                          onChange=${() => toggle(r.recordId)}
                        />
                      </td>
                      <td>${r.symbol}</td>
                      <td><a href=${`#/archive/${r.recordId}`}>${r.subject}</a></td>
                      <td>${formatDate(r.issuedDate)}</td>
                      <td>${retentions[r.retentionClass] ?? r.retentionClass}</td>
                      <td>${formatDate(r.retainUntil)}</td>
                      <td>${formatDate(r.lockedUntil)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <label for="disposition-reason">Lý do đề nghị tiêu hủy</label>
            <textarea
              id="disposition-reason"
              value=${reason}
              onInput=${(e) => setReason(e.currentTarget.value)}
              required
              maxlength="1000"
            ></textarea>
            <button type="submit" class="primary" disabled=${busy || chosen.size === 0}>
              Đề nghị tiêu hủy ${chosen.size} hồ sơ
            </button>
          </form>`
        : null
    }
  <//>`;
}
