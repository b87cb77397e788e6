/**
 * Access tokens: JSON Web Tokens (RFC 7519) in JWS compact form (RFC 7515), profiled as
 * OAuth 2.0 access tokens (RFC 9068), signed with an asymmetric key so that every service
 * verifies them with public keys only. Whoever issues tokens (an identity provider, or
 * `lienthong token issue` with the deployment's auth key) signs; services never can.
 *
 * Accepted algorithms (RFC 7518 §3, RFC 8037): EdDSA (Ed25519), ES256, RS256, PS256.
 * `none` and the HMAC algorithms are refused outright: a shared secret would let every
 * service mint tokens, and `alg` confusion is the classic JWT attack.
 */
import { createPrivateKey, createPublicKey, randomUUID, sign, verify, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The signature algorithms access tokens may use. */
export type AccessTokenAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'PS256';

/** One verification key of a JWK set (RFC 7517 §5). */
export interface AuthKey {
  kid: string | undefined;
  algorithm: AccessTokenAlgorithm;
  key: KeyObject;
}

/** The public keys a service accepts tokens from. */
export interface AuthKeySet {
  keys: readonly AuthKey[];
}

/** What a service knows of its token issuer (from configuration). */
export interface AuthConfig {
  keys: AuthKeySet;
  /** Expected `iss`. */
  issuer: string;
  /** Expected member of `aud`: this service's own name (`lienthong-signing`, …). */
  audience: string;
  /** The longest `exp - iat` accepted, in seconds (default `defaultMaxLifetimeSeconds`). */
  maxLifetimeSeconds?: number;
}

/** The claims lienthong reads from an access token. */
export interface AccessClaims {
  /** Who calls: an office system (`system:…`) or a person (`person:…`). */
  sub: string;
  /** The one office (văn phòng) the caller acts for, by its code. */
  office: string;
  /** What the caller may do there (`signer`, `registry`, `office-system`, `ca-admin`, …). */
  roles: string[];
  /** A display name, e.g. the signer's full name. */
  name?: string;
  iss: string;
  aud: string | string[];
  /** Seconds since the epoch. */
  exp: number;
  /** Seconds since the epoch; required, never in the future, at most the maximum lifetime before `exp`. */
  iat?: number;
  nbf?: number;
  jti?: string;
}

/**
 * Which rule refused a token: `audience` (no `aud`, or not this service), `lifetime`
 * (`exp` not after `iat`, or further than the maximum), `iat` (missing or in the future),
 * `invalid` (anything else: shape, signature, issuer, expiry, claims).
 */
export type AccessTokenRule = 'invalid' | 'audience' | 'lifetime' | 'iat';

/** Why a token was refused; the message is safe to show to the caller. */
export class AccessTokenError extends Error {
  readonly rule: AccessTokenRule;
  constructor(message: string, rule: AccessTokenRule = 'invalid') {
    super(message);
    this.name = 'AccessTokenError';
    this.rule = rule;
  }
}

/** Tokens larger than this are refused before any parsing. */
export const maxTokenLength = 8192;
/** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
export const clockSkewSeconds = 60;
/** The maximum token lifetime (`exp - iat`) when the configuration names none: one hour. */
export const defaultMaxLifetimeSeconds = 3600;

/** The audience (`aud`) a lienthong service accepts by default: `lienthong-<service name>`. */
export function serviceAudience(service: string): string {
  return `lienthong-${service}`;
}

/** The longest lifetime `LIENTHONG_AUTH_MAX_LIFETIME_SECONDS` may allow: seven days. */
export const maxLifetimeLimitSeconds = 7 * 86_400;

const officePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const rolePattern = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Reads a JWK set (RFC 7517 §5) of public keys: Ed25519 (OKP), P-256 (EC) or RSA ≥ 2048
 * bits. Private members are refused: a service's configuration must never hold the
 * issuer's private key. Throws an Error saying what is wrong.
 */
export function parseJwks(json: string): AuthKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('is not JSON');
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error('has no "keys" array (a JWK set, RFC 7517 §5)');
  if (list.length > 32) throw new Error('has more than 32 keys');
  const keys = list.map((jwk: unknown, index) => {
    try {
      return authKeyOf(jwk);
    } catch (error) {
      throw new Error(`keys[${index}] ${(error as Error).message}`, { cause: error });
    }
  });
  const kids = keys.map((key) => key.kid);
  if (keys.length > 1 && kids.some((kid) => kid === undefined))
    throw new Error('has several keys, so each needs a "kid"');
  if (new Set(kids).size !== kids.length) throw new Error('has two keys with the same "kid"');
  return { keys };
}

function authKeyOf(jwk: unknown): AuthKey {
  if (typeof jwk !== 'object' || jwk === null) throw new Error('is not an object');
  const members = jwk as Record<string, unknown>;
  if ('d' in members || 'p' in members || 'k' in members) throw new Error('holds private or secret key material');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: members, format: 'jwk' });
  } catch {
    throw new Error('is not a usable public JWK');
  }
  const algorithm = algorithmFor(key, members.alg);
  const kid = members.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > 200))
    throw new Error('has a bad "kid"');
  return { kid, algorithm, key };
}

function algorithmFor(key: KeyObject, declared: unknown): AccessTokenAlgorithm {
  const type = key.asymmetricKeyType;
  let allowed: AccessTokenAlgorithm[];
  if (type === 'ed25519') allowed = ['EdDSA'];
  else if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') allowed = ['ES256'];
  else if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) allowed = ['RS256', 'PS256'];
  else throw new Error('is not an Ed25519, P-256 or RSA ≥ 2048 key');
  if (declared === undefined) return allowed[0]!;
  if (typeof declared !== 'string' || !allowed.includes(declared as AccessTokenAlgorithm)) {
    throw new Error(`declares "alg" ${JSON.stringify(declared)}, not one of ${allowed.join(', ')} for this key`);
  }
  return declared as AccessTokenAlgorithm;
}

/** Signs `data` as JWS `algorithm` would (RFC 7518 §3.3–3.5, RFC 8037 §3.1). */
function jwsSign(algorithm: AccessTokenAlgorithm, key: KeyObject, data: Buffer): Buffer {
  switch (algorithm) {
    case 'EdDSA':
      return sign(null, data, key);
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  }
}

function jwsVerify(algorithm: AccessTokenAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  switch (algorithm) {
    case 'EdDSA':
      return verify(null, data, key, signature);
    case 'ES256':
      return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'RS256':
      return verify('sha256', data, key, signature);
    case 'PS256':
      return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  }
}

/** What `signAccessToken` needs besides the claims. */
export interface AccessTokenSigningKey {
  /** A private key (KeyObject or PEM) of one of the accepted types. */
  privateKey: KeyObject | string;
  kid?: string;
}

/** The claims a caller of `signAccessToken` chooses; `iat` and `jti` are filled in. */
export type AccessTokenRequest = Omit<AccessClaims, 'iat' | 'jti'> & { iat?: number; jti?: string };

/** Issues an access token (the issuer's side: the CLI, `npm start`, tests). */
export function signAccessToken(claims: AccessTokenRequest, signingKey: AccessTokenSigningKey): string {
  const key =
    typeof signingKey.privateKey === 'string' ? createPrivateKey(signingKey.privateKey) : signingKey.privateKey;
  const algorithm = algorithmFor(createPublicKey(key), undefined);
  const header = { alg: algorithm, typ: 'at+jwt', ...(signingKey.kid === undefined ? {} : { kid: signingKey.kid }) };
  const body = { iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims };
  const input = `${encode(header)}.${encode(body)}`;
  return `${input}.${jwsSign(algorithm, key, Buffer.from(input)).toString('base64url')}`;
}

/** The public JWK set of a private key, to give to the services (`LIENTHONG_AUTH_JWKS`). */
export function publicJwks(privateKey: KeyObject | string, kid?: string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return JSON.stringify({ keys: [{ ...jwk, ...(kid === undefined ? {} : { kid }), use: 'sig' }] });
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decodeJson(part: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new AccessTokenError(`the token's ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenError(`the token's ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AccessTokenError(`the token's ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Verifies a compact JWS access token against `config` at `now` and returns its claims.
 * Checks, in order: shape, header (`alg` among ours and matching the key, no `crit`),
 * signature, then `iss`, `aud`, `exp`, `iat` (present, not in the future, `exp - iat` within
 * the maximum lifetime), `nbf` and lienthong's own claims. Throws
 * AccessTokenError with a message fit for a 401 answer.
 */
export function verifyAccessToken(token: string, config: AuthConfig, now: Date = new Date()): AccessClaims {
  return checkClaims(signedPayloadOf(token, config), config, now);
}

/** How many tokens an `accessTokenVerifier` remembers as signed, by default. */
export const verifiedTokenCacheSize = 1000;

/**
 * `verifyAccessToken` for one configuration that remembers, by their exact text, the last
 * `cacheSize` tokens whose signature verified, so that a caller presenting the same token
 * again is not verified again: the signature check is most of a token's cost, and callers
 * send one token for many requests. Everything that depends on `now` or on the claims
 * (`iss`, `aud`, `exp`, `iat`, `nbf`, the lienthong claims) is checked at every call, so the
 * answers are `verifyAccessToken`'s; a token refused on its claims is forgotten. The claims
 * returned are frozen (shared by the calls that present the same token).
 */
export function accessTokenVerifier(
  config: AuthConfig,
  cacheSize = verifiedTokenCacheSize,
): (token: string, now?: Date) => AccessClaims {
  const verified = new Map<string, Record<string, unknown>>();
  return (token, now = new Date()) => {
    let payload = verified.get(token);
    if (payload === undefined) {
      payload = deepFreeze(signedPayloadOf(token, config));
      if (cacheSize > 0) {
        // A Map iterates in insertion order: the first key is the one used longest ago.
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, payload);
      }
    } else {
      verified.delete(token);
      verified.set(token, payload);
    }
    try {
      return checkClaims(payload, config, now);
    } catch (error) {
      verified.delete(token);
      throw error;
    }
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** The payload of a token whose shape, header and signature are good (its claims unchecked yet). */
function signedPayloadOf(token: string, config: AuthConfig): Record<string, unknown> {
  if (token.length > maxTokenLength) throw new AccessTokenError('the token is too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new AccessTokenError('the token is not a compact JWS (three dot-separated parts)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  if (header.crit !== undefined)
    throw new AccessTokenError('the token has critical header parameters this service does not understand');
  if (typeof header.typ === 'string' && !/^(application\/)?(at\+jwt|jwt)$/i.test(header.typ))
    throw new AccessTokenError('the token is not a JWT access token (typ)');
  const key = keyFor(header, config.keys);
  if (!/^[A-Za-z0-9_-]*$/.test(signaturePart)) throw new AccessTokenError("the token's signature is not base64url");
  const valid = jwsVerify(
    key.algorithm,
    key.key,
    Buffer.from(`${headerPart}.${payloadPart}`),
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!valid) throw new AccessTokenError("the token's signature does not verify");
  return decodeJson(payloadPart, 'payload');
}

function keyFor(header: Record<string, unknown>, keys: AuthKeySet): AuthKey {
  const { alg, kid } = header;
  if (typeof alg !== 'string') throw new AccessTokenError('the token names no algorithm');
  const candidates = kid === undefined ? keys.keys : keys.keys.filter((key) => key.kid === kid);
  if (candidates.length === 0)
    throw new AccessTokenError('the token is signed with a key this service does not know (kid)');
  if (candidates.length > 1) throw new AccessTokenError('the token names no key (kid) and this service knows several');
  const key = candidates[0]!;
  if (key.algorithm !== alg)
    throw new AccessTokenError(`the token's algorithm ${JSON.stringify(alg).slice(0, 20)} is not the key's`);
  return key;
}

// RFC 9068 §2.2 makes `iat` required; with it a leaked long-lived token is refused even
// when its issuer was careless with `exp`.
function checkLifetime(iat: unknown, exp: number, maxLifetime: number, now: number): void {
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw new AccessTokenError('the token says not when it was issued (iat)', 'iat');
  if (iat - clockSkewSeconds > now) throw new AccessTokenError('the token was issued in the future (iat)', 'iat');
  if (exp <= iat) throw new AccessTokenError('the token expires before it was issued (exp ≤ iat)', 'lifetime');
  if (exp - iat > maxLifetime)
    throw new AccessTokenError(
      `the token lives ${String(Math.round(exp - iat))} s, longer than the ${String(maxLifetime)} s this service accepts (exp - iat)`,
      'lifetime',
    );
}

function checkClaims(claims: Record<string, unknown>, config: AuthConfig, now: Date): AccessClaims {
  const seconds = now.getTime() / 1000;
  if (claims.iss !== config.issuer) throw new AccessTokenError('the token is from another issuer (iss)');
  if (claims.aud === undefined) throw new AccessTokenError('the token names no audience (aud)', 'audience');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(config.audience))
    throw new AccessTokenError(`the token is for another audience (aud), not ${config.audience}`, 'audience');
  if (typeof claims.exp !== 'number') throw new AccessTokenError('the token has no expiry (exp)');
  checkLifetime(claims.iat, claims.exp, config.maxLifetimeSeconds ?? defaultMaxLifetimeSeconds, seconds);
  if (claims.exp + clockSkewSeconds <= seconds) throw new AccessTokenError('the token has expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - clockSkewSeconds > seconds))
    throw new AccessTokenError('the token is not valid yet (nbf)');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 200)
    throw new AccessTokenError('the token names no subject (sub)');
  if (typeof claims.office !== 'string' || !officePattern.test(claims.office))
    throw new AccessTokenError('the token names no office (office)');
  const roles = claims.roles ?? [];
  if (
    !Array.isArray(roles) ||
    roles.length > 32 ||
    !roles.every((role) => typeof role === 'string' && rolePattern.test(role))
  ) {
    throw new AccessTokenError("the token's roles are malformed");
  }
  if (claims.name !== undefined && (typeof claims.name !== 'string' || claims.name.length > 200))
    throw new AccessTokenError("the token's name is malformed");
  return claims as unknown as AccessClaims;
}
