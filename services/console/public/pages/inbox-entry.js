// Văn thư: one incoming document — read it, accept it (its số đến shown), refuse it with a
// reason, report its processing (04 assigned, 05 in progress, 06 done).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { download, getJson, postJson } from '../lib/api.js';
import { deliveryEvents, exchangeStatuses, formatTime, urgencies } from '../lib/labels.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';

const forwards = { '03': ['04', '05', '06'], '04': ['05', '06'], '05': ['06'] };

/** The sender asked for the document back (13): give it back (15), or refuse with a reason (16). */
function RecallAnswer({ busy, act, path }) {
  const [why, setWhy] = useState('');
  const answer = (body, said) =>
    act(
      () => postJson('delivery', `${path}/recall-answer`, body),
      () => said,
    );
  return html`<div class="recall" role="group" aria-labelledby="recall-title">
    <h2 id="recall-title">Nơi gửi yêu cầu thu hồi văn bản này</h2>
    <button
      type="button"
      class="primary"
      disabled=${busy}
      onClick=${() => answer({ accept: true }, 'Đã đồng ý thu hồi')}
    >
      Đồng ý thu hồi
    </button>
    <form
      class="inline"
      onSubmit=${(ev) => {
        ev.preventDefault();
        answer({ accept: false, reason: why }, 'Đã từ chối thu hồi');
      }}
    >
      <label for="recall-refusal">Lý do không thu hồi</label>
      <input
        id="recall-refusal"
        value=${why}
        onInput=${(ev) => setWhy(ev.currentTarget.value)}
        required
        maxlength="1000"
      />
      <button type="submit" disabled=${busy}>Từ chối thu hồi</button>
    </form>
  </div>`;
}

export function InboxEntry({ id }) {
  const entry = useLoad(() => getJson('delivery', `/v1/inbox/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (work, done) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await work();
      setNotice(done(answer));
      entry.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const e = entry.data?.entry;
  const path = `/v1/inbox/${encodeURIComponent(id)}`;
  const accept = () =>
    act(
      () => postJson('delivery', `${path}/acceptance`),
      (a) => `Đã tiếp nhận, số đến ${a?.entry?.incoming?.number ?? a?.incoming?.number ?? ''}`,
    );
  const refuse = (ev) => {
    ev.preventDefault();
    act(
      () => postJson('delivery', `${path}/refusal`, { reason }),
      () => 'Đã từ chối tiếp nhận',
    );
  };
  return html`<${Page} title=${e ? e.subject : 'Văn bản đến'}>
    <p><a href="#/inbox">← Văn bản đến</a></p>
    <${Loading} when=${entry.loading && entry.data === null} />
    <${ErrorBox} error=${entry.error} />
    <${Notice} text=${notice} />
    <${ErrorBox} error=${error} />
    ${
      e
        ? html`<dl class="facts">
              <dt>Số, ký hiệu</dt>
              <dd>${e.symbol}</dd>
              <dt>Nơi gửi</dt>
              <dd>${e.sender}</dd>
              <dt>Độ khẩn</dt>
              <dd>${urgencies[e.urgency] ?? e.urgency}</dd>
              <dt>Ban hành</dt>
              <dd>${formatTime(e.issuedAt)}</dd>
              <dt>Hạn xử lý</dt>
              <dd>${e.deadline ? formatTime(e.deadline) : 'Không'}</dd>
              <dt>Trạng thái</dt>
              <dd data-testid="status">${exchangeStatuses[e.status] ?? e.status}</dd>
              <dt>Số đến</dt>
              <dd data-testid="incoming">
                ${e.incoming ? `${e.incoming.number} (${e.incoming.period})` : 'Chưa vào sổ'}
              </dd>
            </dl>
            <div class="actions">
              <button
                type="button"
                onClick=${() =>
                  act(
                    () => download('delivery', `${path}/content`, `${e.symbol.replace(/\//g, '-')}.pdf`),
                    () => 'Đã tải văn bản',
                  )}
              >
                Tải văn bản (PDF)
              </button>
              ${
                e.status === '01'
                  ? html`<button type="button" class="primary" disabled=${busy} onClick=${accept}>
                      Tiếp nhận, vào sổ đến
                    </button>`
                  : null
              }
              ${(forwards[e.status] ?? []).map(
                (s) =>
                  html`<button
                    type="button"
                    disabled=${busy}
                    onClick=${() =>
                      act(
                        () => postJson('delivery', `${path}/status`, { status: s }),
                        () => `Đã cập nhật: ${exchangeStatuses[s]}`,
                      )}
                  >
                    ${exchangeStatuses[s]}
                  </button>`,
              )}
            </div>
            ${
              e.status === '01'
                ? html`<form onSubmit=${refuse} class="inline">
                    <label for="refusal-reason">Lý do từ chối</label>
                    <input
                      id="refusal-reason"
                      value=${reason}
                      onInput=${(ev) => setReason(ev.currentTarget.value)}
                      required
                      maxlength="1000"
                    />
                    <button type="submit" disabled=${busy}>Từ chối tiếp nhận</button>
                  </form>`
                : null
            }
            ${e.status === '13' ? html`<${RecallAnswer} busy=${busy} act=${act} path=${path} />` : null}
            <h2>Lịch sử</h2>
            <ol class="history">
              ${(entry.data.history ?? []).map(
                (h) =>
                  html`<li>
                    ${formatTime(h.at)} — ${exchangeStatuses[h.code] ?? deliveryEvents[h.event] ?? h.event}
                    ${h.reason ? `(${h.reason})` : ''}
                  </li>`,
              )}
            </ol>`
        : null
    }
  <//>`;
}
