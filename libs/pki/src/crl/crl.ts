import { createHash } from 'node:crypto';
import {
  TagClass,
  content,
  derViolation,
  encoded,
  explicit,
  is,
  parseDer,
  readBitString,
  readSmallInt,
  readTime,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from '../x509/algorithm.ts';
import { readIssuingDistributionPoint, type IssuingDistributionPoint } from '../x509/distribution-points.ts';
import {
  readAltName,
  readAuthorityKeyIdentifier,
  readExtensions,
  type AuthorityKeyIdentifier,
  type Extension,
} from '../x509/extensions.ts';
import type { GeneralName } from '../x509/general-name.ts';
import { readName, type Name } from '../x509/name.ts';

/** CRLReason (RFC 5280 §5.3.1). */
export const CrlReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

/** One revokedCertificates entry (RFC 5280 §5.1.2.6, §5.3). */
export interface RevokedEntry {
  readonly serialHex: string;
  readonly revocationDate: Date;
  readonly reason?: number;
  readonly invalidityDate?: Date;
  /** The certificate issuer this entry applies to (§5.3.3): the CRL issuer unless an earlier entry named another. */
  readonly certificateIssuer: readonly GeneralName[] | undefined;
  readonly hasUnknownCriticalExtension: boolean;
}

/** A parsed CRL (RFC 5280 §5.1) with the CRL extensions of §5.2 decoded. */
export interface Crl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly fingerprint: string;
  readonly version: number;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly issuer: Name;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly entries: readonly RevokedEntry[];
  readonly extensions: readonly Extension[];
  readonly crlNumber?: bigint;
  readonly deltaCrlIndicator?: bigint;
  readonly issuingDistributionPoint?: IssuingDistributionPoint;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  /** A critical CRL extension this library does not process is present (§6.3.3 (j) makes such a CRL unusable). */
  readonly hasUnknownCriticalExtension: boolean;
}

const KNOWN_CRL_EXTENSIONS = new Set<string>([
  OID.cRLNumber,
  OID.authorityKeyIdentifier,
  OID.issuingDistributionPoint,
  OID.deltaCRLIndicator,
  OID.issuerAltName,
  OID.freshestCRL,
  OID.authorityInfoAccess,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set<string>([
  OID.reasonCode,
  OID.invalidityDate,
  OID.certificateIssuer,
  OID.holdInstructionCode,
]);

function bigIntOf(der: Uint8Array): bigint {
  const n = parseDer(der);
  if (!is(n, 0x02)) throw new PkiError('MALFORMED', 'Expected INTEGER.');
  const b = content(n);
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

function readEntry(node: DerNode, previousIssuer: readonly GeneralName[] | undefined): RevokedEntry {
  const [serial, date, exts] = sequence(node, 'revokedCertificate');
  if (serial === undefined || !is(serial, 0x02)) throw new PkiError('MALFORMED', 'Bad userCertificate.');
  const out: {
    serialHex: string;
    revocationDate: Date;
    reason?: number;
    invalidityDate?: Date;
    certificateIssuer: readonly GeneralName[] | undefined;
    hasUnknownCriticalExtension: boolean;
  } = {
    serialHex: Buffer.from(content(serial)).toString('hex'),
    revocationDate: readTime(date, 'revocationDate'),
    certificateIssuer: previousIssuer,
    hasUnknownCriticalExtension: false,
  };
  if (exts !== undefined) {
    for (const ext of readExtensions(exts)) {
      if (ext.oid === OID.reasonCode) {
        const n = parseDer(ext.value);
        if (!is(n, 0x0a) || content(n).length !== 1) throw new PkiError('MALFORMED', 'Bad reasonCode.');
        out.reason = content(n)[0]!;
      } else if (ext.oid === OID.invalidityDate) out.invalidityDate = readTime(parseDer(ext.value), 'invalidityDate');
      else if (ext.oid === OID.certificateIssuer) out.certificateIssuer = readAltName(ext.value);
      else if (ext.critical && !KNOWN_ENTRY_EXTENSIONS.has(ext.oid)) out.hasUnknownCriticalExtension = true;
    }
  }
  return out;
}

/** Parses a DER CRL (RFC 5280 §5.1). Throws PkiError MALFORMED. */
export function readCrl(input: Uint8Array): Crl {
  try {
    const der = Uint8Array.from(input);
    const [tbsNode, algNode, sigNode] = sequence(parseDer(der), 'CertificateList');
    const parts = sequence(tbsNode, 'TBSCertList');
    let i = 0;
    let version = 1;
    if (parts[0] !== undefined && is(parts[0], 0x02)) version = readSmallInt(parts[i++], 'version') + 1;
    readAlgorithmIdentifier(parts[i++]);
    const issuer = readName(parts[i++]);
    const thisUpdate = readTime(parts[i++], 'thisUpdate');
    let nextUpdate: Date | undefined;
    if (parts[i] !== undefined && (is(parts[i]!, 0x17) || is(parts[i]!, 0x18)))
      nextUpdate = readTime(parts[i++], 'nextUpdate');
    const entries: RevokedEntry[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 0x10)) {
      let certIssuer: readonly GeneralName[] | undefined;
      for (const e of sequence(parts[i++], 'revokedCertificates')) {
        const entry = readEntry(e, certIssuer);
        certIssuer = entry.certificateIssuer;
        entries.push(entry);
      }
    }
    let extensions: Extension[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context))
      extensions = readExtensions(explicit(parts[i++]!));
    if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in TBSCertList.');
    const crl: Record<string, unknown> = {
      der,
      tbs: encoded(tbsNode!),
      fingerprint: createHash('sha256').update(der).digest('hex'),
      version,
      signatureAlgorithm: readAlgorithmIdentifier(algNode),
      signatureValue: readBitString(sigNode, 'signatureValue').bytes,
      issuer,
      thisUpdate,
      nextUpdate,
      entries,
      extensions,
      hasUnknownCriticalExtension: false,
    };
    for (const ext of extensions) {
      if (ext.oid === OID.cRLNumber) crl.crlNumber = bigIntOf(ext.value);
      else if (ext.oid === OID.deltaCRLIndicator) crl.deltaCrlIndicator = bigIntOf(ext.value);
      else if (ext.oid === OID.issuingDistributionPoint)
        crl.issuingDistributionPoint = readIssuingDistributionPoint(ext.value);
      else if (ext.oid === OID.authorityKeyIdentifier)
        crl.authorityKeyIdentifier = readAuthorityKeyIdentifier(ext.value);
      else if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.oid)) crl.hasUnknownCriticalExtension = true;
    }
    return crl as unknown as Crl;
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'CRL could not be parsed.', { cause: e });
  }
}

const crlViolations = new WeakMap<Crl, string | null>();

/**
 * The first rule of DER (X.690 §10) the CRL's encoding breaks (RFC 5280 §5.1: a CRL is DER),
 * or undefined. Walked when first asked, not by {@link readCrl}: a large CRL costs the walk
 * only when path validation is about to rely on it.
 */
export function crlDerViolation(crl: Crl): string | undefined {
  let v = crlViolations.get(crl);
  if (v === undefined) {
    try {
      v = derViolation(crl.der) ?? null;
    } catch (e) {
      v = e instanceof Error ? e.message : 'unreadable';
    }
    crlViolations.set(crl, v);
  }
  return v ?? undefined;
}
