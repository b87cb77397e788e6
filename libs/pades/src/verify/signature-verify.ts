import type { ByteSource } from '@lienthong/pdf';
import {
  type CmsVerifyOptions,
  type Indication,
  type SubIndication,
  readTimeStampToken,
  summariseCertificate,
  summarisePathFailure,
  summariseTimestamps,
  type PathFailureSummary,
  verifyTimeStampToken,
  type TimeStampFailure,
} from '@lienthong/pki';
import { byteRangeDigests, verifyPdfCms, type DigestCache } from './cms-check.ts';
import type { PdfSignerInfo, PdfTimestampReport } from './report.ts';
import type { CheckedSignature } from './signature-fields.ts';

/** The cryptographic and trust outcome of one signature or document time-stamp, before change analysis. */
export interface SignatureOutcome {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly message: string;
  readonly integrity: boolean;
  readonly trusted: boolean;
  readonly signer?: PdfSignerInfo;
  /** Signature: the CMS signature-time-stamp's genTime; document time-stamp: its genTime (when valid). */
  readonly time?: Date;
  /** The CMS meets CAdES-B-B (content-type, message-digest, signing-certificate-v2). */
  readonly baselineB: boolean;
  readonly timestamps?: readonly PdfTimestampReport[];
  /** The algorithm-policy rule a CRYPTO_CONSTRAINTS_FAILURE broke, or that made revocation data unusable. */
  readonly policyRule?: string;
  /** Why the signer's certificate path failed, and at which certificate. */
  readonly pathFailure?: PathFailureSummary;
}

const TSP_FAILURE: Record<
  TimeStampFailure,
  { indication: Indication; subIndication: SubIndication; integrity: boolean }
> = {
  MALFORMED: { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', integrity: false },
  NOT_GRANTED: { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', integrity: false },
  IMPRINT_MISMATCH: { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', integrity: false },
  NONCE_MISMATCH: { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', integrity: false },
  SIGNATURE: { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', integrity: false },
  NOT_A_TSA: { indication: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', integrity: true },
  GEN_TIME: { indication: 'INDETERMINATE', subIndication: 'NOT_YET_VALID', integrity: true },
  UNTRUSTED: { indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', integrity: true },
};

/** A document time-stamp (ETSI EN 319 142-1 §5.4.3): the token's imprint is the digest of the ByteRange; the TSA is validated as a signer. */
async function verifyDocumentTimestamp(
  source: ByteSource,
  sig: CheckedSignature,
  options: CmsVerifyOptions,
  cache?: DigestCache,
): Promise<SignatureOutcome> {
  let hash;
  try {
    const token = readTimeStampToken(sig.contents);
    if (token.signedData.derViolation !== undefined)
      return {
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        message: `/Contents is not DER (ISO 32000-1 §12.8.3.3.1): ${token.signedData.derViolation}.`,
        integrity: false,
        trusted: false,
        baselineB: false,
      };
    hash = token.tstInfo.messageImprint.hash;
  } catch (e) {
    return {
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
      message: `/Contents is not an RFC 3161 time-stamp token: ${e instanceof Error ? e.message : ''}`,
      integrity: false,
      trusted: false,
      baselineB: false,
    };
  }
  if (hash === undefined)
    return {
      indication: 'TOTAL_FAILED',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
      message: 'The time-stamp imprint uses an unsupported digest.',
      integrity: false,
      trusted: false,
      baselineB: false,
    };
  const imprint = (await byteRangeDigests(source, sig.byteRange, [hash], cache)).get(hash)!;
  const { detachedContent: _d, requireBaselineB: _r, evaluateTimestamps: _e, ...trust } = options;
  const v = verifyTimeStampToken(sig.contents, { ...trust, imprint });
  const signer = v.tsaCertificate === undefined ? {} : { signer: summariseCertificate(v.tsaCertificate) };
  if (v.valid)
    return {
      indication: 'TOTAL_PASSED',
      message: v.message,
      integrity: true,
      trusted: true,
      ...signer,
      ...(v.genTime === undefined ? {} : { time: v.genTime }),
      baselineB: false,
    };
  const f = TSP_FAILURE[v.failure ?? 'MALFORMED'];
  const fromReport =
    v.failure === 'UNTRUSTED' && v.report?.subIndication !== undefined
      ? { indication: v.report.indication, subIndication: v.report.subIndication }
      : {};
  const pathFailure = v.report?.path === undefined ? undefined : summarisePathFailure(v.report.path);
  return {
    indication: f.indication,
    subIndication: f.subIndication,
    ...fromReport,
    ...(v.report?.policyRule === undefined ? {} : { policyRule: v.report.policyRule }),
    ...(pathFailure === undefined ? {} : { pathFailure }),
    message: v.message,
    integrity: f.integrity,
    trusted: false,
    ...signer,
    baselineB: false,
  };
}

/** Verifies one structurally sound signature: CMS over the ByteRange (streamed), trust and revocation as {@link verifyPdfCms} reports them. */
export async function verifySignatureOutcome(
  source: ByteSource,
  sig: CheckedSignature,
  options: CmsVerifyOptions,
  cache?: DigestCache,
): Promise<SignatureOutcome> {
  if (sig.kind === 'document-timestamp') return verifyDocumentTimestamp(source, sig, options, cache);
  const r = await verifyPdfCms(source, sig.byteRange, sig.contents, sig.subFilter, options, cache);
  const pathFailure = r.path === undefined ? undefined : summarisePathFailure(r.path);
  return {
    indication: r.indication,
    ...(r.subIndication === undefined ? {} : { subIndication: r.subIndication }),
    message: r.message,
    integrity: r.integrity,
    trusted: r.trusted,
    ...(r.signer === undefined ? {} : { signer: summariseCertificate(r.signer) }),
    ...(r.bestSignatureTime === undefined ? {} : { time: r.bestSignatureTime }),
    baselineB: r.isCadesBaselineB,
    ...(r.timestamps === undefined || r.timestamps.length === 0
      ? {}
      : { timestamps: summariseTimestamps(r.timestamps) }),
    ...(r.policyRule === undefined ? {} : { policyRule: r.policyRule }),
    ...(pathFailure === undefined ? {} : { pathFailure }),
  };
}
