import type { Certificate } from '../x509/certificate.ts';
import type { PathValidationResult } from '../path/types.ts';
import type { SignedData, SignerInfo } from './signed-data.ts';

/** Main indication (ETSI EN 319 102-1 §5.1.3, Table 4). */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** Sub-indications used by this verifier (ETSI EN 319 102-1 Table 5). */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'NOT_YET_VALID'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND';

/** The outcome of one time-stamp attribute of a CAdES signature. */
export interface TimestampReport {
  /** signature-time-stamp (EN 319 122-1 §5.3) or archive-time-stamp-v3 (§5.5.3). */
  readonly kind: 'signature' | 'archive';
  readonly valid: boolean;
  readonly genTime?: Date;
  readonly message: string;
}

/** CAdES baseline levels (ETSI EN 319 122-1 §6): each includes the ones before it. */
export type CadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** The validation report of one SignerInfo. */
export interface SignerReport {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly message: string;
  readonly signer?: Certificate;
  /** Path from the signer to the trust anchor, when one was found. */
  readonly chain: readonly Certificate[];
  /** Message digest and signature verify (EN 319 102-1 §5.2.7 cryptographic verification). */
  readonly integrity: boolean;
  /** The signer's certificate validates to a trust anchor (RFC 5280 §6 through our path validator). */
  readonly trusted: boolean;
  /** A signing-certificate(-v2) attribute is present and matches the signer's certificate. */
  readonly signingCertificateBound: boolean;
  /** The signed attributes meet CAdES-B-B (EN 319 122-1 §6.3): content-type, message-digest, signing-certificate-v2. */
  readonly isCadesBaselineB: boolean;
  readonly signingTime?: Date;
  /**
   * The baseline level reached when the signature passed: B-B; B-T with a valid
   * signature-time-stamp; B-LT when the signer's and the TSA's paths also
   * validate from the certificates and revocation data in the SignedData alone; B-LTA with a
   * valid archive-time-stamp-v3.
   */
  readonly level?: CadesLevel;
  /** best-signature-time (EN 319 102-1 §5.6.2.1): the earliest genTime of a valid signature-time-stamp. */
  readonly bestSignatureTime?: Date;
  /** Each time-stamp attribute and its outcome. */
  readonly timestamps?: readonly TimestampReport[];
  readonly path?: PathValidationResult;
  readonly signerInfo?: SignerInfo;
  /**
   * The algorithm-policy rule (e.g. `TS119312:SHA1-SUNSET`) a CRYPTO_CONSTRAINTS_FAILURE broke;
   * with TRY_LATER, the rule that made a CRL or OCSP response unusable.
   */
  readonly policyRule?: string;
}

/** The report of a CMS signature: the first signer's outcome, worst first, plus each signer's. */
export interface CmsVerificationReport extends SignerReport {
  readonly signers: readonly SignerReport[];
  readonly signedData?: SignedData;
}

/** A failed or indeterminate signer report with the given indication. */
export function failedReport(
  indication: Indication,
  subIndication: SubIndication,
  message: string,
  extra: Partial<SignerReport> = {},
): SignerReport {
  return {
    indication,
    subIndication,
    message,
    chain: [],
    integrity: false,
    trusted: false,
    signingCertificateBound: false,
    isCadesBaselineB: false,
    ...extra,
  };
}

/** Maps a failed RFC 5280 path validation to EN 319 102-1 indications (X.509 validation building block, §5.2.6). */
export function pathToReport(path: PathValidationResult): { indication: Indication; subIndication: SubIndication } {
  switch (path.reason) {
    case 'REVOKED':
      return path.failedIndex === 0
        ? { indication: 'TOTAL_FAILED', subIndication: 'REVOKED' }
        : { indication: 'INDETERMINATE', subIndication: 'REVOKED_CA_NO_POE' };
    case 'EXPIRED':
      return { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' };
    case 'NOT_YET_VALID':
      return { indication: 'INDETERMINATE', subIndication: 'NOT_YET_VALID' };
    case 'NO_PATH':
      return { indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' };
    case 'NO_CRL':
      return { indication: 'INDETERMINATE', subIndication: 'TRY_LATER' };
    case 'UNSUPPORTED_ALGORITHM':
    case 'WEAK_ALGORITHM':
      return { indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' };
    case 'MALFORMED':
    case 'SIGNATURE':
      return { indication: 'INDETERMINATE', subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE' };
    case 'NAME_CHAINING':
    case 'BASIC_CONSTRAINTS':
    case 'PATH_LENGTH':
    case 'KEY_USAGE':
    case 'EXTENDED_KEY_USAGE':
    case 'POLICY':
    case 'NAME_CONSTRAINTS':
    case 'UNKNOWN_CRITICAL_EXTENSION':
    case 'NON_CONFORMING':
    case undefined:
      return { indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' };
  }
}
