import { createHash } from 'node:crypto';
import {
  TagClass,
  content,
  encoded,
  explicit,
  is,
  parseDer,
  readBitString,
  readSmallInt,
  readTime,
  sequence,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from './algorithm.ts';
import {
  readAltName,
  readAuthorityKeyIdentifier,
  readBasicConstraints,
  readCertificatePolicies,
  readExtKeyUsage,
  readExtensions,
  readInhibitAnyPolicy,
  readKeyUsage,
  readNameConstraints,
  readPolicyConstraints,
  readPolicyMappings,
  readSubjectKeyIdentifier,
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type Extension,
  type NameConstraints,
  type PolicyConstraints,
  type PolicyInformation,
  type PolicyMapping,
} from './extensions.ts';
import { readCrlDistributionPoints, type DistributionPoint } from './distribution-points.ts';
import { readInfoAccess, type AccessDescription } from './info-access.ts';
import type { GeneralName } from './general-name.ts';
import { readName, type Name } from './name.ts';

/**
 * A parsed X.509 v1–v3 certificate (RFC 5280 §4.1) with the extensions of
 * RFC 5280 §4.2 that path validation uses already decoded.
 */
export interface Certificate {
  readonly der: Uint8Array;
  /** DER of tbsCertificate, the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** SHA-256 of the DER, hex: identity for loop detection and caches. */
  readonly fingerprint: string;
  readonly version: number;
  /** Content octets of the serialNumber INTEGER (two's complement, as encoded). */
  readonly serialNumber: Uint8Array;
  readonly serialHex: string;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  readonly extensions: readonly Extension[];
  readonly basicConstraints?: BasicConstraints;
  /** keyUsage as a bit mask (bit i = KeyUsageBit i), absent when the extension is. */
  readonly keyUsage?: number;
  readonly extKeyUsage?: readonly string[];
  readonly certificatePolicies?: readonly PolicyInformation[];
  readonly policyMappings?: readonly PolicyMapping[];
  readonly policyConstraints?: PolicyConstraints;
  readonly inhibitAnyPolicy?: number;
  readonly nameConstraints?: NameConstraints;
  readonly subjectAltName?: readonly GeneralName[];
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  readonly crlDistributionPoints?: readonly DistributionPoint[];
  readonly freshestCrl?: readonly DistributionPoint[];
  /** authorityInfoAccess (RFC 5280 §4.2.2.1): where the issuer's certificate and the OCSP responder are. */
  readonly authorityInfoAccess?: readonly AccessDescription[];
}

/** Extensions this library processes; any other critical extension fails path validation (RFC 5280 §6.1.4 (o)). */
export const RECOGNISED_CERTIFICATE_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.nameConstraints,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.cRLDistributionPoints,
  OID.freshestCRL,
  OID.authorityInfoAccess,
  OID.subjectInfoAccess,
]);

/**
 * Parses a DER certificate (RFC 5280 §4.1). Throws PkiError MALFORMED on any
 * structural error, including malformed recognised extensions.
 */
export function readCertificate(der: Uint8Array): Certificate {
  try {
    return parse(Uint8Array.from(der));
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'Certificate could not be parsed.', { cause: e });
  }
}

function parse(der: Uint8Array): Certificate {
  const [tbsNode, algNode, sigNode, ...extra] = sequence(parseDer(der), 'Certificate');
  if (extra.length > 0) throw new PkiError('MALFORMED', 'Certificate has extra fields.');
  const tbsParts = sequence(tbsNode, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (tbsParts[0] !== undefined && is(tbsParts[0], 0, TagClass.context)) {
    version = readSmallInt(explicit(tbsParts[0]), 'version') + 1;
    i++;
  }
  const serialNode = tbsParts[i++];
  if (serialNode === undefined || !is(serialNode, 0x02)) throw new PkiError('MALFORMED', 'Missing serialNumber.');
  const serialNumber = Uint8Array.from(content(serialNode));
  const tbsSignatureAlgorithm = readAlgorithmIdentifier(tbsParts[i++]);
  const issuer = readName(tbsParts[i++]);
  const [nb, na] = sequence(tbsParts[i++], 'Validity');
  const notBefore = readTime(nb, 'notBefore');
  const notAfter = readTime(na, 'notAfter');
  const subject = readName(tbsParts[i++]);
  const spkiNode = tbsParts[i++];
  const [pkAlg] = sequence(spkiNode, 'SubjectPublicKeyInfo');
  const publicKeyAlgorithm = readAlgorithmIdentifier(pkAlg);
  let extensions: Extension[] = [];
  // issuerUniqueID [1] and subjectUniqueID [2] (primitive BIT STRINGs), then extensions [3], each once and in this
  // order; any other field would be skipped unread, hiding what it holds (RFC 5280 §4.1).
  let lastTag = 0;
  for (; i < tbsParts.length; i++) {
    const n = tbsParts[i]!;
    if (n.cls !== TagClass.context || n.tag <= lastTag || n.tag > 3 || n.constructed !== (n.tag === 3))
      throw new PkiError('MALFORMED', 'Unexpected field in TBSCertificate.');
    lastTag = n.tag;
    if (n.tag === 3) {
      if (version !== 3) throw new PkiError('MALFORMED', 'Extensions in a certificate that is not v3.');
      extensions = readExtensions(explicit(n));
    }
  }
  const cert: Record<string, unknown> = {
    der,
    tbs: encoded(tbsNode!),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    version,
    serialNumber,
    serialHex: Buffer.from(serialNumber).toString('hex'),
    signatureAlgorithm: readAlgorithmIdentifier(algNode),
    tbsSignatureAlgorithm,
    signatureValue: readBitString(sigNode, 'signatureValue').bytes,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: encoded(spkiNode!),
    publicKeyAlgorithm,
    extensions,
  };
  for (const ext of extensions) {
    const v = ext.value;
    switch (ext.oid) {
      case OID.basicConstraints:
        cert.basicConstraints = readBasicConstraints(v);
        break;
      case OID.keyUsage:
        cert.keyUsage = readKeyUsage(v);
        break;
      case OID.extKeyUsage:
        cert.extKeyUsage = readExtKeyUsage(v);
        break;
      case OID.certificatePolicies:
        cert.certificatePolicies = readCertificatePolicies(v);
        break;
      case OID.policyMappings:
        cert.policyMappings = readPolicyMappings(v);
        break;
      case OID.policyConstraints:
        cert.policyConstraints = readPolicyConstraints(v);
        break;
      case OID.inhibitAnyPolicy:
        cert.inhibitAnyPolicy = readInhibitAnyPolicy(v);
        break;
      case OID.nameConstraints:
        cert.nameConstraints = readNameConstraints(v);
        break;
      case OID.subjectAltName:
        cert.subjectAltName = readAltName(v);
        break;
      case OID.subjectKeyIdentifier:
        cert.subjectKeyIdentifier = readSubjectKeyIdentifier(v);
        break;
      case OID.authorityKeyIdentifier:
        cert.authorityKeyIdentifier = readAuthorityKeyIdentifier(v);
        break;
      case OID.cRLDistributionPoints:
        cert.crlDistributionPoints = readCrlDistributionPoints(v);
        break;
      case OID.freshestCRL:
        cert.freshestCrl = readCrlDistributionPoints(v);
        break;
      case OID.authorityInfoAccess:
        cert.authorityInfoAccess = readInfoAccess(v);
        break;
      default:
        break;
    }
  }
  return cert as unknown as Certificate;
}

/** True when subject and issuer names match (RFC 5280 §6.1: "self-issued"). */
export function isSelfIssued(cert: Certificate): boolean {
  return cert.subject.key === cert.issuer.key;
}

/** True when the certificate is a CA certificate (basicConstraints cA = TRUE, RFC 5280 §4.2.1.9). */
export function isCa(cert: Certificate): boolean {
  return cert.basicConstraints?.ca === true;
}

/** True when keyUsage is absent or asserts bit `bit` (RFC 5280 §4.2.1.3). */
export function allowsKeyUsage(cert: Certificate, bit: number): boolean {
  return cert.keyUsage === undefined || (cert.keyUsage & (1 << bit)) !== 0;
}
