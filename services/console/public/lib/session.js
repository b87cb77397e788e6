// The caller's access token, kept in sessionStorage (gone when the tab closes). Its claims are
// read only to choose which pages to offer: every service checks the token itself.
const key = 'lienthong.token';

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
  return true;
}

export function signOut() {
  sessionStorage.removeItem(key);
}

/** The roles that open each part of the console. */
export const areas = {
  registry: ['registry', 'office-system'],
  signer: ['signer'],
  archive: ['archivist', 'archive-approver'],
};

export const hasArea = (session, area) => session !== null && session.roles.some((r) => areas[area].includes(r));
