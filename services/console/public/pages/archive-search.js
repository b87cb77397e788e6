// Lưu trữ: search the records the office issued or received — words of the subject with or
// without diacritics, number and symbol, type, dates, signer.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { download, getJson } from '../lib/api.js';
import { documentTypes, formatDate } from '../lib/labels.js';
import { ErrorBox, Page } from '../lib/ui.js';

const empty = { q: '', symbol: '', type: '', from: '', to: '', signer: '' };

export function ArchiveSearch() {
  const [form, setForm] = useState(empty);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState('');
  const exportFile = (e) => {
    e.preventDefault();
    setError(null);
    const code = file.trim();
    download('archive', `/v1/exports/bag?file=${encodeURIComponent(code)}`, `ho-so-${code}-bagit.tar`).catch(setError);
  };
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  const search = async (e, cursor) => {
    e?.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v.trim() !== '') query.set(k, v.trim());
    if (cursor) query.set('cursor', cursor);
    setBusy(true);
    setError(null);
    try {
      const page = await getJson('archive', `/v1/records?${query}`);
      setResult(cursor && result ? { ...page, records: [...result.records, ...page.records] } : page);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Page} title="Tra cứu lưu trữ">
    <form class="form search" onSubmit=${search} role="search">
      <label for="q">Trích yếu (gõ có dấu hoặc không dấu)</label>
      <input id="q" type="search" value=${form.q} onInput=${set('q')} maxlength="200" />
      <label for="symbol">Số, ký hiệu</label>
      <input id="symbol" value=${form.symbol} onInput=${set('symbol')} placeholder="12-CT/TU" maxlength="100" />
      <label for="type">Loại văn bản</label>
      <select id="type" value=${form.type} onChange=${set('type')}>
        <option value="">Tất cả</option>
        ${Object.entries(documentTypes).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select>
      <label for="from">Từ ngày</label>
      <input id="from" type="date" value=${form.from} onInput=${set('from')} />
      <label for="to">Đến ngày</label>
      <input id="to" type="date" value=${form.to} onInput=${set('to')} />
      <label for="signer">Người ký</label>
      <input id="signer" value=${form.signer} onInput=${set('signer')} maxlength="200" />
      <button type="submit" class="primary" disabled=${busy}>Tìm</button>
    </form>
    <${ErrorBox} error=${error} />
    ${result !== null && result.records.length === 0 ? html`<p role="status">Không tìm thấy hồ sơ nào.</p>` : null}
    ${
      result !== null && result.records.length > 0
        ? html`<table class="list">
              <caption>
                ${result.records.length} kết
                quả${result.rankedWithin ? ` (xếp hạng trong ${result.rankedWithin} văn bản mới nhất)` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Số, ký hiệu</th>
                  <th scope="col">Ngày</th>
                  <th scope="col">Trích yếu</th>
                  <th scope="col">Người ký</th>
                  <th scope="col">Đi/đến</th>
                </tr>
              </thead>
              <tbody>
                ${result.records.map(
                  (r) =>
                    html`<tr>
                      <td>${r.symbol}</td>
                      <td>${formatDate(r.issuedDate)}</td>
                      <td><a href=${`#/archive/${r.id}`}>${r.subject}</a></td>
                      <td>${r.signer.name}</td>
                      <td>${r.kind === 'issued' ? 'Đi' : `Đến từ ${r.issuingOffice}`}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${result.nextCursor ? html`<button type="button" onClick=${() => search(null, result.nextCursor)}>Xem thêm</button>` : null}`
        : null
    }
    <h2>Xuất hồ sơ</h2>
    <form class="inline" onSubmit=${exportFile}>
      <label for="export-file">Mã hồ sơ</label>
      <input id="export-file" value=${file} onInput=${(e) => setFile(e.currentTarget.value)} required maxlength="100" />
      <button type="submit">Xuất gói BagIt</button>
    </form>
  <//>`;
}
