// Sign-in: the identity provider's login where the console has one (OIDC code + PKCE,
// lib/oidc.js), the demo callers' chooser where the suite offers one (npm start), and a pasted
// token. Each ends in signIn(token).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { beginSignIn, completeSignIn, oidcSettings, SignInError, takeCallback } from '../lib/oidc.js';
import { claimsOf, signIn, takeExpiredNotice } from '../lib/session.js';
import { Page } from '../lib/ui.js';

// Taken as the module loads, before the shell draws: the code leaves the address bar at once.
let callback = takeCallback();

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

/** Why an access token from the provider will not open the console, or null when it will. */
function tokenProblem(token) {
  const claims = typeof token === 'string' ? claimsOf(token) : null;
  if (claims === null)
    return 'Hệ thống xác thực không cấp một mã truy cập dạng JWT (RFC 9068) cho các dịch vụ. Hãy báo quản trị.';
  if (typeof claims.office !== 'string' || !Array.isArray(claims.roles) || claims.roles.length === 0)
    return 'Mã truy cập của hệ thống xác thực không ghi văn phòng và vai trò của bạn (office, roles). Hãy báo quản trị.';
  return null;
}

function IdpLogin({ settings, busy, onStart }) {
  return html`<section aria-labelledby="idp-title">
    <h2 id="idp-title">Hệ thống xác thực</h2>
    <button type="button" class="primary" disabled=${busy} onClick=${onStart}>Đăng nhập qua hệ thống xác thực</button>
    <p class="hint">Địa chỉ: ${new URL(settings.issuer).host}</p>
  </section>`;
}

/** What the sign-in page says when the last session ended by itself. */
const endedNotices = {
  expired: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
  refused:
    'Hệ thống không chấp nhận phiên đăng nhập này nữa (mã truy cập bị thu hồi hoặc không hợp lệ). Vui lòng đăng nhập lại.',
};

export function SignIn({ onSignedIn }) {
  const [callers, setCallers] = useState(null);
  const [token, setToken] = useState('');
  const [refused, setRefused] = useState(false);
  const [oidc, setOidc] = useState(null);
  const [busy, setBusy] = useState(callback !== null);
  const [completing, setCompleting] = useState(callback !== null);
  const [problem, setProblem] = useState(() => endedNotices[takeExpiredNotice()] ?? null);
  const fail = (error) => {
    setBusy(false);
    setCompleting(false);
    setProblem(
      error instanceof SignInError ? error.message : `Đăng nhập không thành công (${error?.message ?? error}).`,
    );
  };
  useEffect(() => {
    fetch('/session/demo-callers').then(
      (res) => (res.status === 200 ? res.json().then((body) => setCallers(body.callers)) : setCallers([])),
      () => setCallers([]),
    );
    const params = callback;
    callback = null;
    void oidcSettings().then(async (settings) => {
      setOidc(settings);
      if (params === null) return;
      if (settings === null) {
        fail(new SignInError('Bảng điều khiển không được cấu hình với hệ thống xác thực nào.'));
        return;
      }
      try {
        const accessToken = await completeSignIn(settings, params);
        const why = tokenProblem(accessToken);
        if (why !== null) throw new SignInError(why);
        signIn(accessToken);
        onSignedIn();
      } catch (error) {
        fail(error);
      }
    });
    // Back from the provider's page without signing in: a page kept by the browser's back-forward
    // cache would still have its button disabled.
    const shown = (e) => e.persisted && setBusy(false);
    addEventListener('pageshow', shown);
    return () => removeEventListener('pageshow', shown);
  }, []);
  const start = () => {
    setBusy(true);
    setProblem(null);
    beginSignIn(oidc, location.hash.startsWith('#/') ? location.hash : '#/').catch(fail);
  };
  const submit = (e) => {
    e.preventDefault();
    if (signIn(token)) onSignedIn();
    else setRefused(true);
  };
  return html`<${Page} title="Đăng nhập">
    ${problem !== null ? html`<div class="error" role="alert">${problem}</div>` : null}
    ${completing ? html`<p role="status">Đang hoàn tất đăng nhập…</p>` : null}
    ${oidc !== null ? html`<${IdpLogin} settings=${oidc} busy=${busy} onStart=${start} />` : null}
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
