// Lưu trữ: the office's proposals of disposal, those waiting for a decision first (what a
// person with archive-approver opens), then the records whose retention ended (not held, not
// disposed of, in no open disposition), oldest end first, for an archivist to pick some and
// propose their disposal with a reason (services/archive README "Retention and
// disposition"). A proposal's page (#/dispositions/<id>) is where the approver decides.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { getJson, postJson } from '../lib/api.js';
import { dispositionStates, formatDate, formatTime, retentions } from '../lib/labels.js';
import { currentSession } from '../lib/session.js';
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

/** The office's dispositions in `state` (comma-separated), newest first, as a table with links. */
function Proposals({ state, title, empty }) {
  const list = useLoad(() => getJson('archive', `/v1/dispositions?state=${state}&limit=50`), [state]);
  const rows = list.data?.dispositions ?? [];
  return html`<section aria-labelledby=${`proposals-${state}`}>
    <h2 id=${`proposals-${state}`}>${title}</h2>
    <${Loading} when=${list.loading && list.data === null} />
    <${ErrorBox} error=${list.error} />
    ${list.data !== null && rows.length === 0 ? html`<p>${empty}</p>` : null}
    ${
      rows.length > 0
        ? html`<table class="list" data-testid=${`proposals-${state}`}>
            <caption class="visually-hidden">
              ${title}, mới nhất trước
            </caption>
            <thead>
              <tr>
                <th scope="col">Đề nghị</th>
                <th scope="col">Tình trạng</th>
                <th scope="col">Số hồ sơ</th>
                <th scope="col">Người đề nghị</th>
                <th scope="col">Lúc</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (d) =>
                  html`<tr>
                    <td><a href=${`#/dispositions/${d.id}`}>${d.reason}</a></td>
                    <td>${dispositionStates[d.state] ?? d.state}</td>
                    <td>${d.recordCount}</td>
                    <td>${d.proposedBy}</td>
                    <td>${formatTime(d.proposedAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
    ${list.data?.nextCursor ? html`<p>Chỉ hiện 50 đề nghị mới nhất.</p>` : null}
  </section>`;
}

export function Dispositions() {
  const archivist = currentSession()?.roles.includes('archivist') ?? false;
  return html`<${Page} title="Tiêu hủy hồ sơ hết thời hạn bảo quản">
    <${OpenProposal} />
    <${Proposals}
      state="proposed,approved"
      title="Đề nghị đang chờ quyết định"
      empty="Không có đề nghị tiêu hủy nào đang chờ quyết định."
    />
    ${archivist ? html`<${DueRecords} />` : null}
    <${Proposals} state="rejected,done" title="Đề nghị đã quyết định" empty="Chưa có đề nghị nào được quyết định." />
  <//>`;
}

function DueRecords() {
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
  return html`<section aria-labelledby="due-records">
    <h2 id="due-records">Hồ sơ hết thời hạn bảo quản</h2>
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
  </section>`;
}
