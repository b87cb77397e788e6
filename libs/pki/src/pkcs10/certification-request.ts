/**
 * PKCS #10 certification requests (RFC 2986): what a USB token or an HSM hands to a CA when
 * the private key was generated inside it and never leaves. The reader is strict: DER only,
 * version 0, a key the project certifies (RSA of 2048 to 8192 bits, ECDSA on P-256 or P-384),
 * a signature algorithm of SHA-2, and the signature over certificationRequestInfo verified
 * with the request's own public key — the proof of possession of RFC 2986 §3. The subject
 * and attributes are read and returned as information; a CA of this project takes the
 * certificate's subject from its registered data, never from the request.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { nodeCryptoEngine, type CryptoEngine } from '../crypto-engine.ts';
import {
  TagClass,
  children,
  derViolation,
  encoded,
  expect,
  parseDer,
  readBitString,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import {
  readAlgorithmIdentifier,
  signatureScheme,
  type AlgorithmIdentifier,
  type SignatureScheme,
} from '../x509/algorithm.ts';
import { readName, type Name } from '../x509/name.ts';

/** Largest request read, in bytes: an RSA-8192 request with a few attributes is under 2 KiB. */
export const MAX_CERTIFICATION_REQUEST_BYTES = 16 * 1024;

/** RSA moduli accepted in a request: 2048 bits and more (ETSI TS 119 312), at most 8192 to bound the verification. */
const RSA_BITS = { min: 2048, max: 8192 } as const;

/** The curves accepted (RFC 5480 §2.1.1.1), by the OID of their namedCurve parameter. */
const CURVES: Record<string, 'P-256' | 'P-384'> = { [OID.prime256v1]: 'P-256', [OID.secp384r1]: 'P-384' };

/** The public key of a request, as the CA judges it. */
export type RequestedKey =
  { readonly type: 'rsa'; readonly bits: number } | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' };

/** One Attribute of certificationRequestInfo (RFC 2986 §4.1): its type and the DER of each value. */
export interface CertificationRequestAttribute {
  readonly oid: string;
  readonly values: readonly Uint8Array[];
}

/** A CertificationRequest (RFC 2986 §4) whose signature verified with its own public key. */
export interface CertificationRequest {
  /** The request's DER. */
  readonly der: Uint8Array;
  /** DER of certificationRequestInfo: the bytes the requester signed. */
  readonly info: Uint8Array;
  /** Always 0 (RFC 2986 §4.1: v1). */
  readonly version: 0;
  /** The subject the requester wrote: information only. */
  readonly subject: Name;
  /** DER of the SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), as node:crypto exports the key (EC points uncompressed). */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  readonly key: RequestedKey;
  readonly attributes: readonly CertificationRequestAttribute[];
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureScheme: SignatureScheme;
  readonly signatureValue: Uint8Array;
}

/** How a request is read: the engine that verifies its signature, and a size cap. */
export interface CertificationRequestOptions {
  /** Verifies the proof of possession (node:crypto by default). */
  readonly engine?: CryptoEngine;
  /** Default {@link MAX_CERTIFICATION_REQUEST_BYTES}. */
  readonly maxBytes?: number;
}

/**
 * Reads a DER CertificationRequest (RFC 2986 §4) and verifies its signature over
 * certificationRequestInfo with the public key it carries (§3: the requester holds the key).
 * Throws PkiError: INVALID_ARGUMENT over the size cap; MALFORMED for anything that is not a
 * DER CertificationRequest of version 0 (trailing bytes, a truncated or BER encoding, an
 * unreadable key); UNSUPPORTED_ALGORITHM for a key or signature algorithm the project does not
 * certify (RSA under 2048 bits, another curve, SHA-1, a signature algorithm of another key
 * type); SIGNER_MISMATCH when the signature does not verify (no proof of possession).
 */
export function readCertificationRequest(
  input: Uint8Array,
  options: CertificationRequestOptions = {},
): CertificationRequest {
  const maxBytes = options.maxBytes ?? MAX_CERTIFICATION_REQUEST_BYTES;
  if (input.length > maxBytes)
    throw new PkiError('INVALID_ARGUMENT', `Certification request of ${input.length} bytes: at most ${maxBytes}.`);
  const der = Uint8Array.from(input);
  let request: CertificationRequest;
  try {
    request = parse(der);
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'Certification request could not be parsed.', { cause: e });
  }
  const engine = options.engine ?? nodeCryptoEngine;
  if (!engine.verify(request.signatureScheme, request.spki, request.info, request.signatureValue))
    throw new PkiError(
      'SIGNER_MISMATCH',
      'The signature of the certification request does not verify with its public key: no proof of possession (RFC 2986 §3).',
    );
  return request;
}

function parse(der: Uint8Array): CertificationRequest {
  const violation = derViolation(der);
  if (violation !== undefined) throw new PkiError('MALFORMED', `Certification request is not DER: ${violation}.`);
  const [infoNode, algNode, sigNode, ...extra] = sequence(parseDer(der), 'CertificationRequest');
  if (extra.length > 0) throw new PkiError('MALFORMED', 'CertificationRequest has extra fields.');
  const [versionNode, subjectNode, spkiNode, attributesNode, ...more] = sequence(infoNode, 'CertificationRequestInfo');
  if (more.length > 0) throw new PkiError('MALFORMED', 'CertificationRequestInfo has extra fields.');
  const version = readSmallInt(versionNode, 'version');
  if (version !== 0) throw new PkiError('MALFORMED', `CertificationRequestInfo version ${version}: only 0 (v1).`);
  const subject = readName(subjectNode);
  const [pkAlgNode, pkBitsNode, ...spkiExtra] = sequence(spkiNode, 'SubjectPublicKeyInfo');
  if (spkiExtra.length > 0) throw new PkiError('MALFORMED', 'SubjectPublicKeyInfo has extra fields.');
  const publicKeyAlgorithm = readAlgorithmIdentifier(pkAlgNode);
  if (readBitString(pkBitsNode, 'subjectPublicKey').unusedBits !== 0)
    throw new PkiError('MALFORMED', 'subjectPublicKey has unused bits.');
  const { key, spki } = requestedKey(publicKeyAlgorithm, encoded(spkiNode!));
  const attributes = readAttributes(attributesNode);
  const signatureAlgorithm = readAlgorithmIdentifier(algNode);
  const signature = readBitString(sigNode, 'signature');
  if (signature.unusedBits !== 0) throw new PkiError('MALFORMED', 'signature has unused bits.');
  return {
    der,
    info: encoded(infoNode!),
    version: 0,
    subject,
    spki,
    publicKeyAlgorithm,
    key,
    attributes,
    signatureAlgorithm,
    signatureScheme: acceptedScheme(signatureAlgorithm, key),
    signatureValue: signature.bytes,
  };
}

/** attributes [0] IMPLICIT SET OF Attribute (RFC 2986 §4.1), each with one value or more. */
function readAttributes(node: DerNode | undefined): CertificationRequestAttribute[] {
  const set = expect(node, 0, 'attributes [0]', TagClass.context);
  if (!set.constructed) throw new PkiError('MALFORMED', 'attributes [0] must be constructed.');
  return children(set).map((attribute) => {
    const [typeNode, valuesNode, ...extra] = sequence(attribute, 'Attribute');
    if (extra.length > 0) throw new PkiError('MALFORMED', 'Attribute has extra fields.');
    const values = children(expect(valuesNode, 0x11, 'Attribute values')).map((v) => Uint8Array.from(encoded(v)));
    if (values.length === 0) throw new PkiError('MALFORMED', 'Attribute without a value.');
    return { oid: readOid(typeNode, 'Attribute type'), values };
  });
}

/** The key of the request if the project certifies it, with its SubjectPublicKeyInfo as node:crypto writes it. */
function requestedKey(algorithm: AlgorithmIdentifier, spkiDer: Uint8Array): { key: RequestedKey; spki: Uint8Array } {
  let wanted: 'rsa' | 'ec';
  let curve: 'P-256' | 'P-384' | undefined;
  if (algorithm.oid === OID.rsaEncryption) {
    const p = algorithm.parameters;
    if (p !== undefined && !(p.length === 2 && p[0] === 0x05 && p[1] === 0x00))
      throw new PkiError('MALFORMED', 'rsaEncryption parameters must be NULL (RFC 3279 §2.3.1).');
    wanted = 'rsa';
  } else if (algorithm.oid === OID.ecPublicKey) {
    if (algorithm.parameters === undefined) throw new PkiError('MALFORMED', 'ecPublicKey without a namedCurve.');
    const named = readOid(parseDer(algorithm.parameters), 'namedCurve');
    curve = CURVES[named];
    if (curve === undefined)
      throw new PkiError('UNSUPPORTED_ALGORITHM', `EC key on curve ${named}: only P-256 and P-384 are certified.`);
    wanted = 'ec';
  } else
    throw new PkiError(
      'UNSUPPORTED_ALGORITHM',
      `Public key algorithm ${algorithm.oid}: only RSA and ECDSA keys are certified.`,
    );
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch (e) {
    throw new PkiError('MALFORMED', 'The public key of the request could not be read.', { cause: e });
  }
  if (key.asymmetricKeyType !== wanted) throw new PkiError('MALFORMED', 'The public key is not of its algorithm.');
  const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  if (wanted === 'ec') return { key: { type: 'ec', curve: curve! }, spki };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA_BITS.min || bits > RSA_BITS.max)
    throw new PkiError(
      'UNSUPPORTED_ALGORITHM',
      `RSA key of ${bits} bits: ${RSA_BITS.min} to ${RSA_BITS.max} bits are certified.`,
    );
  return { key: { type: 'rsa', bits }, spki };
}

/** The signature scheme of the request if it is one the project accepts for `key`. */
function acceptedScheme(algorithm: AlgorithmIdentifier, key: RequestedKey): SignatureScheme {
  const scheme = signatureScheme(algorithm);
  const sha2 = 'hash' in scheme && (scheme.hash === 'sha256' || scheme.hash === 'sha384' || scheme.hash === 'sha512');
  const fits =
    key.type === 'rsa'
      ? (scheme.key === 'rsa' || scheme.key === 'rsa-pss') && sha2
      : scheme.key === 'ecdsa' && sha2 && scheme.hash !== 'sha512';
  if (!fits)
    throw new PkiError(
      'UNSUPPORTED_ALGORITHM',
      `Signature algorithm ${algorithm.oid} with ${'hash' in scheme ? scheme.hash : scheme.key} for an ${key.type.toUpperCase()} key: ${key.type === 'rsa' ? 'PKCS #1 v1.5 or PSS with SHA-256, SHA-384 or SHA-512' : 'ECDSA with SHA-256 or SHA-384'} only.`,
    );
  return scheme;
}
