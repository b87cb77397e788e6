import { createHash, hash } from 'node:crypto';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';

/** Raises PkiError PKCS12_INVALID with a reason. */
export function refuse(reason: string): never {
  throw new PkiError('PKCS12_INVALID', reason);
}

/** A digest usable in the PKCS#12 KDF and MAC: node name, output length u and block size v (RFC 7292 Appendix B.2). */
export interface Pkcs12Digest {
  readonly name: string;
  readonly u: number;
  readonly v: number;
}

/** Digests accepted for the MAC (RFC 7292 §5, Appendix B), by OID. */
export const DIGESTS: Readonly<Record<string, Pkcs12Digest>> = {
  [OID.sha1]: { name: 'sha1', u: 20, v: 64 },
  [OID.sha224]: { name: 'sha224', u: 28, v: 64 },
  [OID.sha256]: { name: 'sha256', u: 32, v: 64 },
  [OID.sha384]: { name: 'sha384', u: 48, v: 128 },
  [OID.sha512]: { name: 'sha512', u: 64, v: 128 },
};

/** SHA-1, the digest of the PKCS#12 PBE algorithms (RFC 7292 Appendix C). */
export const SHA1: Pkcs12Digest = { name: 'sha1', u: 20, v: 64 };

/** Highest iteration count accepted for one key derivation (MAC or encryption): real files use about 2 000; the PKCS#12 KDF runs in JavaScript at ~2 s a million here, and import is synchronous. */
export const MAX_ITERATIONS = 1_000_000;

/** Highest sum of iteration counts over one file, so that many costly bags cannot pile up. */
export const MAX_TOTAL_ITERATIONS = 2_000_000;

/** Counts the key-derivation work a file asks for and refuses what exceeds the limits. */
export class WorkBudget {
  #spent = 0;

  /** Records one derivation of `iterations` rounds for `what`; throws PKCS12_INVALID past a limit. */
  spend(iterations: number, what: string): void {
    if (iterations < 1) refuse(`The iteration count of the ${what} is ${iterations}.`);
    if (iterations > MAX_ITERATIONS)
      refuse(`The iteration count of the ${what} (${iterations}) exceeds ${MAX_ITERATIONS}; the file is refused.`);
    this.#spent += iterations;
    if (this.#spent > MAX_TOTAL_ITERATIONS)
      refuse(
        `The file asks for more than ${MAX_TOTAL_ITERATIONS} key-derivation iterations in all; the file is refused.`,
      );
  }
}

/**
 * The password as the PKCS#12 KDF takes it (RFC 7292 Appendix B.1): BMPString
 * (UTF-16BE) followed by two zero bytes, so the empty password is 00 00.
 */
export function bmpPassword(password: string): Buffer {
  const le = Buffer.from(password, 'utf16le');
  return Buffer.concat([le.swap16(), Buffer.alloc(2)]);
}

/**
 * Other encodings of the password that PKCS#12 writers have used, tried when the
 * MAC does not match with {@link bmpPassword}: the empty password as zero bytes
 * (no terminator), and OpenSSL 1.0's widening of each UTF-8 byte of a non-ASCII one.
 */
export function legacyBmpPasswords(password: string): Buffer[] {
  if (password === '') return [Buffer.alloc(0)];
  const utf8 = Buffer.from(password, 'utf8');
  if (utf8.length === password.length) return [];
  const wide = Buffer.alloc(utf8.length * 2 + 2);
  for (const [i, b] of utf8.entries()) wide[i * 2 + 1] = b;
  return [wide];
}

function repeatTo(src: Uint8Array, v: number): Buffer {
  if (src.length === 0) return Buffer.alloc(0);
  const len = v * Math.ceil(src.length / v);
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
  return out;
}

/**
 * The PKCS#12 key-derivation function (RFC 7292 Appendix B.2): `id` 1 derives
 * an encryption key, 2 an IV, 3 a MAC key; `password` is already BMP-encoded.
 */
export function pkcs12Kdf(
  digest: Pkcs12Digest,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  id: 1 | 2 | 3,
  n: number,
): Buffer {
  const { name, u, v } = digest;
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([repeatTo(salt, v), repeatTo(password, v)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let a = createHash(name).update(d).update(i).digest();
    // One-shot hash(): the iterations are the cost of this KDF, and it is a third faster than createHash().
    for (let r = 1; r < iterations; r++) a = hash(name, a, 'buffer');
    out.push(a);
    if (produced + u >= n) break;
    const b = repeatTo(a, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}
