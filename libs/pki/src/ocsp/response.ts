import { createHash } from 'node:crypto';
import {
  TagClass,
  children,
  content,
  derViolation,
  encoded,
  explicit,
  expect,
  is,
  parseDer,
  readBitString,
  readOctetString,
  readOid,
  readSmallInt,
  readTime,
  sequence,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from '../x509/algorithm.ts';
import { readExtensions, type Extension } from '../x509/extensions.ts';
import { readName, type Name } from '../x509/name.ts';
import { readCertificate, type Certificate } from '../x509/certificate.ts';
import { readCertId, type CertId } from './cert-id.ts';
import { nonceOf } from './request.ts';

/** OCSPResponseStatus (RFC 6960 §4.2.1). */
export const OcspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

/** CertStatus of one SingleResponse (RFC 6960 §4.2.1). */
export type OcspCertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revocationTime: Date; readonly reason?: number }
  | { readonly status: 'unknown' };

/** SingleResponse (RFC 6960 §4.2.1). */
export interface OcspSingleResponse {
  readonly certId: CertId;
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

/** ResponderID (RFC 6960 §4.2.1): by name, or by the SHA-1 of the responder's public key bits. */
export type ResponderId = { readonly byName: Name } | { readonly byKey: Uint8Array };

/** BasicOCSPResponse (RFC 6960 §4.2.1). */
export interface BasicOcspResponse {
  /** DER of the BasicOCSPResponse. */
  readonly der: Uint8Array;
  /** DER of tbsResponseData: the bytes the responder signed. */
  readonly tbs: Uint8Array;
  readonly responderId: ResponderId;
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  readonly extensions: readonly Extension[];
  readonly nonce?: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly certificates: readonly Certificate[];
  /** SHA-256 of `der`, hex: identity for caches. */
  readonly fingerprint: string;
}

/** A parsed OCSPResponse (RFC 6960 §4.2.1). */
export interface OcspResponse {
  readonly der: Uint8Array;
  readonly status: number;
  readonly basic?: BasicOcspResponse;
}

function readStatus(node: ReturnType<typeof parseDer>): OcspCertStatus {
  if (node.cls !== TagClass.context) throw new PkiError('MALFORMED', 'Bad CertStatus.');
  if (node.tag === 0) return { status: 'good' };
  if (node.tag === 2) return { status: 'unknown' };
  if (node.tag !== 1) throw new PkiError('MALFORMED', 'Bad CertStatus.');
  const [time, reason] = children(node);
  const revocationTime = readTime(expect(time, 0x18, 'revocationTime'), 'revocationTime');
  if (reason === undefined) return { status: 'revoked', revocationTime };
  const r = expect(explicit(reason), 0x0a, 'revocationReason');
  return { status: 'revoked', revocationTime, reason: content(r)[0] ?? 0 };
}

function readSingle(node: ReturnType<typeof parseDer>): OcspSingleResponse {
  const parts = sequence(node, 'SingleResponse');
  const certId = readCertId(parts[0]);
  const certStatus = readStatus(parts[1]!);
  const thisUpdate = readTime(expect(parts[2], 0x18, 'thisUpdate'), 'thisUpdate');
  let i = 3;
  let nextUpdate: Date | undefined;
  if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context))
    nextUpdate = readTime(expect(explicit(parts[i++]!), 0x18, 'nextUpdate'), 'nextUpdate');
  if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) i++;
  if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in SingleResponse.');
  return { certId, certStatus, thisUpdate, ...(nextUpdate === undefined ? {} : { nextUpdate }) };
}

/** Reads a BasicOCSPResponse (RFC 6960 §4.2.1). Throws PkiError MALFORMED. */
export function readBasicOcspResponse(input: Uint8Array): BasicOcspResponse {
  try {
    const der = Uint8Array.from(input);
    const [tbsNode, algNode, sigNode, certsNode, ...extra] = sequence(parseDer(der), 'BasicOCSPResponse');
    if (extra.length > 0) throw new PkiError('MALFORMED', 'BasicOCSPResponse has extra fields.');
    const parts = sequence(tbsNode, 'ResponseData');
    let i = 0;
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) {
      if (readSmallInt(explicit(parts[i++]!), 'version') !== 0)
        throw new PkiError('MALFORMED', 'ResponseData version is not v1.');
    }
    const rid = parts[i++];
    let responderId: ResponderId;
    if (rid !== undefined && is(rid, 1, TagClass.context)) responderId = { byName: readName(explicit(rid)) };
    else if (rid !== undefined && is(rid, 2, TagClass.context))
      responderId = { byKey: Uint8Array.from(readOctetString(explicit(rid), 'KeyHash')) };
    else throw new PkiError('MALFORMED', 'Bad ResponderID.');
    const producedAt = readTime(expect(parts[i++], 0x18, 'producedAt'), 'producedAt');
    const responses = sequence(parts[i++], 'responses').map(readSingle);
    let extensions: Extension[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context))
      extensions = readExtensions(explicit(parts[i++]!));
    if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in ResponseData.');
    if (certsNode !== undefined && !is(certsNode, 0, TagClass.context))
      throw new PkiError('MALFORMED', 'BasicOCSPResponse certs is not [0].');
    const certificates =
      certsNode === undefined ? [] : sequence(explicit(certsNode), 'certs').map((c) => readCertificate(encoded(c)));
    const nonce = nonceOf(extensions);
    return {
      der,
      tbs: Uint8Array.from(encoded(tbsNode!)),
      responderId,
      producedAt,
      responses,
      extensions,
      ...(nonce === undefined ? {} : { nonce }),
      signatureAlgorithm: readAlgorithmIdentifier(algNode),
      signature: readBitString(sigNode, 'signature').bytes,
      certificates,
      fingerprint: createHash('sha256').update(der).digest('hex'),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'BasicOCSPResponse could not be parsed.', { cause: e });
  }
}

/** Reads an OCSPResponse (RFC 6960 §4.2.1); a successful one must hold a BasicOCSPResponse. Throws PkiError MALFORMED. */
export function readOcspResponse(input: Uint8Array): OcspResponse {
  try {
    const der = Uint8Array.from(input);
    const [statusNode, bytesNode, ...extra] = sequence(parseDer(der), 'OCSPResponse');
    if (extra.length > 0) throw new PkiError('MALFORMED', 'OCSPResponse has extra fields.');
    const s = content(expect(statusNode, 0x0a, 'responseStatus'));
    if (s.length !== 1) throw new PkiError('MALFORMED', 'Bad responseStatus.');
    const status = s[0]!;
    if (bytesNode === undefined) {
      if (status === OcspResponseStatus.successful)
        throw new PkiError('MALFORMED', 'A successful OCSPResponse without responseBytes.');
      return { der, status };
    }
    if (!is(bytesNode, 0, TagClass.context)) throw new PkiError('MALFORMED', 'responseBytes is not [0].');
    const [type, resp] = sequence(explicit(bytesNode), 'ResponseBytes');
    if (readOid(type) !== OID.ocspBasic)
      throw new PkiError('UNSUPPORTED_ALGORITHM', 'Only id-pkix-ocsp-basic responses are supported.');
    const basic = readBasicOcspResponse(readOctetString(resp, 'response'));
    // The wrapper is a few TLVs: walked now, as the BasicOCSPResponse alone is kept.
    const outer = derViolation(der);
    if (outer !== undefined) outerViolations.set(basic, outer);
    return { der, status, basic };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'OCSPResponse could not be parsed.', { cause: e });
  }
}

const outerViolations = new WeakMap<BasicOcspResponse, string>();
const basicViolations = new WeakMap<BasicOcspResponse, string | null>();

/**
 * The first rule of DER (X.690 §10) the response breaks: the OCSPResponse it was read from
 * or the BasicOCSPResponse inside its responseBytes OCTET STRING (RFC 6960 §4.2.1 encodes
 * both in DER); undefined when both are DER.
 */
export function ocspDerViolation(r: BasicOcspResponse): string | undefined {
  const outer = outerViolations.get(r);
  if (outer !== undefined) return outer;
  let v = basicViolations.get(r);
  if (v === undefined) {
    try {
      v = derViolation(r.der) ?? null;
    } catch (e) {
      v = e instanceof Error ? e.message : 'unreadable';
    }
    basicViolations.set(r, v);
  }
  return v === null ? undefined : `in the BasicOCSPResponse, ${v}`;
}

/** Reads either an OCSPResponse or a bare BasicOCSPResponse (as found in CMS `crls` or in an archive). */
export function toBasicOcspResponse(input: Uint8Array | BasicOcspResponse): BasicOcspResponse {
  if (!(input instanceof Uint8Array)) return input;
  const first = sequence(parseDer(input), 'OCSP response')[0];
  if (first !== undefined && is(first, 0x0a)) {
    const r = readOcspResponse(input);
    if (r.basic === undefined) throw new PkiError('MALFORMED', `OCSP response status ${r.status}, not successful.`);
    return r.basic;
  }
  return readBasicOcspResponse(input);
}
