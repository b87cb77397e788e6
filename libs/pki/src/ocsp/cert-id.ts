import { createHash } from 'node:crypto';
import { content, expect, readBitString, sequence, parseDer, type DerNode } from '../der/reader.ts';
import { nul, octets, oid, seq, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { HASH_OIDS, hashFromOid, readAlgorithmIdentifier, type HashName } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';

/** CertID (RFC 6960 §4.1.1): which certificate a request or a response speaks of. */
export interface CertId {
  readonly der: Uint8Array;
  readonly hash: HashName;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** Content octets of the serialNumber INTEGER. */
  readonly serialNumber: Uint8Array;
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo (what issuerKeyHash hashes, RFC 6960 §4.1.1). */
export function publicKeyBits(spki: Uint8Array): Uint8Array {
  const [, key] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
  return readBitString(key).bytes;
}

/** Encodes CertID for `serialNumber` issued by `issuer`, with SHA-1 (the common default) or SHA-256. */
export function encodeCertId(issuer: Certificate, serialNumber: Uint8Array, hash: HashName = 'sha1'): Uint8Array {
  const h = (b: Uint8Array): Uint8Array => createHash(hash).update(b).digest();
  return seq(
    seq(oid(HASH_OIDS[hash]), nul()),
    octets(h(issuer.subject.der)),
    octets(h(publicKeyBits(issuer.spki))),
    tlv(0x02, serialNumber),
  );
}

/** Reads CertID (RFC 6960 §4.1.1). */
export function readCertId(node: DerNode | undefined): CertId {
  const parts = sequence(node, 'CertID');
  if (parts.length !== 4) throw new PkiError('MALFORMED', 'CertID has four fields.');
  const hash = hashFromOid(readAlgorithmIdentifier(parts[0]).oid);
  const issuerNameHash = Uint8Array.from(content(expect(parts[1], 0x04, 'issuerNameHash')));
  const issuerKeyHash = Uint8Array.from(content(expect(parts[2], 0x04, 'issuerKeyHash')));
  const serialNumber = Uint8Array.from(content(expect(parts[3], 0x02, 'CertID serialNumber')));
  if (serialNumber.length === 0 || serialNumber.length > 21)
    throw new PkiError('MALFORMED', 'CertID serialNumber out of range.');
  const der = Uint8Array.from(node!.buffer.subarray(node!.start, node!.end));
  return { der, hash, issuerNameHash, issuerKeyHash, serialNumber };
}

/** True when `id` names a certificate of `issuer` (name and key hashes match). */
export function certIdMatchesIssuer(id: CertId, issuer: Certificate): boolean {
  const h = (b: Uint8Array): Buffer => createHash(id.hash).update(b).digest();
  return h(issuer.subject.der).equals(id.issuerNameHash) && h(publicKeyBits(issuer.spki)).equals(id.issuerKeyHash);
}

/** True when `id` names `cert` issued by `issuer`. */
export function certIdMatches(
  id: CertId,
  cert: Certificate,
  issuer: Certificate | { readonly subjectDer: Uint8Array; readonly spki: Uint8Array },
): boolean {
  if (Buffer.compare(id.serialNumber, cert.serialNumber) !== 0) return false;
  const nameDer = 'subjectDer' in issuer ? issuer.subjectDer : issuer.subject.der;
  const h = (b: Uint8Array): Buffer => createHash(id.hash).update(b).digest();
  return h(nameDer).equals(id.issuerNameHash) && h(publicKeyBits(issuer.spki)).equals(id.issuerKeyHash);
}
