/**
 * Putting a statement inside the signature the signing service made over it. The signing
 * service's `POST /v1/keys/{id}/signatures` signs a content digest and answers a detached
 * CAdES SignedData (eContentType id-data, RFC 5652 §5.2). The signature covers the signed
 * attributes, whose message-digest is the statement's digest, not the place of the content:
 * so the statement can be put in as eContent afterwards and the signature (and a
 * signature-time-stamp over its value) stays valid. The result is one self-contained
 * evidence: `openssl cms -verify` and `checkEvidence` read the statement from it.
 */
import { createHash } from 'node:crypto';
import { derViolation, hashFromOid, OID, readNode, readSignedData, singleValue, type DerNode } from '@lienthong/pki';
import { EvidenceError } from './errors.ts';

/**
 * SHA-256 of an evidence's CMS (as kept, the statement attached): its leaf in a batch
 * (`buildBatch`) and, in lower-case hex, the `previous` of the next evidence of its leg.
 */
export function evidenceDigest(cms: Uint8Array): Uint8Array {
  return createHash('sha256').update(cms).digest();
}

/** SHA-256 of the statement's bytes: the `digest` to send to the signing route (`digestAlgorithm` sha256). */
export function statementDigest(statement: Uint8Array): Uint8Array {
  return createHash('sha256').update(statement).digest();
}

function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One DER TLV (X.690 §10.1: definite, minimal length). */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Buffer.concat([Uint8Array.of(tag), lengthOctets(body.length), body]);
}

const unsuitable = (why: string): EvidenceError => new EvidenceError('EVIDENCE_CMS_UNSUITABLE', why);

function node(cms: Uint8Array, at: number, limit: number, tag: number, what: string): DerNode {
  const n = readNode(cms, at, limit);
  if (cms[n.start] !== tag) throw unsuitable(`${what} is not where RFC 5652 §5.1 puts it.`);
  return n;
}

/**
 * The CMS ContentInfo of `detachedCms` with `statement` as its eContent (RFC 5652 §5.2):
 * byte for byte the same SignedData but for the EncapsulatedContentInfo. Refuses
 * (EVIDENCE_CMS_UNSUITABLE) a CMS that is not DER, already carries content, has another
 * eContentType than id-data or not exactly one signer, or whose message-digest is not the
 * statement's digest: what comes out verifies exactly when what went in did.
 */
export function attachStatement(detachedCms: Uint8Array, statement: Uint8Array): Uint8Array {
  let signedData;
  try {
    signedData = readSignedData(detachedCms);
  } catch (e) {
    throw unsuitable(`Not a CMS SignedData: ${(e as Error).message}`);
  }
  if (signedData.derViolation !== undefined || derViolation(detachedCms) !== undefined)
    throw unsuitable(`The CMS is not DER: ${signedData.derViolation ?? derViolation(detachedCms)}.`);
  if (signedData.content !== undefined) throw unsuitable('The CMS already encapsulates its content.');
  if (signedData.contentType !== OID.data)
    throw unsuitable(`The eContentType is ${signedData.contentType}, not id-data.`);
  const [signer, ...others] = signedData.signerInfos;
  if (signer === undefined || others.length > 0) throw unsuitable('The CMS must have exactly one SignerInfo.');
  let digestValue: Uint8Array | undefined;
  let hash;
  try {
    digestValue = singleValue(signer.signedAttributes, OID.messageDigest);
    hash = hashFromOid(signer.digestAlgorithm.oid);
  } catch (e) {
    throw unsuitable(`The signer's message-digest or digest algorithm cannot be read: ${(e as Error).message}`);
  }
  const expected = tlv(0x04, createHash(hash).update(statement).digest());
  if (digestValue === undefined || Buffer.compare(digestValue, expected) !== 0)
    throw unsuitable("The signature's message-digest is not the digest of this statement.");
  const ci = node(detachedCms, 0, detachedCms.length, 0x30, 'ContentInfo');
  const contentType = node(detachedCms, ci.contentStart, ci.contentEnd, 0x06, 'contentType');
  const wrapped = node(detachedCms, contentType.end, ci.contentEnd, 0xa0, 'content [0]');
  const sd = node(detachedCms, wrapped.contentStart, wrapped.contentEnd, 0x30, 'SignedData');
  const version = node(detachedCms, sd.contentStart, sd.contentEnd, 0x02, 'version');
  const digestAlgorithms = node(detachedCms, version.end, sd.contentEnd, 0x31, 'digestAlgorithms');
  const encap = node(detachedCms, digestAlgorithms.end, sd.contentEnd, 0x30, 'encapContentInfo');
  const eContentType = detachedCms.subarray(encap.contentStart, encap.contentEnd);
  const newEncap = tlv(0x30, eContentType, tlv(0xa0, tlv(0x04, statement)));
  const signedDataBody = Buffer.concat([
    detachedCms.subarray(sd.contentStart, encap.start),
    newEncap,
    detachedCms.subarray(encap.end, sd.contentEnd),
  ]);
  return tlv(0x30, detachedCms.subarray(contentType.start, contentType.end), tlv(0xa0, tlv(0x30, signedDataBody)));
}
