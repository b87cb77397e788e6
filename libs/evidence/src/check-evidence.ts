/**
 * Checking one evidence offline: the CAdES signature over the statement it encapsulates
 * (libs/pki `verifyCms`: integrity, signing-certificate-v2, the signer's path to the trust
 * anchors given, with the CRLs and OCSP responses given or embedded, at the time given), the
 * statement read strictly, and the signer's certificate naming the acting office by its
 * registered identifier (organizationIdentifier `LT:VN-<code>`, libs/pki `officeCodeOf`).
 */
import {
  officeCodeOf,
  OID,
  readSignedData,
  verifyCms,
  type AlgorithmPolicy,
  type BasicOcspResponse,
  type Certificate,
  type CmsVerificationReport,
  type Crl,
  type RevocationPolicy,
  type SignedData,
  type TrustAnchor,
} from '@lienthong/pki';
import { evidenceDigest } from './attach.ts';
import { isEvidenceError, type EvidenceErrorCode } from './errors.ts';
import { hex } from './fields.ts';
import { parseStatement, type EvidenceStatement } from './statement.ts';

/** Most bytes of one evidence CMS (a statement, a seal certificate and its chain, validation data). */
export const MAX_EVIDENCE_BYTES = 1024 * 1024;

/** What an offline check trusts and relies on; nothing is fetched. */
export interface EvidenceCheckOptions {
  /** The trust anchors (roots) the caller trusts; a certificate carried by the evidence or a bundle is never one. */
  readonly trustAnchors: readonly (TrustAnchor | Certificate | Uint8Array)[];
  /** Further certificates to build the path with (issuing CAs). */
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  readonly crls?: readonly (Crl | Uint8Array)[];
  readonly ocspResponses?: readonly (BasicOcspResponse | Uint8Array)[];
  /** The validation time (RFC 5280 §6.1.1 (b)): the library reads no clock. */
  readonly time: Date;
  /**
   * Revocation sources (libs/pki `RevocationPolicy`). Default: `'any'` when CRLs or OCSP
   * responses are given or embedded, else `'none'` (not checked, and `revocationChecked` says so).
   */
  readonly revocation?: RevocationPolicy;
  readonly algorithmPolicy?: AlgorithmPolicy;
}

/** The outcome of {@link checkEvidence}. Never thrown: a failure carries its code and message. */
export interface EvidenceCheck {
  readonly ok: boolean;
  /** Why it failed. */
  readonly code?: EvidenceErrorCode;
  readonly message: string;
  /** SHA-256 of the CMS, lower-case hex: the evidence's leaf in its batch and the `previous` of the next. */
  readonly digest: string;
  /** The statement, once it was read. */
  readonly statement?: EvidenceStatement;
  /** The office code the signer's certificate names, when it names one. */
  readonly signerOffice?: string;
  /** Whether revocation was checked. */
  readonly revocationChecked: boolean;
  /** libs/pki's report of the CMS (ETSI EN 319 102-1 terms), when it was verified. */
  readonly report?: CmsVerificationReport;
  /**
   * When the signer's path was validated at a proof of existence (the batch time-stamp's
   * genTime, {@link checkEvidenceAtProof}) rather than at `time`.
   */
  readonly validatedAt?: Date;
}

/** Path failures a proof of existence before them can overcome (EN 319 102-1 §5.6.3, as libs/pki `verifyCms`). */
const RECOVERABLE_AT_POE = new Set<string>(['EXPIRED', 'REVOKED', 'NO_CRL', 'WEAK_ALGORITHM']);

/**
 * {@link checkEvidence} at `time`; when that fails only because the signer's certificate has
 * expired or been revoked since, its revocation data is no longer fresh, or an algorithm has
 * been retired since (the signature intact), checks it again at `proofTime`: the genTime of a
 * time-stamp that verified over the evidence (its batch's). ETSI EN 319 102-1 §5.6.3: a
 * certificate revoked after the proof of existence does not void what was signed before; one
 * revoked before it still does. The caller vouches that `proofTime` is a verified genTime.
 */
export function checkEvidenceAtProof(cms: Uint8Array, options: EvidenceCheckOptions, proofTime: Date): EvidenceCheck {
  const now = checkEvidence(cms, options);
  const reason = now.report?.path?.reason;
  if (now.ok || now.code !== 'EVIDENCE_SIGNATURE_INVALID' || now.report?.integrity !== true) return now;
  if (reason === undefined || !RECOVERABLE_AT_POE.has(reason) || proofTime.getTime() >= options.time.getTime())
    return now;
  const then = checkEvidence(cms, { ...options, time: proofTime });
  if (!then.ok) return now;
  return {
    ...then,
    message: `${then.statement!.event} by ${then.statement!.actingOffice}, signed by its certificate, valid at its time-stamp ${proofTime.toISOString()} (at ${options.time.toISOString()}: ${reason}).`,
    validatedAt: proofTime,
  };
}

function statementOf(signedData: SignedData): EvidenceStatement {
  if (signedData.contentType !== OID.data || signedData.content === undefined)
    throw new Error('The CMS does not encapsulate a statement (eContentType id-data with eContent).');
  if (signedData.signerInfos.length !== 1) throw new Error('An evidence has exactly one signer.');
  return parseStatement(signedData.content);
}

/**
 * Verifies one evidence (a CMS SignedData encapsulating a statement, signed by the acting
 * office's seal) offline. OK when: the CMS is at most {@link MAX_EVIDENCE_BYTES} and DER; it
 * has one signer and encapsulates a statement that `parseStatement` accepts; `verifyCms`
 * answers TOTAL_PASSED at `time`; and the signer's certificate names `actingOffice`
 * (organizationIdentifier `LT:VN-<code>`, which only counts once its path validated).
 */
export function checkEvidence(cms: Uint8Array, options: EvidenceCheckOptions): EvidenceCheck {
  const digest = hex(evidenceDigest(cms));
  const fail = (code: EvidenceErrorCode, message: string, extra: Partial<EvidenceCheck> = {}): EvidenceCheck => ({
    ok: false,
    code,
    message,
    digest,
    revocationChecked: false,
    ...extra,
  });
  if (cms.length > MAX_EVIDENCE_BYTES)
    return fail('EVIDENCE_SIGNATURE_INVALID', `The evidence has ${cms.length} bytes; at most ${MAX_EVIDENCE_BYTES}.`);
  let signedData: SignedData;
  try {
    signedData = readSignedData(cms);
  } catch (e) {
    return fail('EVIDENCE_SIGNATURE_INVALID', `Not a CMS SignedData: ${(e as Error).message}`);
  }
  let statement: EvidenceStatement;
  try {
    statement = statementOf(signedData);
  } catch (e) {
    return fail(isEvidenceError(e) ? e.code : 'EVIDENCE_SIGNATURE_INVALID', (e as Error).message);
  }
  const revocationData =
    (options.crls?.length ?? 0) +
    (options.ocspResponses?.length ?? 0) +
    signedData.crls.length +
    signedData.ocspResponses.length;
  const revocation = options.revocation ?? (revocationData > 0 ? 'any' : 'none');
  const report = verifyCms(cms, {
    trustAnchors: options.trustAnchors,
    intermediates: options.intermediates ?? [],
    crls: options.crls ?? [],
    ocspResponses: options.ocspResponses ?? [],
    revocation,
    time: options.time,
    ...(options.algorithmPolicy === undefined ? {} : { algorithmPolicy: options.algorithmPolicy }),
  });
  const revocationChecked = revocation !== 'none';
  const signerOffice = report.signer === undefined ? undefined : officeCodeOf(report.signer.subject);
  const base = {
    statement,
    report,
    revocationChecked,
    ...(signerOffice === undefined ? {} : { signerOffice }),
  };
  if (report.indication !== 'TOTAL_PASSED')
    return fail(
      'EVIDENCE_SIGNATURE_INVALID',
      `${report.indication}${report.subIndication === undefined ? '' : ` / ${report.subIndication}`}: ${report.message}`,
      base,
    );
  if (signerOffice !== statement.actingOffice)
    return fail(
      'EVIDENCE_ACTING_OFFICE_MISMATCH',
      `The statement's acting office is ${statement.actingOffice}; the signer's certificate names ${
        signerOffice === undefined ? 'no office (no organizationIdentifier LT:VN-<code>)' : signerOffice
      }.`,
      base,
    );
  return {
    ok: true,
    message: `${statement.event} by ${statement.actingOffice}, signed by its certificate and valid at ${options.time.toISOString()}.`,
    digest,
    ...base,
  };
}
