import {
  children,
  content,
  encoded,
  explicit,
  is,
  parseDer,
  readOctetString,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { decryptWithPassword, type Pkcs12Password } from './decrypt.ts';
import { refuse, type WorkBudget } from './kdf.ts';

/** Bag types (RFC 7292 §4.2). */
const BAG = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
} as const;

/** x509Certificate certificate type of a CertBag (RFC 7292 §4.2.3, PKCS #9). */
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';

/** Deepest nesting of safeContentsBag accepted (RFC 7292 §4.2.6); real files nest none. */
export const MAX_SAFE_CONTENTS_DEPTH = 2;

/** What the bags of a file hold: PrivateKeyInfo DER (RFC 5958 §2) and certificate DER, in file order. */
export interface Pkcs12Bags {
  readonly keys: Uint8Array[];
  readonly certificates: Uint8Array[];
}

/** Reads the encryptedContent of an EncryptedContentInfo: [0] IMPLICIT OCTET STRING, primitive or constructed (RFC 5652 §6.1). */
function implicitOctets(node: DerNode): Uint8Array {
  if (!node.constructed) return content(node);
  return Buffer.concat(children(node).map((c) => readOctetString(c, 'encryptedContent segment')));
}

function readBag(bag: DerNode, into: Pkcs12Bags, password: Pkcs12Password, budget: WorkBudget, depth: number): void {
  const [idNode, valueNode] = sequence(bag, 'SafeBag');
  const bagId = readOid(idNode, 'bagId');
  if (valueNode === undefined || !is(valueNode, 0, 2)) refuse('A SafeBag has no [0] bagValue.');
  const value = explicit(valueNode);
  switch (bagId) {
    case BAG.keyBag:
      into.keys.push(Uint8Array.from(encoded(value)));
      break;
    case BAG.pkcs8ShroudedKeyBag: {
      const [alg, data] = sequence(value, 'EncryptedPrivateKeyInfo');
      const key = decryptWithPassword(alg, readOctetString(data, 'encryptedData'), password, budget, 'private key');
      // A wrong password gives valid CBC padding about once in 256 tries; the
      // plaintext is then noise, which is told apart here by not being DER.
      try {
        parseDer(key);
      } catch {
        refuse(
          'The private key could not be decrypted (wrong password, a separate password for it, or a corrupt file).',
        );
      }
      into.keys.push(key);
      break;
    }
    case BAG.certBag: {
      const [certId, certValue] = sequence(value, 'CertBag');
      if (readOid(certId, 'certId') !== X509_CERTIFICATE) break;
      if (certValue === undefined || !is(certValue, 0, 2)) refuse('A CertBag has no [0] certValue.');
      into.certificates.push(Uint8Array.from(readOctetString(explicit(certValue), 'x509Certificate')));
      break;
    }
    case BAG.safeContentsBag:
      readSafeContentsNode(value, into, password, budget, depth + 1);
      break;
    default:
      // crlBag, secretBag and unknown bags carry nothing this import needs.
      break;
  }
}

function readSafeContentsNode(
  node: DerNode,
  into: Pkcs12Bags,
  password: Pkcs12Password,
  budget: WorkBudget,
  depth: number,
): void {
  if (depth > MAX_SAFE_CONTENTS_DEPTH)
    refuse(`SafeContents nested more than ${MAX_SAFE_CONTENTS_DEPTH} deep; the file is refused.`);
  for (const bag of sequence(node, 'SafeContents')) readBag(bag, into, password, budget, depth);
}

/**
 * Reads one ContentInfo of the AuthenticatedSafe (RFC 7292 §4.1): id-data holds
 * SafeContents in clear, id-encryptedData holds them encrypted under the password.
 * Public-key privacy (id-envelopedData) is not supported.
 */
export function readSafe(contentInfo: DerNode, into: Pkcs12Bags, password: Pkcs12Password, budget: WorkBudget): void {
  const [typeNode, wrapped] = sequence(contentInfo, 'ContentInfo');
  const type = readOid(typeNode, 'contentType');
  if (wrapped === undefined || !is(wrapped, 0, 2)) refuse('A ContentInfo of the AuthenticatedSafe has no [0] content.');
  const inner = explicit(wrapped);
  if (type === '1.2.840.113549.1.7.1') {
    readSafeContentsNode(parseDer(readOctetString(inner, 'SafeContents')), into, password, budget, 0);
    return;
  }
  if (type !== '1.2.840.113549.1.7.6')
    refuse(
      `A part of the file has content type ${type}; only data and encryptedData are supported (no public-key privacy mode).`,
    );
  const [version, eci] = sequence(inner, 'EncryptedData');
  readSmallInt(version, 'EncryptedData version');
  const [, alg, encrypted] = sequence(eci, 'EncryptedContentInfo');
  if (encrypted === undefined || !is(encrypted, 0, 2)) refuse('An EncryptedContentInfo has no [0] encryptedContent.');
  const clear = decryptWithPassword(alg, implicitOctets(encrypted), password, budget, 'certificate container');
  readSafeContentsNode(parseDer(clear), into, password, budget, 0);
}
