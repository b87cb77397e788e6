// Người ký: read the document (pdf.js), see where the visible signature block goes and what it
// says, and sign with the PIN of the personal key held by the signing service (remote signing),
// or with a USB token in two steps (token-signing.js).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { call, getJson } from '../lib/api.js';
import { currentSession } from '../lib/session.js';
import { PdfView, preparePdf } from '../lib/pdf-view.js';
import { ErrorBox, Loading, Notice, Page, useLoad } from '../lib/ui.js';
import { TokenSigning } from './token-signing.js';

// intake's default place of the block (services/intake `defaultSignatureRect`), in PDF units.
const defaultRect = [330, 160, 560, 250];

async function loadForSigning(id) {
  const path = `/v1/documents/${encodeURIComponent(id)}`;
  const [document, people, pdf] = await Promise.all([
    getJson('intake', path),
    getJson('intake', '/v1/directory/people'),
    call('intake', `${path}/content?version=original`).then((res) => res.arrayBuffer()),
  ]);
  const me = (people.people ?? []).find((p) => p.subject === document.signer);
  return { document, me, pdf };
}

/** The block's lines as intake writes them: authority form, title in capitals, name. */
function blockLines(document, me) {
  const { authority, onBehalfOf } = document.metadata.signer;
  const lines = [];
  if (authority) lines.push(onBehalfOf ? `${authority} ${onBehalfOf}` : authority);
  if (me) lines.push(me.title.toLocaleUpperCase('vi'), me.name);
  return lines;
}

export function SignDocument({ id }) {
  // pdf.js and its worker start loading with the page's first drawing, while its data is asked
  // for (once per tab: later calls do nothing; a failure is PdfView's to say).
  void preparePdf();
  const loaded = useLoad(() => loadForSigning(id), [id]);
  const [pages, setPages] = useState(1);
  const [page, setPage] = useState(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const [withToken, setWithToken] = useState(false);
  const d = loaded.data?.document;
  const chosenPage = page ?? pages;
  const block = useMemo(
    () => (d ? { page: chosenPage, rect: defaultRect, lines: blockLines(d, loaded.data.me) } : null),
    [d, chosenPage],
  );
  const sign = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const query = `page=${chosenPage}&rect=${defaultRect.join(',')}`;
      await call('intake', `/v1/documents/${encodeURIComponent(id)}/signature?${query}`, {
        method: 'POST',
        headers: { 'lienthong-pin': pin },
      });
      setPin('');
      setDone('Đã ký văn bản. Văn thư sẽ ban hành.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const mine = d && d.signer === currentSession()?.subject;
  return html`<${Page} title=${d ? d.subject : 'Ký văn bản'}>
    <p><a href="#/sign">← Văn bản chờ ký</a></p>
    <${Loading} when=${loaded.loading && loaded.data === null} />
    <${ErrorBox} error=${loaded.error} />
    <${Notice} text=${done} />
    ${
      d
        ? html`<div class="sign-layout">
            <${PdfView} bytes=${loaded.data.pdf} block=${block} onPages=${setPages} />
            <aside class="sign-panel">
              <h2>Chữ ký hiển thị</h2>
              <p>Khối chữ ký đặt ở trang ${chosenPage}, khung viền xanh trên văn bản:</p>
              <blockquote class="block-preview">${block.lines.map((l) => html`<div>${l}</div>`)}</blockquote>
              <label for="sign-page">Trang đặt chữ ký</label>
              <select id="sign-page" value=${chosenPage} onChange=${(e) => setPage(Number(e.currentTarget.value))}>
                ${Array.from({ length: pages }, (_, i) => i + 1).map((n) => html`<option value=${n}>Trang ${n}</option>`)}
              </select>
              ${
                mine && d.state === 'awaiting-signature' && done === null
                  ? html`<fieldset class="sign-mode">
                        <legend>Cách ký</legend>
                        <label
                          ><input
                            type="radio"
                            name="sign-mode"
                            checked=${!withToken}
                            onChange=${() => setWithToken(false)}
                          />
                          Ký bằng mã PIN (khóa ký tại hệ thống)</label
                        >
                        <label
                          ><input
                            type="radio"
                            name="sign-mode"
                            checked=${withToken}
                            onChange=${() => setWithToken(true)}
                          />
                          Ký bằng USB token</label
                        >
                      </fieldset>
                      ${
                        withToken
                          ? html`<${TokenSigning}
                              id=${id}
                              page=${chosenPage}
                              rect=${defaultRect}
                              onSigned=${() => setDone('Đã ký văn bản. Văn thư sẽ ban hành.')}
                            />`
                          : html`<form onSubmit=${sign}>
                              <label for="sign-pin">Mã PIN khóa ký</label>
                              <input
                                id="sign-pin"
                                type="password"
                                autocomplete="off"
                                value=${pin}
                                onInput=${(e) => setPin(e.currentTarget.value)}
                                required
                                minlength="4"
                                maxlength="64"
                              />
                              <${ErrorBox} error=${error} />
                              <button type="submit" class="primary" disabled=${busy}>Ký số</button>
                            </form>`
                      }`
                  : html`<p>Văn bản không chờ chữ ký của bạn.</p>`
              }
            </aside>
          </div>`
        : null
    }
  <//>`;
}
