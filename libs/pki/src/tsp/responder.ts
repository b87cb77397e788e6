import { systemClock, type Clock } from '../clock.ts';
import { buildEncapsulatedSignedData } from '../cms/signed-data-builder.ts';
import { ctx } from '../der/writer.ts';
import { encoded, parseDer, sequence } from '../der/reader.ts';
import { isPkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import type { Signer } from '../signer.ts';
import type { HashName } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';
import { readTimeStampRequest } from './request.ts';
import { encodeGranted, encodeRejection } from './response.ts';
import { encodeTstInfo, type Accuracy } from './tst-info.ts';

/** Inputs of a TSA (RFC 3161 §2.1): its certificate, chain, key and policy. */
export interface TimeStampIssueOptions {
  /** The DER TimeStampReq as received. */
  readonly request: Uint8Array;
  /** The TSA certificate: extKeyUsage id-kp-timeStamping only, critical (RFC 3161 §2.3). */
  readonly tsaCertificate: Certificate;
  /** Issuing CA certificates to include with the TSA's when certReq is set. */
  readonly chain?: readonly Certificate[];
  readonly signer: Signer;
  readonly clock?: Clock;
  /**
   * The token's serial number, unique per TSA (RFC 3161 §2.4.2); the caller keeps the counter. Bytes are
   * read as a big-endian unsigned integer and written as a DER INTEGER whatever their first octets.
   */
  readonly serialNumber: bigint | Uint8Array;
  /** The TSA policy under which tokens are issued. */
  readonly policy: string;
  /** Further policies a request may ask for. */
  readonly acceptedPolicies?: readonly string[];
  readonly accuracy?: Accuracy;
  /** Digests accepted in the message imprint; default SHA-256/384/512. */
  readonly acceptedHashes?: readonly HashName[];
  /** Put the TSA's name in TSTInfo.tsa (RFC 3161 §2.4.2). Default false. */
  readonly includeTsaName?: boolean;
}

/**
 * A pure time-stamping authority (RFC 3161 §2.4): reads the request, checks
 * the digest algorithm, policy and extensions, and answers with a
 * TimeStampResp DER — granted with a signed token, or rejection with the
 * PKIFailureInfo bit: badDataFormat (unreadable), badRequest (version other
 * than 1), badAlg, unacceptedPolicy, unacceptedExtension. Never throws for a bad request.
 */
export async function issueTimeStampToken(options: TimeStampIssueOptions): Promise<Uint8Array> {
  let request;
  try {
    request = readTimeStampRequest(options.request);
  } catch (e) {
    if (isPkiError(e)) return encodeRejection('badDataFormat', `The request is not a TimeStampReq: ${e.message}`);
    throw e;
  }
  if (request.version !== 1)
    return encodeRejection('badRequest', `TimeStampReq version ${request.version} is not supported; v1 is.`);
  const accepted = options.acceptedHashes ?? ['sha256', 'sha384', 'sha512'];
  const hash = request.messageImprint.hash;
  if (hash === undefined || !accepted.includes(hash))
    return encodeRejection(
      'badAlg',
      `Digest ${hash ?? request.messageImprint.hashOid} is not accepted; use ${accepted.join(', ')}.`,
    );
  const policies = [options.policy, ...(options.acceptedPolicies ?? [])];
  if (request.policy !== undefined && !policies.includes(request.policy))
    return encodeRejection('unacceptedPolicy', `Policy ${request.policy} is not offered.`);
  if (request.extensions.length > 0)
    return encodeRejection('unacceptedExtension', `Extension ${request.extensions[0]!.oid} is not supported.`);
  const [, imprintNode] = sequence(parseDer(request.der), 'TimeStampReq');
  const tstInfo = encodeTstInfo({
    policy: request.policy ?? options.policy,
    messageImprintDer: encoded(imprintNode!),
    serialNumber: options.serialNumber,
    genTime: (options.clock ?? systemClock).now(),
    ...(options.accuracy === undefined ? {} : { accuracy: options.accuracy }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...(options.includeTsaName === true ? { tsaName: ctx(4, options.tsaCertificate.subject.der) } : {}),
  });
  const token = await buildEncapsulatedSignedData({
    contentType: OID.tstInfo,
    content: tstInfo,
    certificate: options.tsaCertificate,
    signer: options.signer,
    certificates: request.certReq ? [options.tsaCertificate, ...(options.chain ?? [])] : [],
  });
  return encodeGranted(token);
}
