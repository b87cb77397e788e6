// The console's shell: the hash router, the header with the caller and the menu their roles open.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { currentSession, hasArea, signOut } from './lib/session.js';
import { SignIn } from './pages/sign-in.js';
import { Inbox } from './pages/inbox.js';
import { InboxEntry } from './pages/inbox-entry.js';
import { Outgoing } from './pages/outgoing.js';
import { Register } from './pages/register.js';
import { Dispositions } from './pages/dispositions.js';
import { DispositionPage } from './pages/disposition.js';
import { Submit } from './pages/submit.js';
import { DocumentPage } from './pages/document.js';
import { Waiting } from './pages/waiting.js';
import { SignDocument } from './pages/sign-document.js';
import { ArchiveSearch } from './pages/archive-search.js';
import { RecordPage } from './pages/record.js';

/** Routes: a pattern of the hash path, the area it belongs to, the page. */
const routes = [
  { path: /^\/inbox$/, area: 'registry', page: () => html`<${Inbox} />` },
  { path: /^\/inbox\/([\w-]+)$/, area: 'registry', page: (id) => html`<${InboxEntry} id=${id} />` },
  { path: /^\/outgoing$/, area: 'registry', page: () => html`<${Outgoing} />` },
  { path: /^\/outgoing\/new$/, area: 'registry', page: () => html`<${Submit} />` },
  { path: /^\/register$/, area: 'registry', page: () => html`<${Register} />` },
  { path: /^\/documents\/([\w-]+)$/, area: 'registry', page: (id) => html`<${DocumentPage} id=${id} />` },
  { path: /^\/sign$/, area: 'signer', page: () => html`<${Waiting} />` },
  { path: /^\/sign\/([\w-]+)$/, area: 'signer', page: (id) => html`<${SignDocument} id=${id} />` },
  { path: /^\/archive$/, area: 'archive', page: () => html`<${ArchiveSearch} />` },
  { path: /^\/archive\/([\w-]+)$/, area: 'archive', page: (id) => html`<${RecordPage} id=${id} />` },
  { path: /^\/dispositions$/, area: 'archive', page: () => html`<${Dispositions} />` },
  { path: /^\/dispositions\/([\w-]+)$/, area: 'archive', page: (id) => html`<${DispositionPage} id=${id} />` },
];

const menu = [
  { href: '#/inbox', area: 'registry', label: 'Văn bản đến' },
  { href: '#/outgoing', area: 'registry', label: 'Văn bản đi' },
  { href: '#/outgoing/new', area: 'registry', label: 'Trình văn bản' },
  { href: '#/register', area: 'registry', label: 'Sổ văn bản đi' },
  { href: '#/sign', area: 'signer', label: 'Chờ ký' },
  { href: '#/archive', area: 'archive', label: 'Tra cứu lưu trữ' },
  { href: '#/dispositions', area: 'archive', label: 'Hết hạn bảo quản' },
];

const homeOf = (session) => menu.find((m) => hasArea(session, m.area))?.href ?? '#/';

function useHash() {
  const [hash, setHash] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || '/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Shell() {
  const hash = useHash();
  const [session, setSession] = useState(currentSession());
  const refresh = () => setSession(currentSession());
  if (session === null) return html`<main id="main"><${SignIn} onSignedIn=${refresh} /></main>`;
  const path = hash.split('?')[0];
  let content = null;
  for (const route of routes) {
    const m = route.path.exec(path);
    if (m === null) continue;
    content = hasArea(session, route.area)
      ? route.page(m[1])
      : html`<p role="alert">Vai trò của bạn không mở trang này.</p>`;
    break;
  }
  if (content === null) {
    const home = homeOf(session);
    if (home !== '#/') location.replace(home);
    content = html`<p>Vai trò của bạn (${session.roles.join(', ')}) chưa có trang nào trong bảng điều khiển.</p>`;
  }
  const leave = () => {
    signOut();
    location.hash = '#/';
    refresh();
  };
  return html`
    <a class="skip" href="#main">Bỏ qua, tới nội dung</a>
    <header class="top">
      <span class="brand">Liên thông văn bản</span>
      <nav aria-label="Chức năng">
        <ul>
          ${menu
            .filter((m) => hasArea(session, m.area))
            .map(
              (m) =>
                html`<li>
                  <a href=${m.href} aria-current=${path === m.href.slice(1) ? 'page' : undefined}>${m.label}</a>
                </li>`,
            )}
        </ul>
      </nav>
      <span class="who">${session.name} · ${session.office}</span>
      <button type="button" class="link" onClick=${leave}>Đăng xuất</button>
    </header>
    <main id="main">${content}</main>
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${Shell} />`, root);
