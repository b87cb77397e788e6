/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for the flat objects of this
 * package: members sorted by their names' UTF-16 code units, no white space, strings as
 * ECMAScript's JSON.stringify writes them, integers only (so no number formatting beyond
 * `String(n)`). Reading is strict: the input must be UTF-8 without a BOM, one JSON object
 * whose member names are not repeated, within a byte budget.
 */
import { EvidenceError } from './errors.ts';

/** A value a canonical member may hold: a string or a safe integer. */
export type CanonicalValue = string | number;

/** RFC 8785 §3.2: the canonical bytes of a flat object (members with `undefined` are left out). */
export function canonicalJson(members: Readonly<Record<string, CanonicalValue | undefined>>): Uint8Array {
  const names = Object.keys(members)
    .filter((name) => members[name] !== undefined)
    .sort();
  const body = names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(members[name])}`).join(',');
  return new TextEncoder().encode(`{${body}}`);
}

/** A JSON value (RFC 8259) as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [name: string]: JsonValue };

/**
 * RFC 8785 (JCS) of any JSON value, nested objects and arrays included: members sorted by
 * their names' UTF-16 code units (§3.2.3), numbers as ECMAScript writes them (§3.2.2.3),
 * strings as `JSON.stringify` escapes them (§3.2.2.2). Throws `problem` (a message) through
 * `fail` for what JCS cannot encode: a number that is not finite, a string with a lone
 * surrogate, a value that is not JSON (undefined, a function, a Date, a class instance), or
 * nesting deeper than `maxDepth` (a hostile value must not exhaust the stack); `name` names
 * the value in those messages.
 */
export function canonicalJsonText(
  value: unknown,
  maxDepth: number,
  fail: (problem: string) => never,
  name = 'the value',
): string {
  const encode = (v: unknown, depth: number, where: string): string => {
    if (v === null || typeof v === 'boolean') return String(v);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return fail(`${where} is a number JSON cannot hold`);
      return JSON.stringify(v);
    }
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return fail(`${where} holds a lone surrogate`);
      return JSON.stringify(v);
    }
    if (typeof v !== 'object') return fail(`${where} is not a JSON value`);
    if (depth >= maxDepth) return fail(`${where} is nested deeper than ${maxDepth}`);
    if (Array.isArray(v)) return `[${v.map((item, i) => encode(item, depth + 1, `${where}[${i}]`)).join(',')}]`;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return fail(`${where} is not a plain JSON object`);
    const members = v as Record<string, unknown>;
    const names = Object.keys(members).sort();
    const body = names.map((name) => {
      if (!name.isWellFormed()) return fail(`a member name of ${where} holds a lone surrogate`);
      return `${JSON.stringify(name)}:${encode(members[name], depth + 1, `${where}.${name}`)}`;
    });
    return `{${body.join(',')}}`;
  };
  return encode(value, 0, name);
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The first member name repeated within one object of valid JSON `text` (at any depth), or undefined. */
function repeatedName(text: string): string | undefined {
  const open: (Set<string> | undefined)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (k < text.length && (text[k] === ' ' || text[k] === '\t' || text[k] === '\n' || text[k] === '\r')) k++;
      const names = open[open.length - 1];
      if (text[k] === ':' && names !== undefined) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
      }
      i = j + 1;
      continue;
    }
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(undefined);
    else if (c === '}' || c === ']') open.pop();
    i++;
  }
  return undefined;
}

/**
 * Reads `bytes` as one JSON object of at most `maxBytes`, refusing repeated member names
 * in any of its objects (RFC 8259 §4 leaves them undefined; I-JSON, RFC 7493 §2.3, forbids them). `what` names
 * the input in messages. Throws EvidenceError with `codes.tooLarge`, `codes.malformed` or
 * `codes.duplicate`.
 */
export function readJsonObject(
  bytes: Uint8Array,
  what: string,
  maxBytes: number,
  codes: {
    tooLarge:
      'EVIDENCE_STATEMENT_TOO_LARGE' | 'EVIDENCE_MANIFEST_INVALID' | 'EVIDENCE_PROOF_INVALID' | 'EVIDENCE_PART_INVALID';
    malformed:
      'EVIDENCE_STATEMENT_MALFORMED' | 'EVIDENCE_MANIFEST_INVALID' | 'EVIDENCE_PROOF_INVALID' | 'EVIDENCE_PART_INVALID';
    duplicate:
      | 'EVIDENCE_STATEMENT_DUPLICATE_FIELD'
      | 'EVIDENCE_MANIFEST_INVALID'
      | 'EVIDENCE_PROOF_INVALID'
      | 'EVIDENCE_PART_INVALID';
  },
): Record<string, unknown> {
  if (bytes.length > maxBytes)
    throw new EvidenceError(codes.tooLarge, `The ${what} has ${bytes.length} bytes; at most ${maxBytes} are read.`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new EvidenceError(codes.malformed, `The ${what} is not UTF-8.`);
  }
  if (text.startsWith('\uFEFF')) throw new EvidenceError(codes.malformed, `The ${what} starts with a byte order mark.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new EvidenceError(codes.malformed, `The ${what} is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EvidenceError(codes.malformed, `The ${what} is not a JSON object.`);
  const repeated = repeatedName(text);
  if (repeated !== undefined)
    throw new EvidenceError(
      codes.duplicate,
      `The ${what} has the member ${JSON.stringify(repeated.slice(0, 64))} more than once in one object.`,
    );
  return value as Record<string, unknown>;
}
