// The identity provider's login: OpenID Connect authorization code flow with PKCE (S256), state
// and nonce, the page itself being the client (a public one: no secret). oauth4webapi does the
// protocol's checks; this file keeps the round trip's secrets in sessionStorage only until the
// provider sends the browser back, and turns every failure into a sentence for the sign-in page.
import * as oauth from 'oauth4webapi';

/** The path the provider sends the browser back to (the console serves its page there). */
export const callbackPath = '/oidc/callback';

// The code verifier, state and nonce of the login under way, with where to go back to.
const pendingKey = 'lienthong.oidc';

/** A failed login, with what to tell the user. */
export class SignInError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'SignInError';
  }
}

const messages = {
  noPending:
    'Không có yêu cầu đăng nhập nào đang chờ trong thẻ này (đã dùng, đã hết hạn hoặc mở ở thẻ khác). Vui lòng đăng nhập lại.',
  badState:
    'Phản hồi của hệ thống xác thực không khớp với yêu cầu đăng nhập của trang này (state sai), nên bị từ chối. Vui lòng đăng nhập lại.',
  denied:
    'Hệ thống xác thực không cho đăng nhập (access_denied): bạn đã từ chối, hoặc tài khoản không được phép dùng bảng điều khiển.',
  unreachable: 'Không kết nối được tới hệ thống xác thực. Vui lòng thử lại sau.',
  tokenOrigin:
    'Điểm cấp mã (token endpoint) của hệ thống xác thực không cùng nguồn với địa chỉ đã cấu hình, nên trang không gọi được. Hãy báo quản trị.',
};

/** The console's client settings (`GET /session/oidc`), or null when it has no identity provider. */
export async function oidcSettings() {
  try {
    const res = await fetch('/session/oidc', { headers: { accept: 'application/json' } });
    return res.status === 200 ? await res.json() : null;
  } catch {
    return null;
  }
}

/** The provider's metadata (OpenID Connect Discovery), and the options every request takes. */
async function discover(settings) {
  const issuer = new URL(settings.issuer);
  // The console accepts an http:// issuer on loopback only (a test's or a developer's provider).
  const options = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  let as;
  try {
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }),
    );
  } catch (error) {
    throw failure(error);
  }
  // The CSP lets the page fetch from the issuer's origin only (src/security-headers.ts).
  if (as.token_endpoint === undefined || new URL(as.token_endpoint).origin !== issuer.origin)
    throw new SignInError(messages.tokenOrigin);
  return { as, options };
}

/** What to tell the user about an error of oauth4webapi or fetch. */
function failure(error) {
  if (error instanceof SignInError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    if (error.error === 'access_denied') return new SignInError(messages.denied, { cause: error });
    const said = error.error_description ? `: ${error.error_description}` : '';
    return new SignInError(`Hệ thống xác thực báo lỗi (${error.error})${said}.`, { cause: error });
  }
  if (error instanceof oauth.ResponseBodyError) {
    const said = error.error_description ? `: ${error.error_description}` : '';
    return new SignInError(
      `Hệ thống xác thực từ chối cấp mã truy cập (${error.error})${said}. Vui lòng đăng nhập lại.`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof TypeError && !('code' in error)) return new SignInError(messages.unreachable, { cause: error });
  return new SignInError(`Phản hồi của hệ thống xác thực không hợp lệ (${error?.message ?? String(error)}).`, {
    cause: error,
  });
}

/**
 * Sends the browser to the provider's login: a fresh code verifier, state and nonce kept in
 * sessionStorage for the round trip, the S256 challenge in the request. `returnTo` is the hash
 * route to open once signed in.
 */
export async function beginSignIn(settings, returnTo = '#/') {
  const { as } = await discover(settings);
  if (as.authorization_endpoint === undefined)
    throw new SignInError('Hệ thống xác thực không công bố điểm đăng nhập (authorization_endpoint). Hãy báo quản trị.');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const redirectUri = new URL(settings.redirectPath ?? callbackPath, location.origin).href;
  sessionStorage.setItem(
    pendingKey,
    JSON.stringify({ issuer: settings.issuer, verifier, state, nonce, redirectUri, returnTo }),
  );
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  for (const resource of settings.resource ?? []) url.searchParams.append('resource', resource);
  if (settings.audience !== undefined) url.searchParams.set('audience', settings.audience);
  location.assign(url.href);
}

/**
 * If this page is the provider's callback, its parameters; the URL is replaced at once (by the
 * hash route the login started from) so the code stays in no history entry. Elsewhere, a login
 * left half-way (the user came back without finishing it) is forgotten. Call once, at start.
 */
export function takeCallback() {
  if (location.pathname !== callbackPath) {
    sessionStorage.removeItem(pendingKey);
    return null;
  }
  const params = new URLSearchParams(location.search);
  const returnTo = pendingOf(sessionStorage.getItem(pendingKey))?.returnTo;
  history.replaceState(null, '', `/${typeof returnTo === 'string' && returnTo.startsWith('#/') ? returnTo : '#/'}`);
  return params;
}

function pendingOf(text) {
  if (text === null) return null;
  try {
    const pending = JSON.parse(text);
    return typeof pending === 'object' && pending !== null ? pending : null;
  } catch {
    return null;
  }
}

/**
 * Completes the login from the callback's parameters: the state compared, the code exchanged
 * with the verifier at the token endpoint, the answer and its ID token checked (issuer,
 * audience, nonce, times). Returns the access token; throws SignInError. The round trip's
 * secrets are gone from sessionStorage whatever happens.
 */
export async function completeSignIn(settings, params) {
  const pending = pendingOf(sessionStorage.getItem(pendingKey));
  sessionStorage.removeItem(pendingKey);
  if (pending === null || pending.issuer !== settings.issuer) throw new SignInError(messages.noPending);
  if (params.get('state') !== pending.state) throw new SignInError(messages.badState);
  const { as, options } = await discover(settings);
  const client = { client_id: settings.clientId };
  try {
    const callback = oauth.validateAuthResponse(as, client, params, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      callback,
      pending.redirectUri,
      pending.verifier,
      options,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    return result.access_token;
  } catch (error) {
    throw failure(error);
  }
}
