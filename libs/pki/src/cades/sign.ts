import { createHash, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../clock.ts';
import {
  contentTypeAttribute,
  messageDigestAttribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
} from '../cms/attributes.ts';
import { ctx, int, octets, oid, seq, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { keyMatchesSpki } from '../keys.ts';
import { OID } from '../oids.ts';
import { hashOf, signWithKey, signatureAlgorithmIdentifier, type Signer, type SigningAlgorithm } from '../signer.ts';
import { HASH_OIDS, type HashName } from '../x509/algorithm.ts';
import type { Certificate } from '../x509/certificate.ts';

/** Options of a CAdES baseline B-B signature (ETSI EN 319 122-1 §6.3). */
export interface CadesSignOptions {
  /** The signer's certificate (its key must match the signer's). */
  readonly certificate: Certificate;
  /** Certificates to carry in SignedData.certificates (issuing CAs); the signer's is always included. */
  readonly chain?: readonly Certificate[];
  readonly algorithm: SigningAlgorithm;
  /** eContentType; default id-data. */
  readonly contentType?: string;
  /** Add a signing-time attribute (claimed time, EN 319 122-1 §5.2.1): `true` uses the clock. Default none. */
  readonly signingTime?: boolean | Date;
  readonly clock?: Clock;
}

/** Step one of two-step signing: what the token must sign and what completes the CMS. */
export interface PreparedSignature {
  /** DER of the signed attributes (SET OF Attribute): the exact bytes the signature covers (RFC 5652 §5.4). */
  readonly signedAttributes: Uint8Array;
  /** Hash of `signedAttributes` with the algorithm's digest, for tokens that sign a precomputed hash. */
  readonly digest: Uint8Array;
  /** DigestInfo (RFC 8017 §9.2) of `digest`, for RSA PKCS#1 v1.5 tokens that take raw DigestInfo (CKM_RSA_PKCS). */
  readonly digestInfo: Uint8Array;
  readonly algorithm: SigningAlgorithm;
  readonly hash: HashName;
  /** Internal: the encoded pieces that do not depend on the signature value. */
  readonly template: SignedDataTemplate;
}

/** The encodings of a SignedData that stay the same for one signer (built once, reused per signature). */
export interface SignedDataTemplate {
  readonly algorithm: SigningAlgorithm;
  readonly hash: HashName;
  readonly digestAlgorithm: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly sid: Uint8Array;
  readonly certificates: Uint8Array;
  readonly encapContentInfo: Uint8Array;
  readonly contentTypeAttr: Uint8Array;
  readonly signingCertificateAttr: Uint8Array;
  readonly contentType: string;
}

/** Builds the per-signer encodings once (SignedData skeleton, sid, certificates, signing-certificate-v2). */
export function createSignedDataTemplate(options: CadesSignOptions): SignedDataTemplate {
  const hash = hashOf(options.algorithm);
  const cert = options.certificate;
  const others = (options.chain ?? []).filter((c) => c.fingerprint !== cert.fingerprint);
  const contentType = options.contentType ?? OID.data;
  return {
    algorithm: options.algorithm,
    hash,
    digestAlgorithm: seq(oid(HASH_OIDS[hash])),
    signatureAlgorithm: signatureAlgorithmIdentifier(options.algorithm),
    sid: seq(cert.issuer.der, tlv(0x02, cert.serialNumber)),
    certificates: tlv(0xa0, cert.der, ...others.map((c) => c.der)),
    encapContentInfo: seq(oid(contentType)),
    contentTypeAttr: contentTypeAttribute(contentType),
    signingCertificateAttr: signingCertificateV2Attribute(cert, createHash('sha256').update(cert.der).digest()),
    contentType,
  };
}

const DIGEST_INFO_PREFIX: Record<string, Uint8Array> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function signedAttributes(
  template: SignedDataTemplate,
  contentDigest: Uint8Array,
  signingTime: Date | undefined,
): Uint8Array {
  const attrs = [template.contentTypeAttr, messageDigestAttribute(contentDigest), template.signingCertificateAttr];
  if (signingTime !== undefined) attrs.push(signingTimeAttribute(signingTime));
  attrs.sort((a, b) => Buffer.compare(a, b));
  return tlv(0x31, ...attrs);
}

function signingTimeOf(options: CadesSignOptions): Date | undefined {
  if (options.signingTime === undefined || options.signingTime === false) return undefined;
  return options.signingTime === true ? (options.clock ?? systemClock).now() : options.signingTime;
}

/**
 * Step one of two-step signing (ETSI EN 319 122-1 B-B): from the digest of the
 * detached content, the signed attributes content-type, message-digest,
 * signing-certificate-v2 (and signing-time only when asked). Hand
 * `signedAttributes` (or `digest` / `digestInfo`) to the token.
 */
export function prepareSignature(
  contentDigest: Uint8Array,
  options: CadesSignOptions,
  template: SignedDataTemplate = createSignedDataTemplate(options),
): PreparedSignature {
  if (contentDigest.length !== createHash(template.hash).digest().length)
    throw new PkiError('INVALID_ARGUMENT', `The content digest must be a ${template.hash} digest.`);
  const attrs = signedAttributes(template, contentDigest, signingTimeOf(options));
  const digest = createHash(template.hash).update(attrs).digest();
  return {
    signedAttributes: attrs,
    digest,
    digestInfo: Buffer.concat([DIGEST_INFO_PREFIX[template.hash]!, digest]),
    algorithm: template.algorithm,
    hash: template.hash,
    template,
  };
}

/** Step two: assembles the detached CMS ContentInfo (RFC 5652 §5.1, §5.3) around the signature value. */
export function completeSignature(prepared: PreparedSignature, signatureValue: Uint8Array): Uint8Array {
  return assemble(prepared.template, prepared.signedAttributes, signatureValue);
}

function assemble(t: SignedDataTemplate, attrs: Uint8Array, signatureValue: Uint8Array): Uint8Array {
  const signedAttrs = attrs.slice();
  signedAttrs[0] = 0xa0;
  const signerInfo = seq(int(1), t.sid, t.digestAlgorithm, signedAttrs, t.signatureAlgorithm, octets(signatureValue));
  const signedData = seq(
    int(1),
    tlv(0x31, t.digestAlgorithm),
    t.encapContentInfo,
    t.certificates,
    tlv(0x31, signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}

/** Signs detached `content` with any {@link Signer} (token, HSM, key) as CAdES B-B; returns CMS DER. */
export async function signCades(
  content: Uint8Array,
  signer: Signer,
  options: Omit<CadesSignOptions, 'algorithm'>,
): Promise<Uint8Array> {
  const full = { ...options, algorithm: signer.algorithm };
  const prepared = prepareSignature(createHash(hashOf(signer.algorithm)).update(content).digest(), full);
  return completeSignature(prepared, await signer.sign(prepared.signedAttributes));
}

/** A signer for many documents with one in-process key: the SignedData skeleton is encoded once. */
export interface CadesKeySigner {
  /** Signs detached `content` synchronously with node:crypto; returns CMS DER. */
  sign(content: Uint8Array): Uint8Array;
  /** Signs a precomputed content digest. */
  signDigest(contentDigest: Uint8Array): Uint8Array;
}

/** Creates a {@link CadesKeySigner}; throws PkiError SIGNER_MISMATCH when the key does not match the certificate. */
export function createCadesKeySigner(privateKey: KeyObject, options: CadesSignOptions): CadesKeySigner {
  if (!keyMatchesSpki(privateKey, options.certificate.spki)) throw new PkiError('SIGNER_MISMATCH');
  const template = createSignedDataTemplate(options);
  const signDigest = (contentDigest: Uint8Array): Uint8Array => {
    const attrs = signedAttributes(template, contentDigest, signingTimeOf(options));
    return assemble(template, attrs, signWithKey(privateKey, template.algorithm, attrs));
  };
  return { signDigest, sign: (content) => signDigest(createHash(template.hash).update(content).digest()) };
}
