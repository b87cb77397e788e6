/**
 * Canonical JSON for the package's own files (metadata, validation report, manifest): object
 * members sorted by key (UTF-16 code units, as RFC 8785 §3.2.3), no whitespace, strings and
 * numbers as `JSON.stringify` writes them — which is RFC 8785 for strings, integers and the
 * finite numbers ECMAScript prints — so the same data always gives the same bytes and SHA-256.
 */

/** The canonical UTF-8 bytes of `value`; throws TypeError on what JSON cannot hold (undefined in arrays, NaN). */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(write(value), 'utf8');
}

function write(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no ${typeof value}`);
}
