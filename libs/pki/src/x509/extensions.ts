import {
  TagClass,
  children,
  content,
  encoded,
  is,
  parseDer,
  readBoolean,
  readOctetString,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { readGeneralName, readGeneralNames, type GeneralName } from './general-name.ts';

/** One Extension (RFC 5280 §4.1): OID, criticality and the DER of extnValue's content. */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Reads the Extensions SEQUENCE. Duplicate extensions are malformed (RFC 5280 §4.2). */
export function readExtensions(node: DerNode): Extension[] {
  const seen = new Set<string>();
  return sequence(node, 'Extensions').map((ext) => {
    const parts = sequence(ext, 'Extension');
    const oid = readOid(parts[0]);
    if (seen.has(oid)) throw new PkiError('MALFORMED', `Duplicate extension ${oid}.`);
    seen.add(oid);
    let i = 1;
    let critical = false;
    if (parts[i] !== undefined && is(parts[i]!, 0x01)) critical = readBoolean(parts[i++]!);
    return { oid, critical, value: Uint8Array.from(readOctetString(parts[i], 'extnValue')) };
  });
}

/** Bits of a BIT STRING content (first octet = unused bits) as a bit mask, bit 0 = most significant. */
export function bitMask(bitStringContent: Uint8Array): number {
  let mask = 0;
  for (let i = 0; i < Math.min(bitStringContent.length - 1, 4) * 8; i++) {
    if ((bitStringContent[1 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0) mask |= 1 << i;
  }
  return mask;
}

/** basicConstraints (RFC 5280 §4.2.1.9). */
export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLenConstraint?: number;
}

/** Reads the basicConstraints extension value (RFC 5280 §4.2.1.9). */
export function readBasicConstraints(der: Uint8Array): BasicConstraints {
  const parts = sequence(parseDer(der), 'BasicConstraints');
  let ca = false;
  let i = 0;
  if (parts[i] !== undefined && is(parts[i]!, 0x01)) ca = readBoolean(parts[i++]!);
  const pathLenConstraint = parts[i] === undefined ? undefined : readSmallInt(parts[i], 'pathLenConstraint');
  return pathLenConstraint === undefined ? { ca } : { ca, pathLenConstraint };
}

/** keyUsage bits (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** A key usage name of RFC 5280 §4.2.1.3. */
export type KeyUsage = keyof typeof KeyUsageBit;

/** Reads the keyUsage extension value (RFC 5280 §4.2.1.3) as a bit mask, bit i = {@link KeyUsageBit}. */
export function readKeyUsage(der: Uint8Array): number {
  const n = parseDer(der);
  if (!is(n, 0x03)) throw new PkiError('MALFORMED', 'keyUsage is not a BIT STRING.');
  return bitMask(content(n));
}

/** extKeyUsage (RFC 5280 §4.2.1.12): KeyPurposeIds. */
export function readExtKeyUsage(der: Uint8Array): string[] {
  return sequence(parseDer(der), 'ExtKeyUsageSyntax').map((n) => readOid(n));
}

/** PolicyInformation (RFC 5280 §4.2.1.4). */
export interface PolicyInformation {
  readonly policy: string;
  readonly qualifiers: readonly Uint8Array[];
}

/** Reads certificatePolicies (RFC 5280 §4.2.1.4); a policy OID appearing twice is malformed. */
export function readCertificatePolicies(der: Uint8Array): PolicyInformation[] {
  const seen = new Set<string>();
  return sequence(parseDer(der), 'certificatePolicies').map((pi) => {
    const [id, q] = sequence(pi, 'PolicyInformation');
    const policy = readOid(id);
    if (seen.has(policy)) throw new PkiError('MALFORMED', `Policy ${policy} appears twice.`);
    seen.add(policy);
    return {
      policy,
      qualifiers: q === undefined ? [] : sequence(q, 'policyQualifiers').map((x) => Uint8Array.from(encoded(x))),
    };
  });
}

/** policyMappings (RFC 5280 §4.2.1.5). */
export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

/** Reads policyMappings (RFC 5280 §4.2.1.5). */
export function readPolicyMappings(der: Uint8Array): PolicyMapping[] {
  return sequence(parseDer(der), 'PolicyMappings').map((m) => {
    const [a, b] = sequence(m, 'PolicyMapping');
    return { issuerDomainPolicy: readOid(a), subjectDomainPolicy: readOid(b) };
  });
}

function implicitInt(n: DerNode): number {
  const b = content(n);
  if (b.length === 0 || b.length > 4 || (b[0]! & 0x80) !== 0) throw new PkiError('MALFORMED', 'Bad skip count.');
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** policyConstraints (RFC 5280 §4.2.1.11). */
export interface PolicyConstraints {
  readonly requireExplicitPolicy?: number;
  readonly inhibitPolicyMapping?: number;
}

/** Reads policyConstraints (RFC 5280 §4.2.1.11): the two SkipCerts values. */
export function readPolicyConstraints(der: Uint8Array): PolicyConstraints {
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  for (const n of sequence(parseDer(der), 'PolicyConstraints')) {
    if (n.cls !== TagClass.context) throw new PkiError('MALFORMED', 'Bad PolicyConstraints.');
    if (n.tag === 0) out.requireExplicitPolicy = implicitInt(n);
    else if (n.tag === 1) out.inhibitPolicyMapping = implicitInt(n);
  }
  return out;
}

/** inhibitAnyPolicy (RFC 5280 §4.2.1.14): SkipCerts. */
export function readInhibitAnyPolicy(der: Uint8Array): number {
  return readSmallInt(parseDer(der), 'SkipCerts');
}

/** nameConstraints (RFC 5280 §4.2.1.10): permitted and excluded subtrees (bases only; min/max unused per the RFC). */
export interface NameConstraints {
  readonly permitted?: readonly GeneralName[];
  readonly excluded?: readonly GeneralName[];
}

/** Reads nameConstraints (RFC 5280 §4.2.1.10). */
export function readNameConstraints(der: Uint8Array): NameConstraints {
  const out: { permitted?: GeneralName[]; excluded?: GeneralName[] } = {};
  for (const n of sequence(parseDer(der), 'NameConstraints')) {
    const subtrees = children(n).map((st) => {
      const parts = sequence(st, 'GeneralSubtree');
      if (parts[0] === undefined) throw new PkiError('MALFORMED', 'Empty GeneralSubtree.');
      return readGeneralName(parts[0]);
    });
    if (n.tag === 0) out.permitted = subtrees;
    else if (n.tag === 1) out.excluded = subtrees;
  }
  return out;
}

/** subjectAltName / issuerAltName (RFC 5280 §4.2.1.6–7). */
export function readAltName(der: Uint8Array): GeneralName[] {
  const n = parseDer(der);
  if (!is(n, 0x10)) throw new PkiError('MALFORMED', 'GeneralNames is not a SEQUENCE.');
  return readGeneralNames(n);
}

/** subjectKeyIdentifier (RFC 5280 §4.2.1.2). */
export function readSubjectKeyIdentifier(der: Uint8Array): Uint8Array {
  return Uint8Array.from(readOctetString(parseDer(der)));
}

/** authorityKeyIdentifier (RFC 5280 §4.2.1.1). */
export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: Uint8Array;
  readonly authorityCertIssuer?: readonly GeneralName[];
  readonly authorityCertSerialNumber?: Uint8Array;
}

/** Reads authorityKeyIdentifier (RFC 5280 §4.2.1.1). */
export function readAuthorityKeyIdentifier(der: Uint8Array): AuthorityKeyIdentifier {
  const out: {
    keyIdentifier?: Uint8Array;
    authorityCertIssuer?: GeneralName[];
    authorityCertSerialNumber?: Uint8Array;
  } = {};
  for (const n of sequence(parseDer(der), 'AuthorityKeyIdentifier')) {
    if (n.tag === 0) out.keyIdentifier = Uint8Array.from(content(n));
    else if (n.tag === 1) out.authorityCertIssuer = readGeneralNames(n);
    else if (n.tag === 2) out.authorityCertSerialNumber = Uint8Array.from(content(n));
  }
  return out;
}
