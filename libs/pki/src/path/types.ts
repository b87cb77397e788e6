import type { Clock } from '../clock.ts';
import type { CryptoEngine } from '../crypto-engine.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { Crl } from '../crl/crl.ts';
import type { BasicOcspResponse } from '../ocsp/response.ts';
import type { Name } from '../x509/name.ts';
import type { AlgorithmPolicy } from '../policy/algorithm-policy.ts';
import type { EncodingPolicy } from '../der/reader.ts';

/**
 * A trust anchor (RFC 5280 §6.1.1 (d)): the name and public key that start a
 * path. When built from a certificate, the certificate is kept for reference;
 * its validity and extensions are not checked (RFC 5280 §6.2).
 */
export interface TrustAnchor {
  readonly name: Name;
  readonly spki: Uint8Array;
  readonly certificate?: Certificate;
}

/** The revocation sources path validation accepts (RFC 5280 §6.1.3 (a)(3)). */
export type RevocationPolicy = 'crl' | 'ocsp' | 'any' | 'none';

/** A status the caller vouches for: the issuing CA's own records speaking of its certificate. */
export type AuthoritativeRevocationStatus =
  | { readonly status: 'good'; readonly thisUpdate?: Date }
  | { readonly status: 'revoked'; readonly revocationDate: Date; readonly reason?: number; readonly thisUpdate?: Date }
  /** The authority does not know the certificate (OCSP's "unknown", RFC 6960 §2.2): no CRL may vouch for it. */
  | { readonly status: 'undetermined'; readonly message: string };

/**
 * The authority on the status of some certificates: for the local CA's own
 * certificates, its signing database. Returns undefined for certificates it
 * does not speak for; when it answers, its answer decides (it is fresher than
 * any CRL or OCSP response made from it).
 */
export type RevocationAuthority = (certificate: Certificate, issuer: Name) => AuthoritativeRevocationStatus | undefined;

/** Stable reasons a path is rejected. */
export type PathFailureReason =
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'REVOKED'
  | 'NAME_CHAINING'
  | 'BASIC_CONSTRAINTS'
  | 'PATH_LENGTH'
  | 'KEY_USAGE'
  | 'EXTENDED_KEY_USAGE'
  | 'POLICY'
  | 'NAME_CONSTRAINTS'
  | 'UNKNOWN_CRITICAL_EXTENSION'
  | 'SIGNATURE'
  | 'NO_CRL'
  | 'NO_PATH'
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'NON_CONFORMING'
  | 'WEAK_ALGORITHM';

/**
 * How much of RFC 5280 path validation demands. 'strict' (the default):
 * §6 plus the conforming-CA requirements of §4 on every certificate, the
 * trust anchor's own included (its validity, critical extensions and name
 * constraints), as OpenSSL's -x509_strict does. 'lenient': §6 only, the anchor
 * being a name and key (§6.2), for old certificates issued outside the
 * project by CAs that do not conform.
 */
export type ConformancePolicy = 'strict' | 'lenient';

/** Inputs of path validation (RFC 5280 §6.1.1) plus path building and revocation inputs. */
export interface PathValidationOptions {
  /** Trust anchors, as certificates (DER or parsed) or as name + key. */
  readonly trustAnchors: readonly (TrustAnchor | Certificate | Uint8Array)[];
  /** The target (end-entity) certificate. */
  readonly target: Certificate | Uint8Array;
  /**
   * An explicit candidate path: the certificates from the one a trust anchor
   * issued down to the issuer of the target, in that order. When given, only
   * this path is validated (no path building); `intermediates` still serve as
   * CRL signer candidates.
   */
  readonly path?: readonly (Certificate | Uint8Array)[];
  /** A pool of intermediate certificates, in any order; a path is built from them. */
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  /** CRLs available for revocation checking (RFC 5280 §6.3). */
  readonly crls?: readonly (Crl | Uint8Array)[];
  /** OCSP responses (OCSPResponse or BasicOCSPResponse DER, or parsed) available for revocation checking (RFC 6960). */
  readonly ocspResponses?: readonly (BasicOcspResponse | Uint8Array)[];
  /**
   * Where each certificate's status must come from: 'crl' (default) a CRL that
   * decides it; 'ocsp' an OCSP response; 'any' every OCSP response and CRL
   * given, where a revocation from any of them wins and otherwise the newest
   * answer decides; 'none' skips revocation checks.
   */
  readonly revocation?: RevocationPolicy;
  /** Consulted first for every certificate of the path (unless revocation is 'none'); its answer wins. */
  readonly revocationAuthority?: RevocationAuthority;
  /** Apply delta CRLs (RFC 5280 §5.2.4); default true. */
  readonly useDeltaCrls?: boolean;
  /** Validation time; defaults to the clock's time. */
  readonly time?: Date;
  readonly clock?: Clock;
  /** user-initial-policy-set; defaults to { anyPolicy }. */
  readonly initialPolicySet?: readonly string[];
  readonly initialExplicitPolicy?: boolean;
  readonly initialPolicyMappingInhibit?: boolean;
  readonly initialAnyPolicyInhibit?: boolean;
  /** Key purposes the target must carry in extKeyUsage (anyExtendedKeyUsage satisfies any); absent = no check. */
  readonly requiredExtendedKeyUsages?: readonly string[];
  /** Key usages the target must allow (RFC 5280 §4.2.1.3 bit numbers); absent = no check. */
  readonly requiredKeyUsages?: readonly number[];
  /** Default 'strict'. */
  readonly conformance?: ConformancePolicy;
  /** Maximum number of certificates in a path, target included; default 10. */
  readonly maxDepth?: number;
  /**
   * The algorithm policy (ETSI TS 119 312 style) for each certificate's signature hash and its
   * issuer's key at the validation time; default `DEFAULT_ALGORITHM_POLICY`.
   */
  readonly algorithmPolicy?: AlgorithmPolicy;
  /**
   * When the algorithm policy judges the signatures of CRLs and OCSP responses and the CertID
   * hashes; default the validation time. Revocation data has no proof of existence of its own
   * (its thisUpdate is what its signature claims, EN 319 102-1 §5.6.2.5), so a caller that
   * validates at a past time (best-signature-time) passes the present here. A CRL or response
   * refused is not used: the certificate's status may then be unknown (NO_CRL).
   */
  readonly revocationAlgorithmTime?: Date;
  /** 'der' (default): CRLs and OCSP responses that are not DER (X.690 §10) are not used; 'ber' uses them. */
  readonly encoding?: EncodingPolicy;
  readonly engine?: CryptoEngine;
}

/** Result of path validation (RFC 5280 §6.1.6). */
export interface PathValidationResult {
  readonly valid: boolean;
  /**
   * The algorithm-policy rule (e.g. `TS119312:RSA-2048`) broken when `reason` is WEAK_ALGORITHM;
   * with NO_CRL, the rule that made a CRL or OCSP response unusable.
   */
  readonly policyRule?: string;
  /** The policy the path was judged under. */
  readonly conformance?: ConformancePolicy;
  readonly reason?: PathFailureReason;
  readonly message?: string;
  /** Index in `chain` of the certificate that failed, when one did. */
  readonly failedIndex?: number;
  /** The path, target first, trust anchor certificate last when it is one. */
  readonly chain: readonly Certificate[];
  readonly trustAnchor?: TrustAnchor;
  /** user-constrained-policy-set (§6.1.6): policy OIDs, sorted. */
  readonly userConstrainedPolicySet: readonly string[];
}
