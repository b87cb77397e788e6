import type { CryptoEngine } from '../crypto-engine.ts';
import type { EncodingPolicy } from '../der/reader.ts';
import type { AlgorithmPolicy } from '../policy/algorithm-policy.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { Crl } from '../crl/crl.ts';
import type { BasicOcspResponse } from '../ocsp/response.ts';
import type {
  ConformancePolicy,
  PathFailureReason,
  PathValidationResult,
  RevocationAuthority,
  RevocationPolicy,
  TrustAnchor,
} from './types.ts';

/** Shared state of one validation call, also used for the CRL signer paths it validates. */
export interface Context {
  readonly anchors: readonly TrustAnchor[];
  readonly pool: readonly Certificate[];
  readonly crls: readonly Crl[];
  readonly time: Date;
  readonly engine: CryptoEngine;
  readonly ocspResponses: readonly BasicOcspResponse[];
  readonly revocation: RevocationPolicy;
  readonly conformance: ConformancePolicy;
  readonly algorithmPolicy: AlgorithmPolicy;
  /** When the policy judges the algorithms of CRLs and OCSP responses. */
  readonly revocationAlgorithmTime: Date;
  readonly encoding: EncodingPolicy;
  readonly revocationAuthority?: RevocationAuthority;
  readonly useDeltas: boolean;
  readonly maxDepth: number;
  /** Fingerprints of certificates whose validation is in progress (CRL signer recursion). */
  readonly stack: readonly string[];
  readonly signerCache: Map<string, boolean>;
  /** Validates a certificate in a derived context (used for CRL signers, RFC 5280 §6.3.3 (f)). */
  readonly validate: (target: Certificate, ctx: Context) => PathValidationResult;
}

/** A failure of the path algorithm at certificate `index` (0 = the one the anchor issued). */
export interface Failure {
  reason: PathFailureReason;
  message: string;
  index?: number;
  /** The algorithm-policy rule broken, for WEAK_ALGORITHM. */
  policyRule?: string;
}

/** Thrown inside the path algorithm and turned into a failed {@link PathValidationResult}. */
export class PathError extends Error {
  readonly failure: Failure;
  constructor(reason: PathFailureReason, message: string, index?: number, policyRule?: string) {
    super(message);
    this.failure = {
      reason,
      message,
      ...(index === undefined ? {} : { index }),
      ...(policyRule === undefined ? {} : { policyRule }),
    };
  }
}
