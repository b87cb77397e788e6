/** openssl cms -verify: a detached CMS signature over given bytes, or over a PDF signature's ByteRange. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './tools.ts';

export interface ByteRangeSignature {
  /** [offset1, length1, offset2, length2] (ISO 32000-1 §12.8.1). */
  readonly byteRange: readonly [number, number, number, number];
  /** The CMS SignedData DER from /Contents (trailing zero padding removed). */
  readonly cms: Buffer;
  /** The bytes the signature covers. */
  readonly signedBytes: Buffer;
  /** The ByteRange ends at the end of the file. */
  readonly coversWholeFile: boolean;
}

function derLength(der: Buffer): number {
  if (der[0] !== 0x30 || der.length < 2) return der.length;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len;
}

/** Every signature dictionary's /ByteRange and /Contents in a PDF (read by pattern, not by parsing the object graph). */
export function extractByteRangeSignatures(pdf: Buffer): ByteRangeSignature[] {
  const text = pdf.toString('latin1');
  const found: ByteRangeSignature[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (c + d > pdf.length || a + b > c) continue;
    const hex = text.slice(a + b, c).replace(/[<>\s]/g, '');
    const raw = Buffer.from(hex, 'hex');
    found.push({
      byteRange: [a, b, c, d],
      cms: raw.subarray(0, derLength(raw)),
      signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
      coversWholeFile: c + d === pdf.length,
    });
  }
  return found;
}

/** How `openssl cms -verify` judges a signature. */
export interface OpensslCmsVerifyOptions {
  /** Trust anchor (PEM file) the signer's chain must reach (`-CAfile`); without it only the signature is checked. */
  readonly trust?: string;
  /** Check only the signature and the digest, not the chain (`-noverify`). */
  readonly noVerify?: boolean;
  /** Validation time of the chain (`-attime`). */
  readonly attime?: Date;
}

/** `openssl cms -verify`'s judgement of one detached signature. */
export interface OpensslCmsResult {
  /** The signature and the message digest verify (and the chain, unless `noVerify` or no `trust`). */
  readonly ok: boolean;
  readonly output: string;
}

async function verifyDetachedIn(
  dir: string,
  name: string,
  cms: Uint8Array,
  content: Uint8Array,
  options: OpensslCmsVerifyOptions,
): Promise<OpensslCmsResult> {
  const sig = join(dir, `${name}.der`);
  const data = join(dir, `${name}.bin`);
  writeFileSync(sig, cms);
  writeFileSync(data, content);
  const args = [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    sig,
    '-content',
    data,
    '-out',
    '/dev/null',
    '-purpose',
    'any',
  ];
  if (options.noVerify === true || options.trust === undefined) args.push('-noverify');
  else args.push('-CAfile', options.trust);
  if (options.attime !== undefined) args.push('-attime', String(Math.floor(options.attime.getTime() / 1000)));
  const r = await runTool('openssl', args);
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-judge-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks a detached CMS SignedData (RFC 5652 §5; DER) over `content` with `openssl cms
 * -verify -binary -inform DER -content CONTENT -CAfile ROOT -purpose any`: e.g. a PDF
 * signature's /Contents over the bytes its /ByteRange names, as our own reader found them.
 */
export async function opensslCmsVerify(
  cms: Uint8Array,
  content: Uint8Array,
  options: OpensslCmsVerifyOptions = {},
): Promise<OpensslCmsResult> {
  return inTempDir((dir) => verifyDetachedIn(dir, 'signature', cms, content, options));
}

export interface OpensslByteRangeResult extends OpensslCmsResult {
  readonly byteRange: readonly [number, number, number, number];
  readonly coversWholeFile: boolean;
}

/**
 * Checks each PDF signature with `openssl cms -verify` (as {@link opensslCmsVerify}) over
 * the bytes its /ByteRange names, found by pattern in the file; `noVerify` checks only the
 * signature, not the chain. `attime` pins the chain's validation time.
 */
export async function opensslCmsVerifyByteRange(
  file: string,
  options: OpensslCmsVerifyOptions = {},
): Promise<OpensslByteRangeResult[]> {
  const signatures = extractByteRangeSignatures(readFileSync(file));
  return inTempDir(async (dir) => {
    const results: OpensslByteRangeResult[] = [];
    for (const [i, s] of signatures.entries()) {
      const r = await verifyDetachedIn(dir, `sig${i}`, s.cms, s.signedBytes, options);
      results.push({ byteRange: s.byteRange, coversWholeFile: s.coversWholeFile, ...r });
    }
    return results;
  });
}
