import { createHash } from 'node:crypto';
import { ctx, int, octets, oid, seq, tlv } from '../der/writer.ts';
import { OID } from '../oids.ts';
import { hashOf, signatureAlgorithmIdentifier, type Signer } from '../signer.ts';
import { HASH_OIDS } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';
import { contentTypeAttribute, messageDigestAttribute, signingCertificateV2Attribute } from './attributes.ts';

/** What an encapsulating SignedData with one signer holds (RFC 5652 §5.1). */
export interface EncapsulatedSignedDataInput {
  /** eContentType, e.g. id-ct-TSTInfo. */
  readonly contentType: string;
  /** eContent: the DER of the signed structure. */
  readonly content: Uint8Array;
  readonly certificate: Certificate;
  readonly signer: Signer;
  /** Certificates to carry in SignedData.certificates; empty when the requester did not ask for them. */
  readonly certificates: readonly Certificate[];
  /** Further signed attributes (complete DER Attributes). */
  readonly extraSignedAttributes?: readonly Uint8Array[];
}

/**
 * Builds a ContentInfo with an encapsulating SignedData and one SignerInfo
 * (RFC 5652 §5): signed attributes content-type, message-digest and
 * signing-certificate-v2 (RFC 5035), as RFC 3161 §2.4.2 requires of a
 * time-stamp token.
 */
export async function buildEncapsulatedSignedData(input: EncapsulatedSignedDataInput): Promise<Uint8Array> {
  const hash = hashOf(input.signer.algorithm);
  const digestAlgorithm = seq(oid(HASH_OIDS[hash]));
  const attrs = [
    contentTypeAttribute(input.contentType),
    messageDigestAttribute(createHash(hash).update(input.content).digest()),
    signingCertificateV2Attribute(input.certificate, createHash('sha256').update(input.certificate.der).digest()),
    ...(input.extraSignedAttributes ?? []),
  ].sort((a, b) => Buffer.compare(a, b));
  const signedAttrs = tlv(0x31, ...attrs);
  const signature = await input.signer.sign(signedAttrs);
  const implicitAttrs = signedAttrs.slice();
  implicitAttrs[0] = 0xa0;
  const sid = seq(input.certificate.issuer.der, tlv(0x02, input.certificate.serialNumber));
  const signerInfo = seq(
    int(1),
    sid,
    digestAlgorithm,
    implicitAttrs,
    signatureAlgorithmIdentifier(input.signer.algorithm),
    octets(signature),
  );
  const encap = seq(oid(input.contentType), ctx(0, octets(input.content)));
  const certs = input.certificates.length === 0 ? [] : [tlv(0xa0, ...input.certificates.map((c) => c.der))];
  // RFC 5652 §5.1: version 3 when eContentType is not id-data.
  const version = input.contentType === OID.data ? 1 : 3;
  const signedData = seq(int(version), tlv(0x31, digestAlgorithm), encap, ...certs, tlv(0x31, signerInfo));
  return seq(oid(OID.signedData), ctx(0, signedData));
}
