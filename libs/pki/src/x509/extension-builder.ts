import { createHash } from 'node:crypto';
import { bool, ctx, ctxPrim, ia5, int, namedBits, octets, oid, seq, tlv, utf8 } from '../der/writer.ts';
import { parseDer, readBitString, sequence } from '../der/reader.ts';
import { OID } from '../oids.ts';
import { KeyUsageBit, type KeyUsage } from './extensions.ts';

/** An extension to put in a certificate or CRL: OID, criticality, DER of extnValue content. */
export interface ExtensionInput {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Encodes Extension (RFC 5280 §4.1). */
export function encodeExtension(e: ExtensionInput): Uint8Array {
  return e.critical ? seq(oid(e.oid), bool(true), octets(e.value)) : seq(oid(e.oid), octets(e.value));
}

/** Key identifier method (1) of RFC 5280 §4.2.1.2: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, key] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
  return createHash('sha1').update(readBitString(key).bytes).digest();
}

/** basicConstraints (RFC 5280 §4.2.1.9), critical. */
export function basicConstraintsExtension(ca: boolean, pathLenConstraint?: number): ExtensionInput {
  const parts = ca ? [bool(true), ...(pathLenConstraint === undefined ? [] : [int(pathLenConstraint)])] : [];
  return { oid: OID.basicConstraints, critical: true, value: seq(...parts) };
}

/** keyUsage (RFC 5280 §4.2.1.3), critical. */
export function keyUsageExtension(usages: readonly KeyUsage[]): ExtensionInput {
  return { oid: OID.keyUsage, critical: true, value: namedBits(usages.map((u) => KeyUsageBit[u])) };
}

/** extKeyUsage (RFC 5280 §4.2.1.12). RFC 3161 §2.3 requires it critical for a TSA. */
export function extKeyUsageExtension(purposes: readonly string[], critical: boolean): ExtensionInput {
  return { oid: OID.extKeyUsage, critical, value: seq(...purposes.map(oid)) };
}

/** subjectKeyIdentifier (RFC 5280 §4.2.1.2). */
export function subjectKeyIdentifierExtension(spki: Uint8Array): ExtensionInput {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octets(keyIdentifier(spki)) };
}

/** authorityKeyIdentifier with keyIdentifier (RFC 5280 §4.2.1.1). */
export function authorityKeyIdentifierExtension(keyId: Uint8Array): ExtensionInput {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: seq(ctxPrim(0, keyId)) };
}

/** certificatePolicies (RFC 5280 §4.2.1.4), policy OIDs without qualifiers, or with a CPS URI. */
export function certificatePoliciesExtension(policies: readonly string[], cpsUri?: string): ExtensionInput {
  const qualifier = cpsUri === undefined ? [] : [seq(seq(oid('1.3.6.1.5.5.7.2.1'), ia5(cpsUri)))];
  return {
    oid: OID.certificatePolicies,
    critical: false,
    value: seq(...policies.map((p) => seq(oid(p), ...qualifier))),
  };
}

/** subjectAltName with rfc822Name / dNSName / URI entries (RFC 5280 §4.2.1.6). */
export function subjectAltNameExtension(names: {
  email?: readonly string[];
  dns?: readonly string[];
  uri?: readonly string[];
}): ExtensionInput {
  const parts = [
    ...(names.email ?? []).map((e) => tlv(0x81, Buffer.from(e, 'latin1'))),
    ...(names.dns ?? []).map((e) => tlv(0x82, Buffer.from(e, 'latin1'))),
    ...(names.uri ?? []).map((e) => tlv(0x86, Buffer.from(e, 'latin1'))),
  ];
  return { oid: OID.subjectAltName, critical: false, value: seq(...parts) };
}

/** cRLDistributionPoints with one full-name URI each (RFC 5280 §4.2.1.13). */
export function crlDistributionPointsExtension(uris: readonly string[]): ExtensionInput {
  return {
    oid: OID.cRLDistributionPoints,
    critical: false,
    value: seq(...uris.map((u) => seq(ctx(0, ctx(0, tlv(0x86, Buffer.from(u, 'latin1'))))))),
  };
}

/** authorityInfoAccess with caIssuers and/or OCSP URIs (RFC 5280 §4.2.2.1). */
export function authorityInfoAccessExtension(access: {
  ocsp?: readonly string[];
  caIssuers?: readonly string[];
}): ExtensionInput {
  const ad = (method: string, uri: string): Uint8Array => seq(oid(method), tlv(0x86, Buffer.from(uri, 'latin1')));
  return {
    oid: OID.authorityInfoAccess,
    critical: false,
    value: seq(
      ...(access.ocsp ?? []).map((u) => ad('1.3.6.1.5.5.7.48.1', u)),
      ...(access.caIssuers ?? []).map((u) => ad('1.3.6.1.5.5.7.48.2', u)),
    ),
  };
}

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1) for an OCSP responder certificate. */
export function ocspNoCheckExtension(): ExtensionInput {
  return { oid: '1.3.6.1.5.5.7.48.1.5', critical: false, value: Uint8Array.of(0x05, 0x00) };
}

/** cRLNumber (RFC 5280 §5.2.3). */
export function crlNumberExtension(n: bigint | number): ExtensionInput {
  return { oid: OID.cRLNumber, critical: false, value: int(n) };
}

/** A free-text extension value for tests (UTF8String), e.g. an unknown critical extension. */
export function opaqueExtension(extOid: string, critical: boolean, text: string): ExtensionInput {
  return { oid: extOid, critical, value: utf8(text) };
}
