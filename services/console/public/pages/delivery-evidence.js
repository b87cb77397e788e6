// Văn thư (sender): the signed evidence of a sent document, recipient by recipient — each act
// (consigned, handed over, accepted with its số đến, refused with its reason, recall and its
// answer), its time, the office whose seal signs it, and whether it is sealed and time-stamped.
// Read from delivery's export route, page by page (services/delivery README "Evidence").
import { html } from '../lib/html.js';
import { getJson } from '../lib/api.js';
import { statementOf } from '../lib/cms-statement.js';
import { formatTime } from '../lib/labels.js';
import { ErrorBox, Loading, useLoad } from '../lib/ui.js';

/** ETSI EN 319 522 event names (and the recall ones), in the users' words. */
export const evidenceEvents = {
  SubmissionAcceptance: 'Nơi gửi chuyển đi',
  ContentConsignment: 'Đã chuyển vào hộp đến',
  ContentHandover: 'Nơi nhận đã nhận bản văn bản',
  AcceptanceByRecipient: 'Đã tiếp nhận',
  RejectionByRecipient: 'Từ chối tiếp nhận',
  AcceptanceRejectionExpiry: 'Quá hạn, chưa trả lời',
  RecallRequest: 'Yêu cầu thu hồi',
  RecallAcceptance: 'Đồng ý thu hồi',
  RecallRejection: 'Từ chối thu hồi',
};

// More pages than this is a national fan-out: the JSON download has it all.
const maxPages = 20;

async function loadEvidence(deliveryId) {
  const base = `/v1/deliveries/${encodeURIComponent(deliveryId)}/evidence`;
  const rows = [];
  let after = null;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await getJson('delivery', after === null ? base : `${base}?after=${encodeURIComponent(after)}`);
    rows.push(...answer.evidence);
    after = answer.nextAfter;
    if (after === null) return { rows, complete: true };
  }
  return { rows, complete: false };
}

/** What the statement itself says beyond the event: số đến, reason, deadline. */
function said(row) {
  const s = row.cms ? statementOf(row.cms) : null;
  if (s === null) return '';
  const parts = [];
  // 'Số đến: n', not the recipients table's 'Số đến n': each says it once in the page.
  if (s.incomingNumber) parts.push(`Số đến: ${s.incomingNumber}`);
  if (s.reason) parts.push(`Lý do: ${s.reason}`);
  if (s.deadline) parts.push(`Hạn ${formatTime(s.deadline)}`);
  return parts.join('; ');
}

function Acts({ office, rows }) {
  return html`<table class="list" data-testid=${`evidence-${office}`}>
    <caption>
      ${office}
    </caption>
    <thead>
      <tr>
        <th scope="col">Hành vi</th>
        <th scope="col">Lúc</th>
        <th scope="col">Đơn vị thực hiện (dấu)</th>
        <th scope="col">Số đến / lý do</th>
        <th scope="col">Đóng dấu</th>
        <th scope="col">Dấu thời gian</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td>${evidenceEvents[r.event] ?? r.event}</td>
            <td>${formatTime(r.time)}</td>
            <td>${r.actingOffice}</td>
            <td>${said(r)}</td>
            <td>${r.sealed ? 'Đã đóng dấu' : 'Chưa đóng dấu'}</td>
            <td>${r.timestamp ? 'Đã gắn' : 'Chưa gắn'}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Every recipient's chain: the submission first (it heads each chain), then that leg's acts. */
export function DeliveryEvidence({ deliveryId, reloadKey }) {
  const loaded = useLoad(() => loadEvidence(deliveryId), [deliveryId, reloadKey]);
  const rows = loaded.data?.rows ?? [];
  const submission = rows.filter((r) => r.recipientOffice === null);
  const offices = [...new Set(rows.map((r) => r.recipientOffice).filter((o) => o !== null))];
  return html`<section aria-labelledby="evidence-title">
    <h2 id="evidence-title">Bằng chứng gửi nhận theo từng nơi nhận</h2>
    <${Loading} when=${loaded.loading && loaded.data === null} />
    <${ErrorBox} error=${loaded.error} />
    ${loaded.data !== null && rows.length === 0 ? html`<p>Chưa có bằng chứng nào.</p>` : null}
    ${offices.map(
      (office) =>
        html`<${Acts} office=${office} rows=${[...submission, ...rows.filter((r) => r.recipientOffice === office)]} />`,
    )}
    ${
      loaded.data !== null && !loaded.data.complete
        ? html`<p>Chỉ hiển thị ${rows.length} bằng chứng đầu; tải tệp JSON để có đủ.</p>`
        : null
    }
  </section>`;
}
