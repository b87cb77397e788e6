import { randomBytes } from 'node:crypto';
import { TagClass, explicit, is, parseDer, readOctetString, readSmallInt, sequence } from '../der/reader.ts';
import { ctx, octets, seq } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { encodeExtension } from '../x509/extension-builder.ts';
import { readExtensions, type Extension } from '../x509/extensions.ts';
import type { HashName } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';
import { encodeCertId, readCertId, type CertId } from './cert-id.ts';

/** What an OCSP request asks (RFC 6960 §4.1). */
export interface OcspRequestInput {
  readonly issuer: Certificate;
  /** Certificates (or serial numbers) whose status is asked. */
  readonly certificates: readonly (Certificate | Uint8Array)[];
  /** CertID hash; default SHA-1 (RFC 6960 §4.3 and RFC 5019 profiles), or SHA-256. */
  readonly hash?: HashName;
  /** Nonce (RFC 8954): bytes, `true` for 32 random bytes, or none. Default true. */
  readonly nonce?: Uint8Array | true | false;
}

/** A parsed OCSPRequest (RFC 6960 §4.1.1). */
export interface OcspRequest {
  readonly der: Uint8Array;
  readonly certIds: readonly CertId[];
  readonly nonce?: Uint8Array;
  readonly extensions: readonly Extension[];
  readonly signed: boolean;
}

/** RFC 8954 §2.1: a nonce of 1 to 32 octets. */
export const MAX_OCSP_NONCE_BYTES = 32;

/** Encodes an unsigned OCSPRequest (RFC 6960 §4.1.1). */
export function buildOcspRequest(input: OcspRequestInput): Uint8Array {
  if (input.certificates.length === 0)
    throw new PkiError('INVALID_ARGUMENT', 'An OCSP request asks about at least one certificate.');
  const requests = input.certificates.map((c) =>
    seq(encodeCertId(input.issuer, c instanceof Uint8Array ? c : c.serialNumber, input.hash)),
  );
  const nonce =
    input.nonce === false
      ? undefined
      : input.nonce === undefined || input.nonce === true
        ? randomBytes(32)
        : input.nonce;
  if (nonce !== undefined && (nonce.length === 0 || nonce.length > MAX_OCSP_NONCE_BYTES))
    throw new PkiError('INVALID_ARGUMENT', 'An OCSP nonce has 1 to 32 bytes (RFC 8954).');
  const exts =
    nonce === undefined
      ? []
      : [ctx(2, seq(encodeExtension({ oid: OID.ocspNonce, critical: false, value: octets(nonce) })))];
  return seq(seq(seq(...requests), ...exts));
}

/** The nonce of an extension list (RFC 8954: OCTET STRING inside extnValue; a bare value is tolerated as older OpenSSL wrote it). */
export function nonceOf(extensions: readonly Extension[]): Uint8Array | undefined {
  const ext = extensions.find((e) => e.oid === OID.ocspNonce);
  if (ext === undefined) return undefined;
  try {
    const n = parseDer(ext.value);
    if (is(n, 0x04)) return Uint8Array.from(readOctetString(n));
  } catch {
    // not DER: a raw nonce
  }
  return ext.value;
}

/** Reads an OCSPRequest strictly (RFC 6960 §4.1.1); the optional signature is noted, not checked. Throws PkiError MALFORMED. */
export function readOcspRequest(der: Uint8Array): OcspRequest {
  try {
    const [tbs, sig, ...extra] = sequence(parseDer(der), 'OCSPRequest');
    if (extra.length > 0 || (sig !== undefined && !is(sig, 0, TagClass.context)))
      throw new PkiError('MALFORMED', 'OCSPRequest has unexpected fields.');
    const parts = sequence(tbs, 'TBSRequest');
    let i = 0;
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) {
      if (readSmallInt(explicit(parts[i++]!), 'version') !== 0)
        throw new PkiError('MALFORMED', 'OCSP request version is not v1.');
    }
    if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) i++;
    const list = sequence(parts[i++], 'requestList');
    if (list.length === 0 || list.length > 100)
      throw new PkiError('MALFORMED', `requestList of ${list.length} entries (1 to 100 accepted).`);
    const certIds = list.map((r) => {
      const [id, singleExts, ...more] = sequence(r, 'Request');
      if (more.length > 0 || (singleExts !== undefined && !is(singleExts, 0, TagClass.context)))
        throw new PkiError('MALFORMED', 'Request has unexpected fields.');
      return readCertId(id);
    });
    let extensions: Extension[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 2, TagClass.context))
      extensions = readExtensions(explicit(parts[i++]!));
    if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in TBSRequest.');
    const nonce = nonceOf(extensions);
    if (nonce !== undefined && (nonce.length === 0 || nonce.length > MAX_OCSP_NONCE_BYTES))
      throw new PkiError('MALFORMED', `Nonce of ${nonce.length} bytes (RFC 8954: 1 to 32).`);
    return {
      der: Uint8Array.from(der),
      certIds,
      ...(nonce === undefined ? {} : { nonce }),
      extensions,
      signed: sig !== undefined,
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'OCSPRequest could not be parsed.', { cause: e });
  }
}
