/**
 * Signing and checking webhook requests in the style of Standard Webhooks
 * (standardwebhooks.com, spec v1): three headers, `webhook-id` (unique per webhook
 * delivery, the same on every retry: the receiver de-duplicates on it), `webhook-timestamp`
 * (Unix seconds) and `webhook-signature`, one or more space-separated `v1,<base64 HMAC-SHA256
 * of "id.timestamp.body">` (two while a rotated secret's grace period runs). Secrets are
 * written `whsec_<base64 of 32 random bytes>`.
 *
 * Pure (node:crypto only: no network, database or clock of its own), so that an office
 * system can take `verifyWebhook` as it is: `@lienthong/delivery/webhook-verify`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The prefix of a webhook secret as the service hands it out. */
export const secretPrefix = 'whsec_';

/** The headers a webhook request carries. */
// A type, not an interface: it then fits a plain header map (Record<string, string>).
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Why a webhook request was refused; each maps to a 4xx of the receiver (400, or 401 for a signature). */
export type WebhookRefusal =
  'missing-header' | 'malformed-header' | 'malformed-secret' | 'stale-timestamp' | 'future-timestamp' | 'bad-signature';

/** The verdict of `verifyWebhook`. */
export type WebhookVerdict =
  { ok: true; id: string; timestamp: number } | { ok: false; reason: WebhookRefusal; detail: string };

/** The key bytes of a `whsec_…` secret; undefined when it is not one. */
export function secretBytes(secret: string): Buffer | undefined {
  if (!secret.startsWith(secretPrefix)) return undefined;
  const text = secret.slice(secretPrefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length >= 16 && bytes.length <= 64 ? bytes : undefined;
}

/** The `v1,<base64>` signature of `body` under `id` and `timestamp` with key `key`. */
export function signatureOf(key: Buffer, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/**
 * The headers of a webhook request of `body` with id `id` sent at `at`, signed with every
 * secret of `secrets` (the current one first; the previous one too during its grace period).
 */
export function signWebhook(input: {
  id: string;
  at: Date;
  body: string | Buffer;
  secrets: readonly string[];
}): WebhookHeaders {
  const timestamp = Math.floor(input.at.getTime() / 1000);
  const signatures = input.secrets.map((secret) => {
    const key = secretBytes(secret);
    if (key === undefined) throw new Error('not a webhook secret');
    return signatureOf(key, input.id, timestamp, input.body);
  });
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** A header's single value from a Node-style header map (any case of the name). */
function headerOf(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  }
  return undefined;
}

const refuse = (reason: WebhookRefusal, detail: string): WebhookVerdict => ({ ok: false, reason, detail });

/**
 * Checks a webhook request as an office system receives it: the three headers present and
 * well-formed, the timestamp within `toleranceSeconds` (default 300) of `now`, and one of
 * the signatures made with one of `secrets` (several during a rotation) over exactly `body`
 * (the raw bytes, before any JSON parsing). Never throws on hostile input. A request that
 * passes may still be a repeat: de-duplicate on the `id` it returns.
 */
export function verifyWebhook(input: {
  secrets: string | readonly string[];
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string | Buffer;
  now?: Date;
  toleranceSeconds?: number;
}): WebhookVerdict {
  const id = headerOf(input.headers, 'webhook-id');
  const timestampText = headerOf(input.headers, 'webhook-timestamp');
  const signatureText = headerOf(input.headers, 'webhook-signature');
  for (const [name, value] of [
    ['webhook-id', id],
    ['webhook-timestamp', timestampText],
    ['webhook-signature', signatureText],
  ] as const) {
    if (value === undefined || value === '') return refuse('missing-header', `${name} is missing or repeated`);
  }
  if (!/^[\x21-\x7e]{1,256}$/.test(id!)) return refuse('malformed-header', 'webhook-id is not 1-256 visible ASCII');
  if (!/^\d{1,12}$/.test(timestampText!)) return refuse('malformed-header', 'webhook-timestamp is not Unix seconds');
  if (signatureText!.length > 4096) return refuse('malformed-header', 'webhook-signature is too long');
  const timestamp = Number(timestampText);
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? 300;
  if (timestamp < now - tolerance) return refuse('stale-timestamp', `signed ${now - timestamp} s ago`);
  if (timestamp > now + tolerance) return refuse('future-timestamp', `signed ${timestamp - now} s ahead`);
  const keys: Buffer[] = [];
  for (const secret of typeof input.secrets === 'string' ? [input.secrets] : input.secrets) {
    const key = secretBytes(secret);
    if (key === undefined) return refuse('malformed-secret', 'a secret is not whsec_<base64>');
    keys.push(key);
  }
  const offered = signatureText!
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'))
    .filter((mac) => mac.length === 32);
  if (offered.length === 0) return refuse('malformed-header', 'webhook-signature has no v1 signature');
  for (const key of keys) {
    const expected = Buffer.from(signatureOf(key, id!, timestamp, input.body).slice(3), 'base64');
    if (offered.some((mac) => timingSafeEqual(mac, expected))) return { ok: true, id: id!, timestamp };
  }
  return refuse('bad-signature', 'no signature matches a secret of this receiver');
}
