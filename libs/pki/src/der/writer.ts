/**
 * Minimal DER encoders (X.690 §10). Each returns the complete TLV as bytes so
 * that structures can be assembled by concatenation without re-encoding.
 */

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** Encodes a TLV with identifier octet `tag` (class and constructed bits included). */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const lb = lengthBytes(len);
  const out = new Uint8Array(1 + lb.length + len);
  out[0] = tag;
  out.set(lb, 1);
  let o = 1 + lb.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** SEQUENCE (X.690 §8.9). */
export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);

/** SET OF with DER ordering of the elements (X.690 §11.6). */
export function setOf(...parts: Uint8Array[]): Uint8Array {
  const sorted = [...parts].sort((a, b) => Buffer.compare(a, b));
  return tlv(0x31, ...sorted);
}

/** Context-specific explicit tag [n] (constructed). */
export const ctx = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);

/** Context-specific implicit primitive tag [n]. */
export const ctxPrim = (n: number, value: Uint8Array): Uint8Array => tlv(0x80 | n, value);

/** Re-tags an encoded TLV as implicit [n], keeping its constructed bit. */
export function implicit(n: number, encodedTlv: Uint8Array): Uint8Array {
  const out = Uint8Array.from(encodedTlv);
  out[0] = (encodedTlv[0]! & 0x20) | 0x80 | n;
  return out;
}

/** NULL. */
export const nul = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/** BOOLEAN. */
export const bool = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);

/** INTEGER from a non-negative number or big-endian unsigned bytes. */
export function int(v: number | bigint | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (v instanceof Uint8Array) {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    bytes = v.subarray(i);
    if (bytes.length === 0) bytes = Uint8Array.of(0);
  } else {
    let b = BigInt(v);
    const out: number[] = [];
    do {
      out.unshift(Number(b & 0xffn));
      b >>= 8n;
    } while (b > 0n);
    bytes = Uint8Array.from(out);
  }
  if ((bytes[0]! & 0x80) !== 0) bytes = Uint8Array.of(0, ...bytes);
  return tlv(0x02, bytes);
}

/** OBJECT IDENTIFIER from dotted form (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((x) => BigInt(x));
  const out: number[] = [];
  const first = arcs[0]! * 40n + (arcs[1] ?? 0n);
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** OCTET STRING. */
export const octets = (v: Uint8Array): Uint8Array => tlv(0x04, v);

/** BIT STRING with no unused bits. */
export const bits = (v: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), v);

/** BIT STRING holding named bits 0..n (X.690 §11.2.2: trailing zero bits removed). */
export function namedBits(set: readonly number[]): Uint8Array {
  if (set.length === 0) return Uint8Array.of(0x03, 0x01, 0x00);
  const max = Math.max(...set);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of set) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  return tlv(0x03, Uint8Array.of(unused), bytes);
}

/** UTF8String. */
export const utf8 = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'));
/** PrintableString. */
export const printable = (s: string): Uint8Array => tlv(0x13, Buffer.from(s, 'latin1'));
/** IA5String. */
export const ia5 = (s: string): Uint8Array => tlv(0x16, Buffer.from(s, 'latin1'));

/** Time per RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after. */
export function time(d: Date): Uint8Array {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return tlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}

/** GeneralizedTime (always), e.g. for signing-time when asked. */
export function generalizedTime(d: Date): Uint8Array {
  const digits = d.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return tlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}
