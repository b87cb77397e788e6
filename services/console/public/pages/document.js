// Văn thư: one outgoing document — its facts and life record; issue it once signed; then every
// recipient office's status (with số đến or the refusal's reason), its signed evidence act by act
// (delivery-evidence.js) and as JSON, and recall.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { download, getJson, postJson } from '../lib/api.js';
import { documentStates, exchangeStatuses, formatTime, urgencies } from '../lib/labels.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';
import { DeliveryEvidence } from './delivery-evidence.js';

async function loadDocument(id) {
  const path = `/v1/documents/${encodeURIComponent(id)}`;
  const [document, transitions] = await Promise.all([
    getJson('intake', path),
    getJson('intake', `${path}/transitions`),
  ]);
  let legs = null;
  let deliveryId = null;
  if (['issued', 'recalled', 'replaced', 'cancelled'].includes(document.state)) {
    const { deliveries } = await getJson('delivery', `/v1/deliveries?document=${encodeURIComponent(id)}`);
    if (deliveries.length > 0) {
      deliveryId = deliveries[0].id;
      legs = (await getJson('delivery', `/v1/deliveries/${encodeURIComponent(deliveryId)}`)).legs;
    }
  }
  return { document, transitions: transitions.transitions ?? transitions, legs, deliveryId };
}

function Recipients({ legs }) {
  if (legs === null) return html`<p>Chưa có thông tin gửi (văn bản đang được chuyển đi).</p>`;
  return html`<table class="list">
    <caption class="visually-hidden">
      Trạng thái từng nơi nhận
    </caption>
    <thead>
      <tr>
        <th scope="col">Nơi nhận</th>
        <th scope="col">Trạng thái</th>
        <th scope="col">Lúc</th>
        <th scope="col">Số đến / lý do</th>
      </tr>
    </thead>
    <tbody>
      ${legs.map(
        (l) =>
          html`<tr class=${l.overdue ? 'urgent' : ''}>
            <td>${l.recipient}</td>
            <td>${exchangeStatuses[l.status] ?? l.status}${l.overdue ? ' (quá hạn)' : ''}</td>
            <td>${formatTime(l.statusAt)}</td>
            <td>${l.incoming ? `Số đến ${l.incoming.number}` : (l.refusalReason ?? l.recallRefusalReason ?? '')}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function DocumentPage({ id }) {
  const loaded = useLoad(() => loadDocument(id), [id]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const path = `/v1/documents/${encodeURIComponent(id)}`;
  const act = async (work, said) => {
    setBusy(true);
    setError(null);
    try {
      setNotice(said(await work()));
      loaded.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const d = loaded.data?.document;
  return html`<${Page} title=${d ? d.subject : 'Văn bản đi'}>
    <p><a href="#/outgoing">← Văn bản đi</a></p>
    <${Loading} when=${loaded.loading && loaded.data === null} />
    <${ErrorBox} error=${loaded.error} />
    <${Notice} text=${notice} />
    <${ErrorBox} error=${error} />
    ${
      d
        ? html`<dl class="facts">
              <dt>Loại</dt>
              <dd>${d.type}</dd>
              <dt>Trạng thái</dt>
              <dd data-testid="state">${documentStates[d.state] ?? d.state}</dd>
              <dt>Độ khẩn</dt>
              <dd>${urgencies[d.metadata.urgency] ?? d.metadata.urgency}</dd>
              <dt>Người ký</dt>
              <dd>${d.signer ?? ''}</dd>
              <dt>Nơi nhận</dt>
              <dd>${[...(d.metadata.recipients.offices ?? []), ...(d.metadata.recipients.groups ?? [])].join(', ')}</dd>
            </dl>
            <div class="actions">
              <button
                type="button"
                onClick=${() =>
                  act(
                    () => download('intake', `${path}/content`, `${d.id}.pdf`),
                    () => 'Đã tải văn bản',
                  )}
              >
                Tải PDF
              </button>
              ${
                d.state === 'signed'
                  ? html`<button
                      type="button"
                      class="primary"
                      disabled=${busy}
                      onClick=${() =>
                        act(
                          () => postJson('intake', `${path}/issue`),
                          (a) => `Đã ban hành: ${a.printed}`,
                        )}
                    >
                      Ban hành (lấy số, đóng dấu)
                    </button>`
                  : null
              }
            </div>
            ${
              d.state === 'issued'
                ? html`<form
                    class="inline"
                    onSubmit=${(e) => {
                      e.preventDefault();
                      act(
                        () => postJson('intake', `${path}/recall`, { reason }),
                        () => 'Đã thu hồi',
                      );
                    }}
                  >
                    <label for="recall-reason">Lý do thu hồi</label>
                    <input
                      id="recall-reason"
                      value=${reason}
                      onInput=${(e) => setReason(e.currentTarget.value)}
                      required
                      maxlength="1000"
                    />
                    <button type="submit" disabled=${busy}>Thu hồi văn bản</button>
                  </form>`
                : null
            }
            <h2>Nơi nhận</h2>
            <${Recipients} legs=${loaded.data.legs} />
            ${
              loaded.data.deliveryId
                ? html`<${DeliveryEvidence} deliveryId=${loaded.data.deliveryId} reloadKey=${loaded.data} />`
                : null
            }
            ${
              loaded.data.deliveryId
                ? html`<button
                    type="button"
                    onClick=${() =>
                      act(
                        () =>
                          download(
                            'delivery',
                            `/v1/deliveries/${encodeURIComponent(loaded.data.deliveryId)}/evidence`,
                            `bang-chung-${d.id}.json`,
                          ),
                        () => 'Đã tải bằng chứng gửi nhận',
                      )}
                  >
                    Tải bằng chứng gửi nhận (JSON)
                  </button>`
                : null
            }
            <h2>Quá trình</h2>
            <ol class="history">
              ${loaded.data.transitions.map((t) => html`<li>${formatTime(t.at)} — ${documentStates[t.to] ?? t.to} (${t.by})${t.reason ? `: ${t.reason}` : ''}</li>`)}
            </ol>`
        : null
    }
  <//>`;
}
