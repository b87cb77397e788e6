// The caller's access token, kept in sessionStorage (gone when the tab closes). Its claims are
// read only to choose which pages to offer: every service checks the token itself. When it
// expires the page is loaded anew, which brings the sign-in page, saying why.
const key = 'lienthong.token';
const expiredKey = 'lienthong.expired';
let expiryTimer;

/** Forgets the token as expired and loads the page anew: the shell then shows the sign-in page. */
function expire() {
  sessionStorage.removeItem(key);
  sessionStorage.setItem(expiredKey, 'expired');
  location.reload();
}

/**
 * A service refused the token (401: revoked key, another issuer, a clock far off): it is
 * forgotten and the sign-in page comes back, saying so, rather than every page failing.
 */
export function refuseSession() {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(key);
  sessionStorage.setItem(expiredKey, 'refused');
  location.reload();
}

/** Calls `expire` when `token`'s `exp` comes (at once if it is past). */
function watchExpiry(token) {
  clearTimeout(expiryTimer);
  const exp = claimsOf(token)?.exp;
  if (typeof exp !== 'number') return;
  // setTimeout holds at most 2^31-1 ms (24.8 days); a token lives hours.
  expiryTimer = setTimeout(expire, Math.min(Math.max(exp * 1000 - Date.now(), 0), 2 ** 31 - 1));
}

/** The claims of a JWT's payload, or null when it is not one. */
export function claimsOf(token) {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const text = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? claims : null;
  } catch {
    return null;
  }
}

/** The signed-in caller, or null: { token, office, subject, name, roles, expiresAt }. */
export function currentSession() {
  const token = sessionStorage.getItem(key);
  if (token === null) return null;
  const claims = claimsOf(token);
  if (claims === null) return null;
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    sessionStorage.removeItem(key);
    sessionStorage.setItem(expiredKey, 'expired');
    return null;
  }
  return {
    token,
    office: String(claims.office ?? ''),
    subject: String(claims.sub ?? ''),
    name: String(claims.name ?? claims.sub ?? ''),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
  };
}

/** Keeps `token` for this tab; false when it is not a JWT. */
export function signIn(token) {
  const trimmed = token.trim();
  if (claimsOf(trimmed) === null) return false;
  sessionStorage.setItem(key, trimmed);
  sessionStorage.removeItem(expiredKey);
  watchExpiry(trimmed);
  return true;
}

export function signOut() {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(key);
}

/** Why the last session ended, once (`expired` or `refused`; the sign-in page says so), then null. */
export function takeExpiredNotice() {
  const why = sessionStorage.getItem(expiredKey);
  sessionStorage.removeItem(expiredKey);
  return why === null ? null : why === 'refused' ? 'refused' : 'expired';
}

const kept = sessionStorage.getItem(key);
if (kept !== null) watchExpiry(kept);

/** The roles that open each part of the console. */
export const areas = {
  registry: ['registry', 'office-system'],
  signer: ['signer'],
  archive: ['archivist', 'archive-approver'],
};

export const hasArea = (session, area) => session !== null && session.roles.some((r) => areas[area].includes(r));
