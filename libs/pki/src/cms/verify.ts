/**
 * The lower layer of signature verification (RFC 5652 §5.6, ETSI EN 319 102-1 §5.2.6–5.2.7):
 * the integrity of each SignerInfo and its signer's certificate path at one time. Nothing here
 * follows time-stamps: that is the CAdES layer above (`cades/verify.ts`), and the time-stamp
 * verifier (`tsp/verify.ts`) needs only this one.
 */
import { systemClock, type Clock } from '../clock.ts';
import type { Crl } from '../crl/crl.ts';
import { nodeCryptoEngine, type CryptoEngine } from '../crypto-engine.ts';
import type { EncodingPolicy } from '../der/reader.ts';
import { isPkiError } from '../errors.ts';
import type { BasicOcspResponse } from '../ocsp/response.ts';
import { OID } from '../oids.ts';
import {
  validatePath,
  type ConformancePolicy,
  type PathValidationResult,
  type RevocationAuthority,
  type RevocationPolicy,
  type TrustAnchor,
} from '../path/validate.ts';
import {
  DEFAULT_ALGORITHM_POLICY,
  checkAlgorithm,
  keyUse,
  type AlgorithmPolicy,
  type AlgorithmUse,
} from '../policy/algorithm-policy.ts';
import { hashFromOid, signatureScheme, type HashName } from '../x509/algorithm.ts';
import { allowsKeyUsage, readCertificate, type Certificate } from '../x509/certificate.ts';
import { keyIdentifier } from '../x509/extension-builder.ts';
import { KeyUsageBit } from '../x509/extensions.ts';
import {
  attributeValues,
  readContentType,
  readEssCertId,
  readMessageDigest,
  readSigningTime,
  singleValue,
} from './attributes.ts';
import { countSignerInfos, readSignedData, type SignedData, type SignerInfo } from './signed-data.ts';
import {
  failedReport,
  pathToReport,
  type CmsVerificationReport,
  type Indication,
  type SignerReport,
} from './verification-report.ts';

/** Inputs of verification without time-stamps. */
export interface SignedDataVerifyOptions {
  /** The content of a detached signature. */
  readonly detachedContent?: Uint8Array;
  /** Trust anchors; without them trust is not assessed (INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND). */
  readonly trustAnchors?: readonly (TrustAnchor | Certificate | Uint8Array)[];
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  readonly crls?: readonly (Crl | Uint8Array)[];
  /** OCSP responses (RFC 6960) besides those carried in the SignedData (RFC 5940). */
  readonly ocspResponses?: readonly (BasicOcspResponse | Uint8Array)[];
  /** Revocation sources: 'any' (default: OCSP, else CRL), 'crl', 'ocsp' or 'none'. */
  readonly revocation?: RevocationPolicy;
  readonly time?: Date;
  readonly clock?: Clock;
  readonly engine?: CryptoEngine;
  /** Require the CAdES-B-B signed attributes (EN 319 122-1 §6.3); without them the result is TOTAL_FAILED / FORMAT_FAILURE. */
  readonly requireBaselineB?: boolean;
  /** RFC 5280 conformance of the signer's path: 'strict' (default: §6 plus the §4 conforming-CA rules) or 'lenient' (§6). */
  readonly conformance?: ConformancePolicy;
  /** Asked first about each certificate of the path; when it answers, its answer decides (e.g. the local CA's database). */
  readonly revocationAuthority?: RevocationAuthority;
  /**
   * Most SignerInfos one SignedData may hold (default {@link MAX_SIGNER_INFOS}); with more,
   * none is verified and the result is TOTAL_FAILED / FORMAT_FAILURE naming the limit.
   */
  readonly maxSignerInfos?: number;
  /**
   * The algorithm policy (ETSI TS 119 312 style) for the signer's digest, signature and key
   * and for its path; default {@link DEFAULT_ALGORITHM_POLICY}.
   */
  readonly algorithmPolicy?: AlgorithmPolicy;
  /**
   * 'der' (default): a CMS, or a certificate, CRL or attribute inside it, that is not DER
   * (X.690 §10) is TOTAL_FAILED / FORMAT_FAILURE naming the rule broken; 'ber' accepts BER,
   * for old signatures made elsewhere (the RFC 4134 examples).
   */
  readonly encoding?: EncodingPolicy;
}

/**
 * Most SignerInfos verified in one SignedData: each costs a signature check and a path
 * validation, and a PAdES or CAdES signature has one (a co-signed CMS a few).
 */
export const MAX_SIGNER_INFOS = 16;

/** What the cryptographic checks of one SignerInfo established when they passed. */
export interface IntactSigner {
  readonly signer: Certificate;
  readonly signerInfo: SignerInfo;
  readonly signingCertificateBound: boolean;
  readonly isCadesBaselineB: boolean;
  readonly integrity: true;
  readonly signingTime?: Date;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function findSigner(si: SignerInfo, certs: readonly Certificate[]): Certificate | undefined {
  const sid = si.sid;
  // Certificates without the extension are matched on the RFC 5280 §4.2.1.2 method (1) identifier.
  if ('subjectKeyIdentifier' in sid)
    return certs.find((c) => equalBytes(c.subjectKeyIdentifier ?? keyIdentifier(c.spki), sid.subjectKeyIdentifier));
  return certs.find((c) => c.issuer.key === sid.issuer.key && equalBytes(c.serialNumber, sid.serialNumber));
}

/** True when `r` is the failure report of {@link checkSignerIntegrity}. */
export function isSignerFailure(r: IntactSigner | SignerReport): r is SignerReport {
  return 'indication' in r;
}

/**
 * The cryptographic verification of one SignerInfo (EN 319 102-1 §5.2.7): the signer
 * certificate is found, the message digest and content-type attributes match (RFC 5652
 * §5.3, §11), the signing-certificate(-v2) attribute binds the signer (RFC 5035), the
 * signature verifies, and the signer's keyUsage allows signing (RFC 5280 §4.2.1.3).
 * Returns a failure report, or what was established.
 */
export function checkSignerIntegrity(
  sd: SignedData,
  si: SignerInfo,
  content: Uint8Array | undefined,
  options: SignedDataVerifyOptions,
  engine: CryptoEngine,
): IntactSigner | SignerReport {
  const certs = [
    ...sd.certificates,
    ...(options.intermediates ?? []).map((c) => (c instanceof Uint8Array ? readCertificate(c) : c)),
  ];
  const signer = findSigner(si, certs);
  if (content === undefined)
    return failedReport('INDETERMINATE', 'SIGNED_DATA_NOT_FOUND', 'Detached signature and no content given.', {
      signerInfo: si,
    });
  if (signer === undefined)
    return failedReport(
      'INDETERMINATE',
      'NO_SIGNING_CERTIFICATE_FOUND',
      'The signer certificate is not in the message.',
      { signerInfo: si },
    );
  let hash: HashName;
  try {
    hash = hashFromOid(si.digestAlgorithm.oid);
  } catch {
    return failedReport(
      'INDETERMINATE',
      'CRYPTO_CONSTRAINTS_FAILURE',
      `Unsupported digest ${si.digestAlgorithm.oid}.`,
      { signer, signerInfo: si },
    );
  }
  const contentDigest = engine.digest(hash, content);
  let signedBytes = content;
  let signingTime: Date | undefined;
  let bound = false;
  let hasV2 = false;
  const attrs = si.signedAttributes;
  if (si.signedAttributesDer !== undefined) {
    const ct = singleValue(attrs, OID.contentType);
    const md = singleValue(attrs, OID.messageDigest);
    if (ct === undefined || md === undefined)
      return failedReport(
        'TOTAL_FAILED',
        'FORMAT_FAILURE',
        'Signed attributes lack content-type or message-digest (RFC 5652 §5.3).',
        { signer, signerInfo: si },
      );
    if (readContentType(ct) !== sd.contentType)
      return failedReport(
        'TOTAL_FAILED',
        'FORMAT_FAILURE',
        'content-type attribute differs from eContentType (RFC 5652 §11.1).',
        { signer, signerInfo: si },
      );
    if (!equalBytes(readMessageDigest(md), contentDigest))
      return failedReport('TOTAL_FAILED', 'HASH_FAILURE', 'The message digest does not match the content.', {
        signer,
        signerInfo: si,
      });
    const st = singleValue(attrs, OID.signingTime);
    if (st !== undefined) signingTime = readSigningTime(st);
    signedBytes = si.signedAttributesDer;
    const v2 = attributeValues(attrs, OID.signingCertificateV2);
    const v1 = attributeValues(attrs, OID.signingCertificate);
    hasV2 = v2 !== undefined;
    const value = v2?.[0] ?? v1?.[0];
    if (value !== undefined) {
      const id = readEssCertId(value, v2 !== undefined);
      const serialOk =
        id.issuerSerial === undefined ||
        (equalBytes(id.issuerSerial.serialNumber, signer.serialNumber) &&
          id.issuerSerial.issuerKeys.includes(signer.issuer.key));
      bound = equalBytes(engine.digest(id.hash, signer.der), id.certHash) && serialOk;
      if (!bound)
        return failedReport(
          'INDETERMINATE',
          'NO_SIGNING_CERTIFICATE_FOUND',
          'signing-certificate attribute does not identify the signer certificate (RFC 5035).',
          { signer, signerInfo: si },
        );
    }
  } else if (sd.contentType !== OID.data) {
    return failedReport(
      'TOTAL_FAILED',
      'FORMAT_FAILURE',
      'Signed attributes are required for content other than id-data (RFC 5652 §5.3).',
      { signer, signerInfo: si },
    );
  }
  let ok: boolean;
  try {
    ok = engine.verify(signatureScheme(si.signatureAlgorithm, hash), signer.spki, signedBytes, si.signature);
  } catch (e) {
    if (isPkiError(e, 'UNSUPPORTED_ALGORITHM'))
      return failedReport('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', e.message, { signer, signerInfo: si });
    throw e;
  }
  const base = {
    signer,
    signerInfo: si,
    signingCertificateBound: bound,
    isCadesBaselineB: hasV2 && bound,
    ...(signingTime === undefined ? {} : { signingTime }),
  };
  if (!ok)
    return failedReport(
      'TOTAL_FAILED',
      'SIG_CRYPTO_FAILURE',
      'The signature value does not verify with the signer certificate key.',
      base,
    );
  if (options.requireBaselineB === true && !base.isCadesBaselineB)
    return failedReport(
      'TOTAL_FAILED',
      'FORMAT_FAILURE',
      'Not a CAdES-B-B signature: signing-certificate-v2 is missing (EN 319 122-1 §6.3).',
      { ...base, integrity: true },
    );
  if (!allowsKeyUsage(signer, KeyUsageBit.digitalSignature) && !allowsKeyUsage(signer, KeyUsageBit.nonRepudiation)) {
    return failedReport(
      'INDETERMINATE',
      'SIG_CONSTRAINTS_FAILURE',
      'The signer certificate keyUsage allows neither digitalSignature nor nonRepudiation (RFC 5280 §4.2.1.3).',
      { ...base, integrity: true },
    );
  }
  return { ...base, integrity: true };
}

/**
 * Signature acceptance validation of the cryptographic constraints (EN 319 102-1 §5.2.8): the
 * digest, the signature's hash and the signer's key under the algorithm policy at `at`, with
 * `proofOfExistence` (best-signature-time) meeting a sunset. Returns the INDETERMINATE /
 * CRYPTO_CONSTRAINTS_FAILURE report naming the broken rule, or undefined when they are acceptable.
 */
export function checkSignerAlgorithms(
  intact: IntactSigner,
  at: Date,
  proofOfExistence: Date | undefined,
  policy: AlgorithmPolicy = DEFAULT_ALGORITHM_POLICY,
): SignerReport | undefined {
  const si = intact.signerInfo;
  const digest = hashFromOid(si.digestAlgorithm.oid);
  const scheme = signatureScheme(si.signatureAlgorithm, digest);
  const uses: AlgorithmUse[] = [{ kind: 'hash', hash: digest }, keyUse(intact.signer.spki)];
  if ('hash' in scheme) uses.push({ kind: 'hash', hash: scheme.hash });
  for (const use of uses) {
    const check = checkAlgorithm(use, at, proofOfExistence, policy);
    if (!check.ok)
      return failedReport('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `Signature intact; ${check.message}`, {
        ...intact,
        policyRule: check.rule.name,
      });
  }
  return undefined;
}

/**
 * The signer's certificate path (RFC 5280 §6) at `at`: with the certificates, CRLs and OCSP
 * responses of the SignedData (RFC 5940), plus those of `options` unless `embeddedOnly`. The
 * algorithms of the CRLs and OCSP responses are judged at `revocationAlgorithmTime` (default
 * `at`): the present when `at` is a proof of existence of the signature but not of them.
 */
export function validateSignerPath(
  signer: Certificate,
  sd: SignedData,
  options: SignedDataVerifyOptions,
  at: Date,
  embeddedOnly: boolean,
  engine: CryptoEngine,
  revocationAlgorithmTime: Date = at,
): PathValidationResult {
  return validatePath({
    trustAnchors: options.trustAnchors ?? [],
    target: signer,
    intermediates: embeddedOnly ? sd.certificates : [...sd.certificates, ...(options.intermediates ?? [])],
    crls: embeddedOnly ? sd.crls : [...sd.crls, ...(options.crls ?? [])],
    ocspResponses: embeddedOnly ? sd.ocspResponses : [...sd.ocspResponses, ...(options.ocspResponses ?? [])],
    time: at,
    revocation: options.revocation ?? 'any',
    ...(options.conformance === undefined ? {} : { conformance: options.conformance }),
    ...(options.revocationAuthority === undefined ? {} : { revocationAuthority: options.revocationAuthority }),
    ...(options.algorithmPolicy === undefined ? {} : { algorithmPolicy: options.algorithmPolicy }),
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    revocationAlgorithmTime,
    engine,
  });
}

/** The report of an intact signer whose trust was not assessed, or whose path failed. */
export function untrustedReport(
  intact: IntactSigner,
  path: PathValidationResult | undefined,
  extra: Partial<SignerReport> = {},
): SignerReport {
  if (path === undefined) {
    return {
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
      message: 'Signature intact; no trust anchors were given.',
      chain: [intact.signer],
      trusted: false,
      ...intact,
      ...extra,
    };
  }
  return {
    ...pathToReport(path),
    message: `Signature intact; certificate path: ${path.message ?? path.reason ?? ''}`,
    ...(path.policyRule === undefined ? {} : { policyRule: path.policyRule }),
    chain: path.chain,
    trusted: false,
    path,
    ...intact,
    ...extra,
  };
}

const RANK: Record<Indication, number> = { TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2 };

/**
 * Reads a CMS SignedData and reports on each SignerInfo with `verifySigner`; the report
 * is the worst signer's, with all of them in `signers`. Never throws: unreadable input, more
 * than `maxSignerInfos` SignerInfos, or BER where `encoding` requires DER, is TOTAL_FAILED /
 * FORMAT_FAILURE.
 */
export function verifySignerInfos(
  cms: Uint8Array,
  options: Pick<SignedDataVerifyOptions, 'detachedContent' | 'maxSignerInfos' | 'encoding'>,
  verifySigner: (sd: SignedData, si: SignerInfo, content: Uint8Array | undefined) => SignerReport,
): CmsVerificationReport {
  const maxSignerInfos = options.maxSignerInfos ?? MAX_SIGNER_INFOS;
  const tooMany = (count: number): string =>
    `SignedData holds ${count} SignerInfos, more than the ${maxSignerInfos} verified (maxSignerInfos); none was verified.`;
  // Counted before anything is parsed: 2,000 SignerInfos cost neither their parsing nor their checks.
  const count = countSignerInfos(cms);
  if (count !== undefined && count > maxSignerInfos)
    return { ...failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', tooMany(count)), signers: [] };
  let sd: SignedData;
  try {
    sd = readSignedData(cms);
  } catch (e) {
    return {
      ...failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', e instanceof Error ? e.message : 'Unreadable CMS.'),
      signers: [],
    };
  }
  // openssl, pdfsig, pyHanko and EU DSS refuse such a signature; that its bytes verify must not make it valid here.
  if (sd.derViolation !== undefined && (options.encoding ?? 'der') === 'der')
    return {
      ...failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', `The CMS is not DER (X.690 §10): ${sd.derViolation}.`),
      signers: [],
      signedData: sd,
    };
  if (sd.signerInfos.length === 0)
    return {
      ...failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', 'SignedData has no SignerInfo.'),
      signers: [],
      signedData: sd,
    };
  if (sd.signerInfos.length > maxSignerInfos)
    return {
      ...failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', tooMany(sd.signerInfos.length)),
      signers: [],
      signedData: sd,
    };
  const content = sd.content ?? options.detachedContent;
  const signers = sd.signerInfos.map((si) => {
    try {
      return verifySigner(sd, si, content);
    } catch (e) {
      return failedReport('TOTAL_FAILED', 'FORMAT_FAILURE', e instanceof Error ? e.message : 'Unreadable SignerInfo.', {
        signerInfo: si,
      });
    }
  });
  const worst = signers.reduce((a, b) => (RANK[b.indication] > RANK[a.indication] ? b : a));
  return { ...worst, signers, signedData: sd };
}

/**
 * Verifies a CMS SignedData (RFC 5652 §5.6) without following time-stamps: each signer's
 * integrity and its certificate path at the validation time. What the time-stamp verifier
 * uses for a token's own signature; documents are verified with `verifyCms` (CAdES).
 */
export function verifySignedData(cms: Uint8Array, options: SignedDataVerifyOptions = {}): CmsVerificationReport {
  const engine = options.engine ?? nodeCryptoEngine;
  const time = options.time ?? (options.clock ?? systemClock).now();
  return verifySignerInfos(cms, options, (sd, si, content) => {
    const intact = checkSignerIntegrity(sd, si, content, options, engine);
    if (isSignerFailure(intact)) return intact;
    const weak = checkSignerAlgorithms(intact, time, undefined, options.algorithmPolicy);
    if (weak !== undefined) return weak;
    if (options.trustAnchors === undefined || options.trustAnchors.length === 0)
      return untrustedReport(intact, undefined);
    const path = validateSignerPath(intact.signer, sd, options, time, false, engine);
    if (!path.valid) return untrustedReport(intact, path);
    return {
      indication: 'TOTAL_PASSED',
      message: 'Signature intact and the signer certificate validates.',
      chain: path.chain,
      trusted: true,
      path,
      ...intact,
    };
  });
}
