import {
  TagClass,
  children,
  content,
  derViolation,
  encoded,
  expect,
  explicit,
  is,
  parseDer,
  readOctetString,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from '../x509/algorithm.ts';
import { readCertificate, type Certificate } from '../x509/certificate.ts';
import { readCrl, type Crl } from '../crl/crl.ts';
import { readName, type Name } from '../x509/name.ts';

/** Attribute (RFC 5652 §5.3): type and the DER of each value. */
export interface CmsAttribute {
  readonly oid: string;
  readonly values: readonly Uint8Array[];
}

/** SignerIdentifier (RFC 5652 §5.3). */
export type SignerIdentifier =
  { readonly issuer: Name; readonly serialNumber: Uint8Array } | { readonly subjectKeyIdentifier: Uint8Array };

/** SignerInfo (RFC 5652 §5.3). */
export interface SignerInfo {
  readonly der: Uint8Array;
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithm: AlgorithmIdentifier;
  /** DER of signedAttrs re-tagged as SET OF: the bytes the signature covers (RFC 5652 §5.4). */
  readonly signedAttributesDer?: Uint8Array;
  readonly signedAttributes?: readonly CmsAttribute[];
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly unsignedAttributes?: readonly CmsAttribute[];
}

/** SignedData (RFC 5652 §5.1) inside a ContentInfo. */
export interface SignedData {
  readonly version: number;
  readonly digestAlgorithms: readonly AlgorithmIdentifier[];
  readonly contentType: string;
  /** eContent when encapsulated (attached); absent for a detached signature. */
  readonly content?: Uint8Array;
  readonly certificates: readonly Certificate[];
  readonly crls: readonly Crl[];
  /** OCSPResponse DERs carried in crls as OtherRevocationInfoFormat id-ri-ocsp-response (RFC 5940 §2.1). */
  readonly ocspResponses: readonly Uint8Array[];
  readonly signerInfos: readonly SignerInfo[];
  /**
   * The first rule of DER (X.690 §10) the encoding breaks, in the SignedData
   * or the certificates, CRLs and attributes inside it (e.g. a serial number
   * with a needless leading zero); absent when it is DER. A PDF signature's
   * /Contents must be DER (ISO 32000-1 §12.8.3.3.1).
   */
  readonly derViolation?: string;
}

function readAttributes(node: DerNode): CmsAttribute[] {
  return children(node).map((a) => {
    const [t, vals] = sequence(a, 'Attribute');
    const oid = readOid(t);
    if (vals === undefined || !is(vals, 0x11)) throw new PkiError('MALFORMED', 'Attribute without a SET of values.');
    return { oid, values: children(vals).map((v) => Uint8Array.from(encoded(v))) };
  });
}

function readSignerInfo(node: DerNode): SignerInfo {
  const parts = sequence(node, 'SignerInfo');
  let i = 0;
  const version = readSmallInt(parts[i++], 'SignerInfo version');
  const sidNode = parts[i++];
  let sid: SignerIdentifier;
  if (sidNode !== undefined && is(sidNode, 0, TagClass.context))
    sid = { subjectKeyIdentifier: Uint8Array.from(content(sidNode)) };
  else {
    const [issuer, serial] = sequence(sidNode, 'IssuerAndSerialNumber');
    sid = { issuer: readName(issuer), serialNumber: Uint8Array.from(content(expect(serial, 0x02, 'serialNumber'))) };
  }
  const digestAlgorithm = readAlgorithmIdentifier(parts[i++]);
  let signedAttributesDer: Uint8Array | undefined;
  let signedAttributes: CmsAttribute[] | undefined;
  if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) {
    const n = parts[i++]!;
    signedAttributes = readAttributes(n);
    signedAttributesDer = Uint8Array.from(encoded(n));
    signedAttributesDer[0] = 0x31;
  }
  const signatureAlgorithm = readAlgorithmIdentifier(parts[i++]);
  const signature = Uint8Array.from(readOctetString(parts[i++], 'signature'));
  let unsignedAttributes: CmsAttribute[] | undefined;
  if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) unsignedAttributes = readAttributes(parts[i++]!);
  if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in SignerInfo.');
  return {
    der: Uint8Array.from(encoded(node)),
    version,
    sid,
    digestAlgorithm,
    ...(signedAttributesDer === undefined ? {} : { signedAttributesDer, signedAttributes }),
    signatureAlgorithm,
    signature,
    ...(unsignedAttributes === undefined ? {} : { unsignedAttributes }),
  };
}

/**
 * The number of SignerInfos of a ContentInfo holding SignedData, counted without reading
 * them (or the certificates): a verifier refuses a SignedData with too many before paying
 * for parsing them. Undefined when the structure is not readable that far.
 */
export function countSignerInfos(der: Uint8Array): number | undefined {
  try {
    const [, wrapped] = sequence(parseDer(der), 'ContentInfo');
    if (wrapped === undefined) return undefined;
    const parts = sequence(explicit(wrapped), 'SignedData');
    const last = parts[parts.length - 1];
    return last !== undefined && is(last, 0x11) ? children(last).length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a ContentInfo holding SignedData (RFC 5652 §3, §5). BER (indefinite
 * lengths, constructed OCTET STRINGs) is accepted and recorded in
 * `derViolation`, for verifiers that require DER to refuse. Throws PkiError
 * MALFORMED.
 */
export function readSignedData(der: Uint8Array): SignedData {
  try {
    const [ct, wrapped] = sequence(parseDer(der), 'ContentInfo');
    if (readOid(ct) !== OID.signedData) throw new PkiError('MALFORMED', 'ContentInfo does not hold SignedData.');
    if (wrapped === undefined || !is(wrapped, 0, TagClass.context))
      throw new PkiError('MALFORMED', 'ContentInfo without content.');
    const parts = sequence(explicit(wrapped), 'SignedData');
    let i = 0;
    const version = readSmallInt(parts[i++], 'SignedData version');
    const dset = parts[i++];
    if (dset === undefined || !is(dset, 0x11)) throw new PkiError('MALFORMED', 'Missing digestAlgorithms.');
    const digestAlgorithms = children(dset).map(readAlgorithmIdentifier);
    const [eType, eContent] = sequence(parts[i++], 'EncapsulatedContentInfo');
    const contentType = readOid(eType);
    let encapsulated: Uint8Array | undefined;
    if (eContent !== undefined) {
      if (!is(eContent, 0, TagClass.context)) throw new PkiError('MALFORMED', 'Bad eContent.');
      const inner = children(eContent);
      encapsulated = inner.length === 0 ? new Uint8Array() : Uint8Array.from(readOctetString(inner[0], 'eContent'));
    }
    const certificates: Certificate[] = [];
    const crls: Crl[] = [];
    const ocspResponses: Uint8Array[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) {
      for (const c of children(parts[i++]!)) if (is(c, 0x10)) certificates.push(readCertificate(encoded(c)));
    }
    if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) {
      for (const c of children(parts[i++]!)) {
        if (is(c, 0x10)) crls.push(readCrl(encoded(c)));
        else if (is(c, 1, TagClass.context)) {
          const [format, info] = children(c);
          if (readOid(format) === OID.riOcspResponse && info !== undefined)
            ocspResponses.push(Uint8Array.from(encoded(info)));
        }
      }
    }
    const sset = parts[i++];
    if (sset === undefined || !is(sset, 0x11)) throw new PkiError('MALFORMED', 'Missing signerInfos.');
    const signerInfos = children(sset).map(readSignerInfo);
    const violation = derViolation(der);
    return {
      version,
      digestAlgorithms,
      contentType,
      ...(encapsulated === undefined ? {} : { content: encapsulated }),
      certificates,
      crls,
      ocspResponses,
      signerInfos,
      ...(violation === undefined ? {} : { derViolation: violation }),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'CMS SignedData could not be parsed.', { cause: e });
  }
}
