// Lưu trữ: one proposal of disposal — its reason, who proposed and decided, each record's
// outcome (disposed, or refused by the store with its words), the certificate; a person with
// archive-approver (never its proposer: the archive refuses) approves it or rejects it with
// a reason.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { getJson, postJson } from '../lib/api.js';
import { dispositionStates, formatTime } from '../lib/labels.js';
import { currentSession } from '../lib/session.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';

const outcomes = { disposed: 'Đã tiêu hủy', refused: 'Kho lưu trữ từ chối xóa, hồ sơ được giữ lại' };

export function DispositionPage({ id }) {
  const path = `/v1/dispositions/${encodeURIComponent(id)}`;
  const loaded = useLoad(() => getJson('archive', path), [id]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const d = loaded.data;
  const approver = currentSession()?.roles.includes('archive-approver') ?? false;
  const decide = async (work, said) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(said);
      loaded.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Page} title="Đề nghị tiêu hủy hồ sơ">
    <p><a href="#/dispositions">← Tiêu hủy hồ sơ hết thời hạn bảo quản</a></p>
    <${Loading} when=${loaded.loading && d === null} />
    <${ErrorBox} error=${loaded.error} />
    <${Notice} text=${notice} />
    <${ErrorBox} error=${error} />
    ${
      d
        ? html`<dl class="facts">
              <dt>Mã đề nghị</dt>
              <dd class="hash">${d.id}</dd>
              <dt>Tình trạng</dt>
              <dd data-testid="disposition-state">${dispositionStates[d.state] ?? d.state}</dd>
              <dt>Lý do đề nghị</dt>
              <dd>${d.reason}</dd>
              <dt>Người đề nghị</dt>
              <dd>${d.proposedBy} (${formatTime(d.proposedAt)})</dd>
              <dt>Người quyết định</dt>
              <dd>${d.decidedBy ? `${d.decidedBy} (${formatTime(d.decidedAt)})` : 'Chưa có'}</dd>
              ${
                d.decisionReason
                  ? html`<dt>Lý do từ chối</dt>
                      <dd>${d.decisionReason}</dd>`
                  : null
              }
              <dt>Biên bản tiêu hủy</dt>
              <dd class="hash">
                ${d.certificate ? `${d.certificate.key} (SHA-256 ${d.certificate.sha256})` : 'Chưa có'}
              </dd>
            </dl>
            <table class="list">
              <caption class="visually-hidden">
                Các hồ sơ trong đề nghị
              </caption>
              <thead>
                <tr>
                  <th scope="col">Hồ sơ</th>
                  <th scope="col">Kết quả</th>
                </tr>
              </thead>
              <tbody>
                ${d.records.map(
                  (r) =>
                    html`<tr>
                      <td><a href=${`#/archive/${r.recordId}`}>${r.recordId}</a></td>
                      <td>${r.outcome ? (outcomes[r.outcome] ?? r.outcome) : ''}${r.detail ? `: ${r.detail}` : ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${
              d.state === 'proposed' || d.state === 'approved'
                ? html`<h2>Quyết định</h2>
                    ${approver ? null : html`<p>Chỉ người có vai trò phê duyệt tiêu hủy (archive-approver) quyết định.</p>`}
                    <div class="actions">
                      <button
                        type="button"
                        class="primary"
                        disabled=${busy}
                        onClick=${() => decide(() => postJson('archive', `${path}/approve`), 'Đã phê duyệt tiêu hủy')}
                      >
                        ${d.state === 'approved' ? 'Tiếp tục tiêu hủy' : 'Phê duyệt tiêu hủy'}
                      </button>
                    </div>
                    ${
                      d.state === 'proposed'
                        ? html`<form
                            class="inline"
                            onSubmit=${(e) => {
                              e.preventDefault();
                              decide(() => postJson('archive', `${path}/reject`, { reason }), 'Đã từ chối đề nghị');
                            }}
                          >
                            <label for="reject-reason">Lý do từ chối</label>
                            <input
                              id="reject-reason"
                              value=${reason}
                              onInput=${(e) => setReason(e.currentTarget.value)}
                              required
                              maxlength="1000"
                            />
                            <button type="submit" disabled=${busy}>Từ chối đề nghị</button>
                          </form>`
                        : null
                    }`
                : null
            }`
        : null
    }
  <//>`;
}
