import { PkiError } from '../errors.ts';

/** ASN.1 tag classes (X.690 §8.1.2.2). */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

/**
 * One TLV of a BER/DER encoding (X.690 §8.1). Offsets point into `buffer`;
 * `end` is exclusive. Indefinite lengths (BER, X.690 §8.1.3.6) are accepted
 * so that CMS produced by BER encoders can be read; `end` then lies after the
 * end-of-contents octets and `contentEnd` before them.
 */
export interface DerNode {
  readonly buffer: Uint8Array;
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly end: number;
  readonly indefinite: boolean;
}

const MAX_DEPTH = 64;

function failedReport(what: string, at: number): never {
  throw new PkiError('MALFORMED', `${what} at byte ${at}.`);
}

/** Reads the TLV starting at `offset`, bounded by `limit`. Throws PkiError MALFORMED. */
export function readNode(buffer: Uint8Array, offset = 0, limit = buffer.length, depth = 0): DerNode {
  if (depth > MAX_DEPTH) failedReport('Nesting too deep', offset);
  let p = offset;
  if (p >= limit) failedReport('Truncated tag', p);
  const first = buffer[p++]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 3) failedReport('Bad high tag number', p);
      const b = buffer[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) failedReport('Truncated length', p);
  const lb = buffer[p++]!;
  if (lb === 0x80) {
    if (!constructed) failedReport('Indefinite length on a primitive', offset);
    const contentStart = p;
    for (;;) {
      if (p + 2 <= limit && buffer[p] === 0 && buffer[p + 1] === 0) {
        return {
          buffer,
          cls,
          constructed,
          tag,
          start: offset,
          contentStart,
          contentEnd: p,
          end: p + 2,
          indefinite: true,
        };
      }
      p = readNode(buffer, p, limit, depth + 1).end;
    }
  }
  let length: number;
  if (lb < 0x80) length = lb;
  else {
    const n = lb & 0x7f;
    if (n > 4) failedReport('Length too long', p);
    length = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) failedReport('Truncated length', p);
      length = length * 256 + buffer[p++]!;
    }
  }
  const end = p + length;
  if (end > limit) failedReport('Length beyond the end of input', offset);
  return { buffer, cls, constructed, tag, start: offset, contentStart: p, contentEnd: end, end, indefinite: false };
}

/** Parses one complete TLV that must fill `buffer` exactly. */
export function parseDer(buffer: Uint8Array): DerNode {
  const node = readNode(buffer, 0, buffer.length);
  if (node.end !== buffer.length) failedReport('Trailing data', node.end);
  return node;
}

/** The child TLVs of a constructed node. */
export function children(node: DerNode): DerNode[] {
  if (!node.constructed) failedReport('Expected a constructed value', node.start);
  const out: DerNode[] = [];
  let p = node.contentStart;
  while (p < node.contentEnd) {
    const c = readNode(node.buffer, p, node.contentEnd);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** The content octets of a node (a view, not a copy). */
export function content(node: DerNode): Uint8Array {
  return node.buffer.subarray(node.contentStart, node.contentEnd);
}

/** The full encoding of a node (a view, not a copy). */
export function encoded(node: DerNode): Uint8Array {
  return node.buffer.subarray(node.start, node.end);
}

/** True when the node has the given universal tag (or class/tag). */
export function is(node: DerNode, tag: number, cls: number = TagClass.universal): boolean {
  return node.tag === tag && node.cls === cls;
}

/** Asserts a universal tag and returns the node. */
export function expect(
  node: DerNode | undefined,
  tag: number,
  what: string,
  cls: number = TagClass.universal,
): DerNode {
  if (node === undefined) throw new PkiError('MALFORMED', `Missing ${what}.`);
  if (!is(node, tag, cls)) failedReport(`Expected ${what}`, node.start);
  return node;
}

/** Children of a SEQUENCE (tag 16) node. */
export function sequence(node: DerNode | undefined, what: string): DerNode[] {
  return children(expect(node, 0x10, what));
}

/** Children of a context-specific [n] constructed node. */
export function explicit(node: DerNode): DerNode {
  const c = children(node);
  if (c.length !== 1) failedReport('Explicit tag must hold one value', node.start);
  return c[0]!;
}

/** Longest arc accepted, in encoded bytes: a UUID arc (2.25.<128-bit>, X.667) needs 19. */
const maxOidArcBytes = 24;

/**
 * Decodes an OBJECT IDENTIFIER node (X.690 §8.19) to dotted form. Arcs are read as
 * bigints, so UUID-based OIDs (2.25.…, ITU-T X.667) work; longer arcs are refused.
 */
export function readOid(node: DerNode | undefined, what = 'OBJECT IDENTIFIER'): string {
  const n = expect(node, 0x06, what);
  const b = content(n);
  if (b.length === 0) failedReport('Empty OID', n.start);
  const parts: bigint[] = [];
  let v = 0n;
  let arcBytes = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (arcBytes === 0 && x === 0x80) failedReport('Non-minimal OID', n.start);
    if (++arcBytes > maxOidArcBytes) failedReport('OID arc too large', n.start);
    v = (v << 7n) | BigInt(x & 0x7f);
    if ((x & 0x80) === 0) {
      if (parts.length === 0) {
        const a = v < 40n ? 0n : v < 80n ? 1n : 2n;
        parts.push(a, v - a * 40n);
      } else parts.push(v);
      v = 0n;
      arcBytes = 0;
    } else if (i === b.length - 1) failedReport('Truncated OID', n.start);
  }
  return parts.join('.');
}

/** Decodes a non-negative INTEGER that fits a JS number. */
export function readSmallInt(node: DerNode | undefined, what = 'INTEGER'): number {
  const n = expect(node, 0x02, what);
  const b = content(n);
  if (b.length === 0 || b.length > 6) failedReport(`Unsupported ${what}`, n.start);
  if ((b[0]! & 0x80) !== 0) failedReport(`Negative ${what}`, n.start);
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** Decodes a BOOLEAN (X.690 §8.2). */
export function readBoolean(node: DerNode): boolean {
  const b = content(expect(node, 0x01, 'BOOLEAN'));
  if (b.length !== 1) failedReport('Bad BOOLEAN', node.start);
  return b[0] !== 0;
}

/** Decodes a BIT STRING (X.690 §8.6): the bytes and the number of unused bits. */
export function readBitString(
  node: DerNode | undefined,
  what = 'BIT STRING',
): { bytes: Uint8Array; unusedBits: number } {
  const n = expect(node, 0x03, what);
  const b = content(n);
  if (b.length === 0 || b[0]! > 7 || (b.length === 1 && b[0] !== 0)) failedReport(`Bad ${what}`, n.start);
  return { bytes: b.subarray(1), unusedBits: b[0]! };
}

/** Reads the bytes of an OCTET STRING, joining the segments of a BER constructed one. */
export function readOctetString(node: DerNode | undefined, what = 'OCTET STRING'): Uint8Array {
  const n = expect(node, 0x04, what);
  if (!n.constructed) return content(n);
  const parts = children(n).map((c) => readOctetString(c, what));
  return Buffer.concat(parts);
}

/** Decodes UTCTime / GeneralizedTime (RFC 5280 §4.1.2.5.1–2). */
export function readTime(node: DerNode | undefined, what = 'Time'): Date {
  if (node === undefined) throw new PkiError('MALFORMED', `Missing ${what}.`);
  const s = Buffer.from(content(node)).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (is(node, 0x17)) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s);
    if (m === null) failedReport(`Bad UTCTime ${what}`, node.start);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m.slice(2);
  } else if (is(node, 0x18)) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d+))?Z$/.exec(s);
    if (m === null) failedReport(`Bad GeneralizedTime ${what}`, node.start);
    year = Number(m[1]);
    rest = m.slice(2);
  } else failedReport(`Expected a time for ${what}`, node.start);
  const [mo, d, h, mi, sec, frac] = rest;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const t = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), ms);
  if (Number.isNaN(t) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31)
    failedReport(`Bad date ${what}`, node.start);
  const date = new Date(t);
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

/**
 * What a verifier accepts as the encoding of signed or evidential data: 'der' (the default of
 * the verifiers) refuses BER that DER forbids (X.690 §10), as openssl, pdfsig, pyHanko and
 * EU DSS do; 'ber' accepts it, for old data made elsewhere (the RFC 4134 examples).
 */
export type EncodingPolicy = 'der' | 'ber';

/** Universal types whose encoding DER makes primitive (X.690 §10.2): BIT and OCTET STRING, times, character strings. */
const PRIMITIVE_IN_DER = new Set([0x03, 0x04, 0x0c, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1c, 0x1e]);

/** The first rule of DER (X.690 §10) that `node`'s own header or content breaks, if any. */
function nodeViolation(node: DerNode): string | undefined {
  const b = node.buffer;
  const at = node.start;
  if (node.indefinite) return `indefinite length at byte ${at} (X.690 §10.1)`;
  let p = at + 1;
  if ((b[at]! & 0x1f) === 0x1f) {
    if (node.tag < 0x1f || b[p] === 0x80) return `non-minimal tag number at byte ${at} (X.690 §8.1.2.4)`;
    while ((b[p]! & 0x80) !== 0) p++;
    p++;
  }
  const lb = b[p]!;
  const length = node.contentEnd - node.contentStart;
  if (lb > 0x80 && (length < 0x80 || b[p + 1] === 0)) return `non-minimal length at byte ${at} (X.690 §10.1)`;
  if (node.cls !== TagClass.universal) return undefined;
  if (node.constructed)
    return PRIMITIVE_IN_DER.has(node.tag) ? `constructed string at byte ${at} (X.690 §10.2)` : undefined;
  const c = content(node);
  if (node.tag === 0x01 && c.length === 1 && c[0] !== 0 && c[0] !== 0xff)
    return `BOOLEAN TRUE not encoded as 0xFF at byte ${at} (X.690 §11.1)`;
  if ((node.tag === 0x02 || node.tag === 0x0a) && c.length > 1) {
    if (c[0] === 0x00 && (c[1]! & 0x80) === 0)
      return `${node.tag === 0x02 ? 'INTEGER' : 'ENUMERATED'} with a needless leading 0x00 octet at byte ${at} (X.690 §8.3.2)`;
    if (c[0] === 0xff && (c[1]! & 0x80) !== 0)
      return `${node.tag === 0x02 ? 'INTEGER' : 'ENUMERATED'} with a needless leading 0xFF octet at byte ${at} (X.690 §8.3.2)`;
  }
  return undefined;
}

/**
 * Where a BER encoding is not DER (X.690 §10), walking every constructed
 * value: indefinite or non-minimal lengths, non-minimal tag numbers,
 * constructed strings, INTEGERs and ENUMERATEDs with needless leading octets,
 * BOOLEAN TRUE other than 0xFF. Values inside OCTET or BIT STRINGs are not
 * opened, and SET OF ordering (§11.6) is not checked. Returns a description
 * naming the rule and the byte, or undefined when the encoding is DER.
 * Throws PkiError MALFORMED for input that is not BER at all.
 */
export function derViolation(buffer: Uint8Array): string | undefined {
  const stack: { node: DerNode; depth: number }[] = [{ node: parseDer(buffer), depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const v = nodeViolation(node);
    if (v !== undefined) return v;
    if (!node.constructed) continue;
    if (depth >= MAX_DEPTH) failedReport('Nesting too deep', node.start);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, depth: depth + 1 });
  }
  return undefined;
}
