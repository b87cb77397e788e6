// Ký bằng USB token: the signer's key stays on the token, which a web page cannot reach (the
// browser gives pages no access to USB tokens, and the console turns USB off for its pages).
// So it goes in two steps through intake: the certificate of the token key is sent and intake
// answers what the token must sign (digest, algorithm, expiry); the signer signs it with the
// token's own signing tool and gives the signature value back (pasted base64 or a file).
// Or, on the computer the token is plugged into, `lienthong doc sign ID --token-module …` does
// both steps on the token itself (libs/cli): the page shows that one line beside the manual path.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { postJson } from '../lib/api.js';
import { formatTime } from '../lib/labels.js';
import { ErrorBox } from '../lib/ui.js';
import { certificatesOf, hexOf, signatureValueOfFile, signatureValueOfText } from '../lib/token-values.js';

const fileBytes = async (input) => new Uint8Array(await input.files[0].arrayBuffer());

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The command line that signs document `id` on the token in one step, the block on `page` (placeholders for what only the signer knows). */
const cliCommand = (id, page) =>
  `lienthong doc sign ${id}${page > 1 ? ` --page ${page}` : ''} --token-module <thư viện PKCS#11 của token> --key-label <nhãn khóa> --pin-stdin`;

/** The two steps for document `id`, the block on `page` at `rect` (as the PIN path); `onSigned` when done. */
export function TokenSigning({ id, page, rect, onSigned }) {
  const [prepared, setPrepared] = useState(null);
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const path = `/v1/documents/${encodeURIComponent(id)}/signature`;
  const run = async (work) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const prepare = (e) => {
    e.preventDefault();
    const input = e.currentTarget.elements.namedItem('token-certificate');
    return run(async () => {
      const body = certificatesOf(await fileBytes(input));
      setPrepared(await postJson('intake', `${path}/preparation?page=${page}&rect=${rect.join(',')}`, body));
    });
  };
  const complete = (e) => {
    e.preventDefault();
    const input = e.currentTarget.elements.namedItem('token-value-file');
    return run(async () => {
      const signatureValue =
        input.files.length > 0 ? signatureValueOfFile(await fileBytes(input)) : signatureValueOfText(pasted);
      await postJson('intake', `${path}/completion`, { session: prepared.session, signatureValue });
      onSigned();
    });
  };
  if (prepared === null)
    return html`<form onSubmit=${prepare} aria-describedby="token-why">
      <p id="token-why" class="hint">
        Trình duyệt không tự kết nối được với USB token: khóa ký nằm trong token và không rời khỏi token. Bạn chọn tệp
        chứng thư số của khóa trong token; hệ thống chuẩn bị dữ liệu cần ký, bạn ký dữ liệu đó bằng công cụ ký của token
        trên máy mình, rồi đưa giá trị chữ ký trở lại đây.
      </p>
      <p class="hint">
        Hoặc ký một bước bằng công cụ dòng lệnh trên máy đang cắm token (mã PIN nhập vào, không ghi trên dòng lệnh):
      </p>
      <pre><code>${cliCommand(id, page)}</code></pre>
      <label for="token-certificate">Chứng thư số của khóa trong token (.pem, .cer)</label>
      <input id="token-certificate" name="token-certificate" type="file" accept=".pem,.cer,.crt,.der" required />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>Chuẩn bị dữ liệu cần ký</button>
    </form>`;
  return html`<form onSubmit=${complete}>
    <p>
      Ký dữ liệu sau bằng công cụ ký của USB token trước
      <strong>${formatTime(prepared.expiresAt)}</strong>:
    </p>
    <dl class="token-data">
      <dt>Thuật toán</dt>
      <dd>${prepared.algorithm}</dd>
      <dt>Mã băm (SHA-256)</dt>
      <dd><code>${hexOf(prepared.digest)}</code></dd>
      <dt>Dữ liệu cần ký (base64)</dt>
      <dd>
        <textarea readonly rows="3" aria-label="Dữ liệu cần ký (base64)" value=${prepared.signedAttributes}></textarea>
      </dd>
    </dl>
    <button
      type="button"
      onClick=${() => download(`ky-${id}.json`, JSON.stringify({ document: id, ...prepared }, null, 2))}
    >
      Tải tệp dữ liệu cần ký (.json)
    </button>
    <label for="token-value">Giá trị chữ ký (base64)</label>
    <textarea id="token-value" rows="3" value=${pasted} onInput=${(e) => setPasted(e.currentTarget.value)}></textarea>
    <label for="token-value-file">hoặc tệp chữ ký</label>
    <input id="token-value-file" name="token-value-file" type="file" />
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>Hoàn tất ký</button>
    <button type="button" disabled=${busy} onClick=${() => setPrepared(null)}>Chuẩn bị lại</button>
  </form>`;
}
