import { createHash } from 'node:crypto';
import { forEachChunk, type ByteSource } from '@lienthong/pdf';
import {
  verifyCms,
  type CmsVerifyOptions,
  readSignedData,
  type SignedData,
  failedReport,
  type CmsVerificationReport,
  nodeCryptoEngine,
  type CryptoEngine,
  PkiError,
  hashFromOid,
  type HashName,
  countSignerInfos,
  MAX_SIGNER_INFOS,
} from '@lienthong/pki';
import type { ByteRange } from '../sign/byte-range.ts';

/**
 * Digests of the bytes a /ByteRange covers for several algorithms in one
 * pass, read in chunks: memory stays flat whatever the file's size.
 */
export async function byteRangeDigests(
  source: ByteSource,
  br: ByteRange,
  hashes: readonly HashName[],
  cache?: DigestCache,
): Promise<Map<HashName, Uint8Array>> {
  const key = br.join(' ');
  const known = cache?.get(key);
  if (known !== undefined && hashes.every((h) => known.has(h))) return known;
  const hs = [...new Set(hashes)].map((h) => [h, createHash(h)] as const);
  const update = (chunk: Uint8Array): void => {
    for (const [, h] of hs) h.update(chunk);
  };
  await forEachChunk(source, br[0], br[0] + br[1], update);
  await forEachChunk(source, br[2], br[2] + br[3], update);
  const out = new Map([...(known ?? []), ...hs.map(([name, h]) => [name, h.digest()] as const)]);
  cache?.set(key, out);
  return out;
}

/** ByteRange digests already computed in one verification, by ByteRange: a 200 MB file is read once per signature. */
export type DigestCache = Map<string, Map<HashName, Uint8Array>>;

/**
 * An engine that answers the digest of `marker` with precomputed ByteRange
 * digests: {@link verifyCms} then checks the message-digest attribute, the
 * signature and the time-stamps without the signed bytes ever being in memory.
 */
export function precomputedDigestEngine(
  base: CryptoEngine,
  marker: Uint8Array,
  digests: ReadonlyMap<HashName, Uint8Array>,
): CryptoEngine {
  return {
    verify: (scheme, spki, data, signature) => base.verify(scheme, spki, data, signature),
    digest: (hash, data) => {
      if (data !== marker) return base.digest(hash, data);
      const d = digests.get(hash);
      if (d === undefined) throw new PkiError('UNSUPPORTED_ALGORITHM', `No ByteRange digest with ${hash}.`);
      return d;
    },
  };
}

function hashesOf(sd: SignedData): HashName[] {
  const out: HashName[] = [];
  for (const alg of [...sd.signerInfos.map((si) => si.digestAlgorithm), ...sd.digestAlgorithms]) {
    try {
      out.push(hashFromOid(alg.oid));
    } catch {
      // An unsupported digest is reported by verifyCms itself.
    }
  }
  return out.length === 0 ? ['sha256'] : out;
}

/**
 * Verifies the CMS of a PDF signature over its ByteRange (ETSI EN 319 142-1
 * §5.1: ETSI.CAdES.detached and adbe.pkcs7.detached carry no eContent;
 * adbe.pkcs7.sha1 encapsulates the SHA-1 of the ByteRange).
 */
export async function verifyPdfCms(
  source: ByteSource,
  br: ByteRange,
  cms: Uint8Array,
  subFilter: string | undefined,
  options: CmsVerifyOptions,
  cache?: DigestCache,
): Promise<CmsVerificationReport> {
  // Too many SignerInfos: verifyCms reports the limit (maxSignerInfos) without parsing them.
  const count = countSignerInfos(cms);
  if (count !== undefined && count > (options.maxSignerInfos ?? MAX_SIGNER_INFOS)) return verifyCms(cms, options);
  let sd: SignedData;
  try {
    sd = readSignedData(cms);
  } catch (e) {
    return {
      ...failedReport(
        'TOTAL_FAILED',
        'FORMAT_FAILURE',
        `/Contents is not a CMS SignedData: ${e instanceof Error ? e.message : ''}`,
      ),
      signers: [],
    };
  }
  // openssl and pdfsig refuse such a signature; that its bytes verify must not make it valid here.
  if (sd.derViolation !== undefined)
    return {
      ...failedReport(
        'TOTAL_FAILED',
        'FORMAT_FAILURE',
        `/Contents is not DER (ISO 32000-1 §12.8.3.3.1): ${sd.derViolation}.`,
      ),
      signers: [],
      signedData: sd,
    };
  const base = options.engine ?? nodeCryptoEngine;
  if (sd.content !== undefined) {
    if (subFilter !== 'adbe.pkcs7.sha1')
      return {
        ...failedReport(
          'TOTAL_FAILED',
          'FORMAT_FAILURE',
          `A ${subFilter ?? 'PDF'} signature must be detached (no eContent, ETSI EN 319 142-1 §6.2.1).`,
        ),
        signers: [],
        signedData: sd,
      };
    const sha1 = (await byteRangeDigests(source, br, ['sha1'], cache)).get('sha1')!;
    if (Buffer.compare(sha1, sd.content) !== 0)
      return {
        ...failedReport(
          'TOTAL_FAILED',
          'HASH_FAILURE',
          'The encapsulated SHA-1 does not match the ByteRange (adbe.pkcs7.sha1).',
        ),
        signers: [],
        signedData: sd,
      };
    return verifyCms(cms, options);
  }
  const marker = new Uint8Array(0);
  const digests = await byteRangeDigests(source, br, hashesOf(sd), cache);
  return verifyCms(cms, {
    ...options,
    detachedContent: marker,
    engine: precomputedDigestEngine(base, marker, digests),
  });
}
