// Lưu trữ: a record's legal hold (placed with a reason, released; services/archive README
// "Legal hold") and its history as the office's audit log tells it.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { call, getJson } from '../lib/api.js';
import { formatTime } from '../lib/labels.js';
import { ErrorBox, Loading, Notice, useLoad } from '../lib/ui.js';

/** The archive's audit actions (its closed list, `audit-actions.ts`), in the users' words. */
export const auditActions = {
  'record.ingested': 'Lưu kho',
  'record.read': 'Xem hồ sơ',
  'record.original-read': 'Tải bản gốc',
  'record.evidence-read': 'Xem bằng chứng',
  'record.exported': 'Xuất gói BagIt',
  'record.fixity-failed': 'Kiểm tra toàn vẹn thất bại',
  'record.hold-placed': 'Phong tỏa pháp lý',
  'record.hold-released': 'Gỡ phong tỏa pháp lý',
  'record.timestamp-renewed': 'Gia hạn dấu thời gian',
  'disposition.proposed': 'Đề nghị tiêu hủy',
  'disposition.approved': 'Phê duyệt tiêu hủy',
  'disposition.refused': 'Từ chối đề nghị tiêu hủy',
  'record.disposed': 'Đã tiêu hủy',
  'record.status-changed': 'Đổi tình trạng',
  'record.evidence-added': 'Thêm bằng chứng gửi nhận',
  'record.lock-extended': 'Gia hạn khóa lưu trữ',
};

// The log is the office's, read from the start; past this many pages the rest is not shown.
const maxPages = 20;

async function historyOf(recordId) {
  const entries = [];
  let after = 0;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await getJson('archive', `/v1/audit?after=${after}&limit=1000`);
    entries.push(...answer.entries.filter((e) => e.recordId === recordId));
    if (answer.nextAfter === null) return { entries, complete: true };
    after = answer.nextAfter;
  }
  return { entries, complete: false };
}

/** The detail an entry carries that a person reads: a reason, a date the store keeps it locked to. */
function detailOf(entry) {
  const d = entry.detail ?? {};
  const parts = [];
  if (typeof d.reason === 'string') parts.push(`Lý do: ${d.reason}`);
  if (typeof d.lockedUntil === 'string') parts.push(`khóa đến ${formatTime(d.lockedUntil)}`);
  return parts.join('; ');
}

// One string, so that no line break of the template eats a space between its parts.
const lineOf = (e) =>
  `${formatTime(e.at)} — ${auditActions[e.action] ?? e.action} (${e.actor})${detailOf(e) ? `: ${detailOf(e)}` : ''}`;

/** The record's history: what was done to it, when, by whom. */
export function RecordHistory({ id, reloadKey }) {
  const loaded = useLoad(() => historyOf(id), [id, reloadKey]);
  const entries = loaded.data?.entries ?? [];
  return html`<h2>Lịch sử hồ sơ</h2>
    <${Loading} when=${loaded.loading && loaded.data === null} />
    <${ErrorBox} error=${loaded.error} />
    ${
      loaded.data !== null
        ? html`<ol class="history" data-testid="record-history">
            ${entries.map((e) => html`<li>${lineOf(e)}</li>`)}
          </ol>`
        : null
    }
    ${loaded.data !== null && !loaded.data.complete ? html`<p>Nhật ký dài: chỉ đọc phần đầu.</p>` : null}`;
}

/** Place a legal hold with a reason, or release it; `onChanged` reloads the record after each act. */
export function LegalHold({ id, pkg, onChanged }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const path = `/v1/records/${encodeURIComponent(id)}/hold`;
  const act = async (options, said) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const state = await (await call('archive', path, options)).json();
      setNotice(`${said}; kho khóa mọi phiên bản đến ${formatTime(state.lockedUntil)}`);
      setReason('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const place = (e) => {
    e.preventDefault();
    act(
      { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason }) },
      'Đã phong tỏa pháp lý',
    );
  };
  // An empty JSON body, not none: a DELETE passed on by the proxy without a length goes chunked,
  // and the service refuses a chunked body that names no type (415).
  const release = () =>
    act({ method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' }, 'Đã gỡ phong tỏa');
  return html`<h2>Phong tỏa pháp lý</h2>
    <${Notice} text=${notice} />
    <${ErrorBox} error=${error} />
    ${
      pkg.legalHold
        ? html`<p data-testid="hold-state">Đang phong tỏa (lý do trong lịch sử bên dưới).</p>
            <button type="button" disabled=${busy} onClick=${release}>Gỡ phong tỏa</button>`
        : html`<p data-testid="hold-state">Không phong tỏa.</p>
            <form class="inline" onSubmit=${place}>
              <label for="hold-reason">Lý do phong tỏa</label>
              <input
                id="hold-reason"
                value=${reason}
                onInput=${(e) => setReason(e.currentTarget.value)}
                required
                maxlength="1000"
              />
              <button type="submit" disabled=${busy}>Phong tỏa hồ sơ</button>
            </form>`
    }`;
}
