import { systemClock, type Clock } from './clock.ts';
import { attributeValues, readContentType, readEssCertId, readMessageDigest, readSigningTime, singleValue } from './cms/attributes.ts';
import { readSignedData, type SignedData, type SignerInfo } from './cms/signed-data.ts';
import { nodeCryptoEngine, type CryptoEngine } from './crypto-engine.ts';
import { isPkiError } from './errors.ts';
import { OID } from './oids.ts';
import { validatePath, type PathValidationResult, type RevocationPolicy, type TrustAnchor } from './path-validation.ts';
import { evaluateTimestamps, type TimestampEvaluation } from './cades/verify-timestamps.ts';
import type { BasicOcspResponse } from './ocsp/response.ts';
import { hashFromOid, signatureScheme, type HashName } from './x509/algorithm.ts';
import { allowsKeyUsage, readCertificate, type Certificate } from './certificate.ts';
import { KeyUsageBit } from './x509/extensions.ts';
import { keyIdentifier } from './x509/extension-builder.ts';
import type { Crl } from './crl.ts';
import { fail, pathToReport, type CadesLevel, type CmsVerificationReport, type Indication, type SignerReport } from './cms/verification-report.ts';

export type { CadesLevel, CmsVerificationReport, Indication, SignerReport, SubIndication } from './cms/verification-report.ts';

/** Inputs of verification. */
export interface CmsVerifyOptions {
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
  /** Verify signature-time-stamp and archive-time-stamp-v3 attributes (EN 319 122-1 §5.3, §5.5.3); default true. */
  readonly evaluateTimestamps?: boolean;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function findSigner(si: SignerInfo, certs: readonly Certificate[]): Certificate | undefined {
  const sid = si.sid;
  // Certificates without the extension are matched on the RFC 5280 §4.2.1.2 method (1) identifier.
  if ('subjectKeyIdentifier' in sid) return certs.find((c) => equalBytes(c.subjectKeyIdentifier ?? keyIdentifier(c.spki), sid.subjectKeyIdentifier));
  return certs.find((c) => c.issuer.key === sid.issuer.key && equalBytes(c.serialNumber, sid.serialNumber));
}

function verifySigner(cms: Uint8Array, sd: SignedData, si: SignerInfo, content: Uint8Array | undefined, options: CmsVerifyOptions, engine: CryptoEngine): SignerReport {
  const certs = [...sd.certificates, ...(options.intermediates ?? []).map((c) => (c instanceof Uint8Array ? readCertificate(c) : c))];
  const signer = findSigner(si, certs);
  if (content === undefined) return fail('INDETERMINATE', 'SIGNED_DATA_NOT_FOUND', 'Detached signature and no content given.', { signerInfo: si });
  if (signer === undefined) return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', 'The signer certificate is not in the message.', { signerInfo: si });
  let hash: HashName;
  try {
    hash = hashFromOid(si.digestAlgorithm.oid);
  } catch {
    return fail('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `Unsupported digest ${si.digestAlgorithm.oid}.`, { signer, signerInfo: si });
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
    if (ct === undefined || md === undefined) return fail('TOTAL_FAILED', 'FORMAT_FAILURE', 'Signed attributes lack content-type or message-digest (RFC 5652 §5.3).', { signer, signerInfo: si });
    if (readContentType(ct) !== sd.contentType) return fail('TOTAL_FAILED', 'FORMAT_FAILURE', 'content-type attribute differs from eContentType (RFC 5652 §11.1).', { signer, signerInfo: si });
    if (!equalBytes(readMessageDigest(md), contentDigest)) return fail('TOTAL_FAILED', 'HASH_FAILURE', 'The message digest does not match the content.', { signer, signerInfo: si });
    const st = singleValue(attrs, OID.signingTime);
    if (st !== undefined) signingTime = readSigningTime(st);
    signedBytes = si.signedAttributesDer;
    const v2 = attributeValues(attrs, OID.signingCertificateV2);
    const v1 = attributeValues(attrs, OID.signingCertificate);
    hasV2 = v2 !== undefined;
    const value = v2?.[0] ?? v1?.[0];
    if (value !== undefined) {
      const id = readEssCertId(value, v2 !== undefined);
      const serialOk = id.issuerSerial === undefined || (equalBytes(id.issuerSerial.serialNumber, signer.serialNumber) && id.issuerSerial.issuerKeys.includes(signer.issuer.key));
      bound = equalBytes(engine.digest(id.hash, signer.der), id.certHash) && serialOk;
      if (!bound) return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', 'signing-certificate attribute does not identify the signer certificate (RFC 5035).', { signer, signerInfo: si });
    }
  } else if (sd.contentType !== OID.data) {
    return fail('TOTAL_FAILED', 'FORMAT_FAILURE', 'Signed attributes are required for content other than id-data (RFC 5652 §5.3).', { signer, signerInfo: si });
  }
  let ok: boolean;
  try {
    ok = engine.verify(signatureScheme(si.signatureAlgorithm, hash), signer.spki, signedBytes, si.signature);
  } catch (e) {
    if (isPkiError(e, 'UNSUPPORTED_ALGORITHM')) return fail('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', e.message, { signer, signerInfo: si });
    throw e;
  }
  const base = { signer, signerInfo: si, signingCertificateBound: bound, isCadesBaselineB: hasV2 && bound, ...(signingTime === undefined ? {} : { signingTime }) };
  if (!ok) return fail('TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', 'The signature value does not verify with the signer certificate key.', base);
  if (options.requireBaselineB === true && !base.isCadesBaselineB) return fail('TOTAL_FAILED', 'FORMAT_FAILURE', 'Not a CAdES-B-B signature: signing-certificate-v2 is missing (EN 319 122-1 §6.3).', { ...base, integrity: true });
  if (!allowsKeyUsage(signer, KeyUsageBit.digitalSignature) && !allowsKeyUsage(signer, KeyUsageBit.nonRepudiation)) {
    return fail('INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE', 'The signer certificate keyUsage allows neither digitalSignature nor nonRepudiation (RFC 5280 §4.2.1.3).', { ...base, integrity: true });
  }
  const time = options.time ?? (options.clock ?? systemClock).now();
  const ts = options.evaluateTimestamps === false ? { timestamps: [] } : evaluateTimestamps(cms, sd, si, content, options, engine, time);
  const withTs = { ...base, timestamps: ts.timestamps, ...(ts.bestSignatureTime === undefined ? {} : { bestSignatureTime: ts.bestSignatureTime }) };
  if (options.trustAnchors === undefined || options.trustAnchors.length === 0) {
    return { indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', message: 'Signature intact; no trust anchors were given.', chain: [signer], integrity: true, trusted: false, ...withTs };
  }
  const pathAt = (at: Date, offline: boolean): PathValidationResult =>
    validatePath({
      trustAnchors: options.trustAnchors!,
      target: signer,
      intermediates: offline ? sd.certificates : [...sd.certificates, ...(options.intermediates ?? [])],
      crls: offline ? sd.crls : [...sd.crls, ...(options.crls ?? [])],
      ocspResponses: offline ? sd.ocspResponses : [...sd.ocspResponses, ...(options.ocspResponses ?? [])],
      time: at,
      revocation: options.revocation ?? 'any',
      engine,
    });
  let path = pathAt(time, false);
  let validAt = time;
  // EN 319 102-1 §5.6.3: with a proof of existence before expiry or revocation, validate at best-signature-time.
  if (!path.valid && ts.bestSignatureTime !== undefined && RECOVERABLE_AT_POE.has(path.reason ?? 'MALFORMED')) {
    const atPoe = pathAt(ts.bestSignatureTime, false);
    if (atPoe.valid) {
      path = atPoe;
      validAt = ts.bestSignatureTime;
    }
  }
  if (!path.valid) {
    const r = pathToReport(path);
    return { ...r, message: `Signature intact; certificate path: ${path.message ?? path.reason ?? ''}`, chain: path.chain, integrity: true, trusted: false, path, ...withTs };
  }
  const hasExtra = (options.intermediates?.length ?? 0) + (options.crls?.length ?? 0) + (options.ocspResponses?.length ?? 0) > 0;
  // B-LT: the signer's path and the signature time-stamp validate from the SignedData alone (EN 319 122-1 §6.3).
  const embeddedOnly = { ...options, intermediates: [], crls: [], ocspResponses: [] };
  const offline = (options.revocation ?? 'any') !== 'none' && (!hasExtra || (pathAt(validAt, true).valid && (ts.bestSignatureTime === undefined || evaluateTimestamps(cms, sd, si, content, embeddedOnly, engine, time).bestSignatureTime !== undefined)));
  const level = baselineLevel(base.isCadesBaselineB, ts, offline);
  const at = validAt === time ? '' : ` at the time-stamp's genTime ${validAt.toISOString()}`;
  return { indication: 'TOTAL_PASSED', message: `Signature intact and the signer certificate validates${at}.`, chain: path.chain, integrity: true, trusted: true, path, ...withTs, ...(level === undefined ? {} : { level }) };
}

const RECOVERABLE_AT_POE = new Set<string>(['EXPIRED', 'REVOKED', 'NO_CRL']);

/** The CAdES baseline level the signature reaches (EN 319 122-1 §6.3, §6.4). */
function baselineLevel(isB: boolean, ts: TimestampEvaluation, offline: boolean): CadesLevel | undefined {
  if (!isB) return undefined;
  if (ts.bestSignatureTime === undefined) return 'B-B';
  if (!offline) return 'B-T';
  return ts.archiveTime === undefined ? 'B-LT' : 'B-LTA';
}

const RANK: Record<Indication, number> = { TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2 };

/**
 * Verifies a CMS SignedData (RFC 5652 §5.6) and reports in the terms of ETSI
 * EN 319 102-1: recomputes the message digest over the (detached or
 * encapsulated) content, checks content-type, the signature with node:crypto,
 * the signing-certificate-v2 binding (RFC 5035), the signer's certificate
 * path (RFC 5280 §6) with CRLs and OCSP responses (given or embedded, RFC
 * 5940), the signature-time-stamp and archive-time-stamp-v3 (EN 319 122-1
 * §5.3, §5.5.3) used as proof of existence (EN 319 102-1 §5.6), and the
 * baseline level reached. Never throws: unreadable input is TOTAL_FAILED /
 * FORMAT_FAILURE.
 */
export function verifyCms(cms: Uint8Array, options: CmsVerifyOptions = {}): CmsVerificationReport {
  const engine = options.engine ?? nodeCryptoEngine;
  let sd: SignedData;
  try {
    sd = readSignedData(cms);
  } catch (e) {
    return { ...fail('TOTAL_FAILED', 'FORMAT_FAILURE', e instanceof Error ? e.message : 'Unreadable CMS.'), signers: [] };
  }
  if (sd.signerInfos.length === 0) return { ...fail('TOTAL_FAILED', 'FORMAT_FAILURE', 'SignedData has no SignerInfo.'), signers: [], signedData: sd };
  const content = sd.content ?? options.detachedContent;
  const signers = sd.signerInfos.map((si) => {
    try {
      return verifySigner(cms, sd, si, content, options, engine);
    } catch (e) {
      return fail('TOTAL_FAILED', 'FORMAT_FAILURE', e instanceof Error ? e.message : 'Unreadable SignerInfo.', { signerInfo: si });
    }
  });
  const worst = signers.reduce((a, b) => (RANK[b.indication] > RANK[a.indication] ? b : a));
  return { ...worst, signers, signedData: sd };
}
