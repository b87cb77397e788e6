import { content, expect, is, parseDer, readOctetString, readOid, readTime, sequence } from '../der/reader.ts';
import { ctx, octets, oid, seq, setOf, time, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { hashFromOid, readAlgorithmIdentifier, type HashName } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';
import { readGeneralNames } from '../x509/general-name.ts';
import type { CmsAttribute } from './signed-data.ts';

/** Encodes one Attribute with a single value (RFC 5652 §5.3). */
export function encodeAttribute(type: string, value: Uint8Array): Uint8Array {
  return seq(oid(type), setOf(value));
}

/** content-type attribute (RFC 5652 §11.1). */
export const contentTypeAttribute = (contentType: string): Uint8Array =>
  encodeAttribute(OID.contentType, oid(contentType));

/** message-digest attribute (RFC 5652 §11.2). */
export const messageDigestAttribute = (digest: Uint8Array): Uint8Array =>
  encodeAttribute(OID.messageDigest, octets(digest));

/** signing-time attribute (RFC 5652 §11.3): UTCTime through 2049. */
export const signingTimeAttribute = (at: Date): Uint8Array => encodeAttribute(OID.signingTime, time(at));

/**
 * signing-certificate-v2 attribute (RFC 5035 §3, ETSI EN 319 122-1 §5.2.2.3):
 * one ESSCertIDv2 with SHA-256 (the DEFAULT, so hashAlgorithm is omitted in
 * DER) and issuerSerial binding the issuer name and serial number.
 */
export function signingCertificateV2Attribute(cert: Certificate, certHash: Uint8Array): Uint8Array {
  const issuerSerial = seq(seq(ctx(4, cert.issuer.der)), tlv(0x02, cert.serialNumber));
  return encodeAttribute(OID.signingCertificateV2, seq(seq(seq(octets(certHash), issuerSerial))));
}

/** The values of one attribute type, or undefined when absent. Several occurrences are malformed (RFC 5652 §5.3). */
export function attributeValues(
  attrs: readonly CmsAttribute[] | undefined,
  type: string,
): readonly Uint8Array[] | undefined {
  const found = (attrs ?? []).filter((a) => a.oid === type);
  if (found.length > 1) throw new PkiError('MALFORMED', `Attribute ${type} appears more than once.`);
  return found[0]?.values;
}

/** The single value of an attribute that must have exactly one. */
export function singleValue(attrs: readonly CmsAttribute[] | undefined, type: string): Uint8Array | undefined {
  const v = attributeValues(attrs, type);
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new PkiError('MALFORMED', `Attribute ${type} must have one value.`);
  return v[0];
}

/** Reads content-type. */
export const readContentType = (v: Uint8Array): string => readOid(parseDer(v));
/** Reads message-digest. */
export const readMessageDigest = (v: Uint8Array): Uint8Array => Uint8Array.from(readOctetString(parseDer(v)));
/** Reads signing-time. */
export const readSigningTime = (v: Uint8Array): Date => readTime(parseDer(v));

/** The first ESSCertID(v2) of signing-certificate(-v2) (RFC 2634 §5.4, RFC 5035 §4). */
export interface EssCertId {
  readonly hash: HashName;
  readonly certHash: Uint8Array;
  readonly issuerSerial?: { readonly issuerKeys: readonly string[]; readonly serialNumber: Uint8Array };
}

/** Reads the first ESSCertID of a signing-certificate (v1: SHA-1) or signing-certificate-v2 value. */
export function readEssCertId(value: Uint8Array, v2: boolean): EssCertId {
  const [certs] = sequence(parseDer(value), 'SigningCertificate');
  const [first] = sequence(certs, 'certs');
  const parts = sequence(first, 'ESSCertID');
  let i = 0;
  let hash: HashName = v2 ? 'sha256' : 'sha1';
  if (v2 && parts[0] !== undefined && is(parts[0], 0x10)) hash = hashFromOid(readAlgorithmIdentifier(parts[i++]).oid);
  const certHash = Uint8Array.from(content(expect(parts[i++], 0x04, 'certHash')));
  const isNode = parts[i];
  if (isNode === undefined) return { hash, certHash };
  const [names, serial] = sequence(isNode, 'IssuerSerial');
  if (names === undefined) throw new PkiError('MALFORMED', 'IssuerSerial without issuer.');
  const issuerKeys = readGeneralNames(names).flatMap((g) => (g.kind === 'directory' ? [g.value.key] : []));
  return {
    hash,
    certHash,
    issuerSerial: { issuerKeys, serialNumber: Uint8Array.from(content(expect(serial, 0x02, 'serialNumber'))) },
  };
}
