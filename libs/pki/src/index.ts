/**
 * Public API of @lienthong/pki: X.509 and its path validation, CRLs, OCSP, time-stamps,
 * CMS/CAdES signatures, PKCS#8/#12 keys. Pure: no network, no files; the crypto engine and
 * the clock are passed in (node:crypto and the system clock by default).
 * PDF signatures live in @lienthong/pades, the PDF layer in @lienthong/pdf.
 */

// Foundations: errors, clock, object identifiers, the crypto engine, PEM, the DER reader
export * from './errors.ts';
export * from './clock.ts';
export * from './oids.ts';
export * from './crypto-engine.ts';
export * from './pem.ts';
export { derViolation, readNode, type DerNode, type EncodingPolicy } from './der/reader.ts';

// Keys and signers: key pairs, PKCS#8 (RFC 5958; PBES2 at a chosen cost, RFC 8018), PKCS#12 (RFC 7292), signers (node:crypto or a token)
export * from './keys.ts';
export * from './pkcs8/pbes2.ts';
export * from './pkcs12/read.ts';
export * from './signer.ts';

// X.509 certificates (RFC 5280 §4): names, extensions, reading, issuing, the project's profiles
export * from './x509/algorithm.ts';
export * from './x509/name.ts';
export * from './x509/name-builder.ts';
export * from './x509/general-name.ts';
export * from './x509/extensions.ts';
export * from './x509/distribution-points.ts';
export * from './x509/info-access.ts';
export * from './x509/extension-builder.ts';
export * from './x509/certificate.ts';
export * from './x509/certificate-builder.ts';
export * from './x509/certificate-profiles.ts';
export * from './x509/certificate-summary.ts';

// Certification requests (RFC 2986 PKCS #10): read, with the proof of possession verified; built for a key signing elsewhere
export * from './pkcs10/certification-request.ts';
export * from './pkcs10/certification-request-builder.ts';

// CRLs (RFC 5280 §5)
export * from './crl/crl.ts';
export * from './crl/crl-builder.ts';

// Certification path validation (RFC 5280 §6)
export * from './path/validate.ts';
export * from './policy/algorithm-policy.ts';

// OCSP (RFC 6960): requests, responses, the responder, verification
export * from './ocsp/cert-id.ts';
export * from './ocsp/request.ts';
export * from './ocsp/response.ts';
export * from './ocsp/responder.ts';
export * from './ocsp/verify.ts';

// CMS SignedData (RFC 5652): reading, attributes, building, verification without time-stamps
export * from './cms/signed-data.ts';
export * from './cms/attributes.ts';
export * from './cms/unsigned-attributes.ts';
export * from './cms/signed-data-builder.ts';
export {
  failedReport,
  type CadesLevel,
  type CmsVerificationReport,
  type Indication,
  type SignerReport,
  type SubIndication,
  type TimestampReport,
} from './cms/verification-report.ts';
export { verifySignedData, type SignedDataVerifyOptions } from './cms/verify.ts';
export * from './cms/report-summary.ts';

// Time-stamps (RFC 3161): requests, tokens, the TSA, verification
export * from './tsp/message-imprint.ts';
export * from './tsp/request.ts';
export * from './tsp/tst-info.ts';
export * from './tsp/response.ts';
export * from './tsp/responder.ts';
export * from './tsp/verify.ts';

// CAdES (ETSI EN 319 122-1): B-B … B-LTA signing and verification with time-stamps
export * from './cades/sign.ts';
export * from './cades/verify.ts';
export * from './cades/signed-data-nodes.ts';
export * from './cades/validation-data.ts';
export * from './cades/timestamps.ts';
export * from './cades/archive-timestamp.ts';
export * from './cades/verify-timestamps.ts';
