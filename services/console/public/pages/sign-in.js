// Sign-in: the demo callers' chooser where the suite offers one (npm start), else a pasted token.
// An identity provider's login (OIDC code + PKCE) is to come here: it ends in signIn(token) too.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { signIn } from '../lib/session.js';
import { Page } from '../lib/ui.js';

const roleNames = {
  registry: 'Văn thư',
  signer: 'Người ký',
  archivist: 'Lưu trữ',
  'archive-approver': 'Duyệt tiêu hủy',
  'office-system': 'Hệ thống văn phòng',
  'ca-admin': 'Quản trị CA',
  'directory-admin': 'Quản trị danh bạ',
};

function DemoChooser({ callers, onSignedIn }) {
  const offices = [...new Set(callers.map((c) => c.office))];
  const [office, setOffice] = useState(offices[0] ?? '');
  const shown = callers.filter((c) => c.office === office && roleNames[c.role] !== undefined);
  return html`<section aria-labelledby="demo-title">
    <h2 id="demo-title">Người dùng mẫu</h2>
    <label for="demo-office">Văn phòng</label>
    <select id="demo-office" value=${office} onChange=${(e) => setOffice(e.currentTarget.value)}>
      ${offices.map((o) => html`<option value=${o}>${o}</option>`)}
    </select>
    <ul class="choices">
      ${shown.map(
        (c) =>
          html`<li>
            <button type="button" data-role=${c.role} onClick=${() => signIn(c.token) && onSignedIn()}>
              ${c.name} — ${roleNames[c.role]}
            </button>
          </li>`,
      )}
    </ul>
  </section>`;
}

export function SignIn({ onSignedIn }) {
  const [callers, setCallers] = useState(null);
  const [token, setToken] = useState('');
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    fetch('/session/demo-callers').then(
      (res) => (res.ok ? res.json().then((body) => setCallers(body.callers)) : setCallers([])),
      () => setCallers([]),
    );
  }, []);
  const submit = (e) => {
    e.preventDefault();
    if (signIn(token)) onSignedIn();
    else setRefused(true);
  };
  return html`<${Page} title="Đăng nhập">
    ${callers !== null && callers.length > 0 ? html`<${DemoChooser} callers=${callers} onSignedIn=${onSignedIn} />` : null}
    <form onSubmit=${submit} aria-labelledby="token-title">
      <h2 id="token-title">Mã truy cập</h2>
      <label for="token">Dán mã truy cập (access token) do hệ thống xác thực cấp</label>
      <textarea
        id="token"
        rows="4"
        value=${token}
        onInput=${(e) => setToken(e.currentTarget.value)}
        required
      ></textarea>
      ${refused ? html`<div class="error" role="alert">Đây không phải một mã truy cập hợp lệ.</div>` : null}
      <button type="submit">Đăng nhập</button>
    </form>
  <//>`;
}
