// Lưu trữ: one record — its catalog facts, the package (retention, lock, hold), the signatures'
// verification report at ingest, the objects kept; download the original; place or release a
// legal hold, and the record's history (record-hold.js).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { download, getJson } from '../lib/api.js';
import { documentStates, formatDate, formatTime, retentions } from '../lib/labels.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';
import { LegalHold, RecordHistory } from './record-hold.js';

async function loadRecord(id) {
  const path = `/v1/records/${encodeURIComponent(id)}`;
  const [record, pkg] = await Promise.all([getJson('archive', path), getJson('archive', `${path}/package`)]);
  const thePackage = pkg.package ?? pkg;
  // validation.json: { recordId, validatedAt, indication, report }, the report signing's (libs/pades PdfVerificationReport).
  const hasReport = (thePackage.objects ?? []).some((o) => o.name === 'validation.json');
  const kept = hasReport ? await getJson('archive', `${path}/objects/validation.json`).catch(() => null) : null;
  const report = kept?.report ?? null;
  return { record: record.record ?? record, pkg: thePackage, report };
}

const indications = { TOTAL_PASSED: 'Hợp lệ', TOTAL_FAILED: 'Không hợp lệ', INDETERMINATE: 'Chưa xác định' };
const kinds = { signature: 'Chữ ký', 'document-timestamp': 'Dấu thời gian tài liệu' };

/** The verdict at ingest, and each signature of the PDF as signing's report gives it. */
function Validation({ verdict, report }) {
  const said = (v) => `${indications[v.indication] ?? v.indication}${v.subIndication ? ` (${v.subIndication})` : ''}`;
  return html`<p data-testid="verdict"><strong>Kết luận:</strong> ${verdict ? said(verdict) : 'Không có'}</p>
    ${
      report && (report.signatures ?? []).length > 0
        ? html`<table class="list">
            <caption class="visually-hidden">
              Từng chữ ký trong văn bản
            </caption>
            <thead>
              <tr>
                <th scope="col">Loại</th>
                <th scope="col">Người ký / đơn vị</th>
                <th scope="col">Mức</th>
                <th scope="col">Thời điểm</th>
                <th scope="col">Kết quả</th>
              </tr>
            </thead>
            <tbody>
              ${report.signatures.map(
                (s) =>
                  html`<tr>
                    <td>${kinds[s.kind] ?? s.kind} (${s.field})</td>
                    <td>${s.signer?.subject ?? ''}</td>
                    <td>${s.level ?? ''}</td>
                    <td>${formatTime(s.bestSignatureTime ?? s.signingTime)}</td>
                    <td>${said(s)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }`;
}

export function RecordPage({ id }) {
  const loaded = useLoad(() => loadRecord(id), [id]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const r = loaded.data?.record;
  const p = loaded.data?.pkg;
  const save = async (path, name, said) => {
    setError(null);
    try {
      await download('archive', path, name);
      setNotice(said);
    } catch (err) {
      setError(err);
    }
  };
  const base = `/v1/records/${encodeURIComponent(id)}`;
  const fileName = () => r.symbol.replace(/\//g, '-');
  const get = () => save(`${base}/original`, `${fileName()}.pdf`, 'Đã tải bản gốc');
  const bag = () =>
    save(`/v1/exports/bag?record=${encodeURIComponent(id)}`, `${fileName()}-bagit.tar`, 'Đã tải gói lưu trữ (BagIt)');
  const object = (name) => save(`${base}/objects/${encodeURIComponent(name)}`, name.split('/').pop(), `Đã tải ${name}`);
  return html`<${Page} title=${r ? `${r.symbol} — ${r.subject}` : 'Hồ sơ lưu trữ'}>
    <p><a href="#/archive">← Tra cứu</a></p>
    <${Loading} when=${loaded.loading && loaded.data === null} />
    <${ErrorBox} error=${loaded.error} />
    <${Notice} text=${notice} />
    <${ErrorBox} error=${error} />
    ${
      r
        ? html`<dl class="facts">
              <dt>Số, ký hiệu</dt>
              <dd>${r.symbol}</dd>
              <dt>Ngày ban hành</dt>
              <dd>${formatDate(r.issuedDate)}</dd>
              <dt>Cơ quan ban hành</dt>
              <dd>${r.issuingOffice}</dd>
              <dt>Nơi nhận</dt>
              <dd>${r.receivingOffices.join(', ')}</dd>
              <dt>Người ký</dt>
              <dd>${r.signer.name}</dd>
              <dt>Tình trạng</dt>
              <dd>${documentStates[r.status] ?? (r.status === 'disposed' ? 'Đã tiêu hủy' : r.status)}</dd>
              <dt>Hồ sơ</dt>
              <dd>${r.file ?? 'Chưa lập hồ sơ'}</dd>
              <dt>Thời hạn bảo quản</dt>
              <dd>
                ${retentions[p.retentionClass] ?? p.retentionClass}${p.retainUntil ? ` (đến ${formatDate(p.retainUntil)})` : ''}
              </dd>
              <dt>Phong tỏa pháp lý</dt>
              <dd data-testid="legal-hold">${p.legalHold ? 'Có' : 'Không'}</dd>
              <dt>Kho khóa mọi phiên bản đến</dt>
              <dd data-testid="locked-until">${formatTime(p.lockedUntil)}</dd>
              <dt>Lưu kho lúc</dt>
              <dd>${formatTime(p.ingestedAt)}</dd>
            </dl>
            <div class="actions">
              <button type="button" class="primary" onClick=${get}>Tải bản gốc (PDF)</button>
              <button type="button" onClick=${bag}>Tải gói lưu trữ kèm bằng chứng (BagIt)</button>
            </div>
            ${r.status === 'disposed' ? null : html`<${LegalHold} id=${id} pkg=${p} onChanged=${loaded.reload} />`}
            <h2>Xác minh chữ ký khi lưu kho</h2>
            <${Validation} verdict=${p.validation} report=${loaded.data.report} />
            <h2>Thành phần gói lưu trữ</h2>
            <table class="list">
              <caption class="visually-hidden">
                Các tệp trong gói lưu trữ
              </caption>
              <thead>
                <tr>
                  <th scope="col">Tệp</th>
                  <th scope="col">Kích thước</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col"><span class="visually-hidden">Tải</span></th>
                </tr>
              </thead>
              <tbody>
                ${(p.objects ?? []).map(
                  (o) =>
                    html`<tr>
                      <td>${o.name.startsWith('evidence/') ? `Bằng chứng gửi nhận: ${o.name}` : o.name}</td>
                      <td>${o.size}</td>
                      <td class="hash">${o.sha256}</td>
                      <td>
                        <button
                          type="button"
                          class="link-dark"
                          aria-label=${`Tải ${o.name}`}
                          onClick=${() => object(o.name)}
                        >
                          Tải
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <${RecordHistory} id=${id} reloadKey=${loaded.data} />`
        : null
    }
  <//>`;
}
