import { formatName, summariseCertificate, type Name } from '@lienthong/pki';
import { isCertificate } from './certificate-summary.ts';

/** A value JSON.stringify can print as it is. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Converts a report of the PKI library into plain JSON: certificates become
 * their summaries, dates ISO strings, bigints decimal strings, bytes hex,
 * Names their readable form. Fields the library adds later pass through.
 * `skip` names fields left out (raw DER, content).
 */
export function toJsonValue(value: unknown, skip: ReadonlySet<string> = new Set(), depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (depth > 8 || typeof value !== 'object') return null;
  if (isCertificate(value)) return { ...summariseCertificate(value) };
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, skip, depth + 1));
  if ('rdns' in value && 'key' in value && 'der' in value) return formatName(value as Name);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) {
    if (skip.has(k) || v === undefined || typeof v === 'function') continue;
    out[k] = toJsonValue(v, skip, depth + 1);
  }
  return out;
}
