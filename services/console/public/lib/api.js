// Calls to the services through the console's same-origin proxy (/api/<service>/v1/…), with
// the caller's own token. A refusal becomes an ApiError carrying the problem+json (RFC 9457).
import { currentSession, refuseSession } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function problemOf(res) {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return await res.json();
    } catch {
      // an unreadable body: the status says enough
    }
  }
  return { status: res.status, title: res.statusText };
}

/** fetch with the caller's token; throws ApiError on 4xx/5xx. */
export async function call(service, path, options = {}) {
  const session = currentSession();
  // Signed out (or the token expired) while a page was still loading: nothing to ask.
  if (session === null) throw new ApiError(401, { code: 'UNAUTHENTICATED', detail: 'Chưa đăng nhập.' });
  const headers = new Headers(options.headers ?? {});
  headers.set('authorization', `Bearer ${session.token}`);
  let res;
  try {
    res = await fetch(`/api/${service}${path}`, { ...options, headers });
  } catch {
    throw new ApiError(0, { title: 'network', detail: 'Không kết nối được tới máy chủ.' });
  }
  // The token itself refused (not a lack of role: that is 403): back to the sign-in page.
  if (res.status === 401) refuseSession();
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return res;
}

/** A JSON answer. */
export async function getJson(service, path, options) {
  return (await call(service, path, options)).json();
}

/** POST a JSON body, JSON answer. */
export async function postJson(service, path, body, headers = {}) {
  const res = await call(service, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body ?? {}),
  });
  return res.status === 204 ? null : res.json();
}

/** Saves a protected file (a PDF, a bag) under `name`: fetched with the token, handed to the browser. */
export async function download(service, path, name) {
  const blob = await (await call(service, path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
