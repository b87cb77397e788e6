import { createHash } from 'node:crypto';
import { children, encoded, explicit, is, parseDer, sequence, TagClass } from '../der/reader.ts';
import { ctx, seq, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import type { HashName } from '../x509/algorithm.ts';
import type { SignerInfo } from './signed-data.ts';

/**
 * Adds unsigned attributes (RFC 5652 §5.3 unsignedAttrs) to SignerInfo
 * `index` of a CMS SignedData, leaving every signed byte untouched. This is how
 * the later CAdES levels extend a B-B signature (ETSI EN 319 122-1 §5.3:
 * signature-time-stamp for B-T; certificate and revocation values for B-LT).
 * Each attribute is a complete DER Attribute (see `encodeAttribute`).
 */
export function addUnsignedAttributes(cms: Uint8Array, attributes: readonly Uint8Array[], index = 0): Uint8Array {
  const [ct, wrapped] = sequence(parseDer(cms), 'ContentInfo');
  if (ct === undefined || wrapped === undefined || !is(wrapped, 0, TagClass.context))
    throw new PkiError('MALFORMED', 'Not a ContentInfo.');
  const sdParts = sequence(explicit(wrapped), 'SignedData');
  const signerSet = sdParts.at(-1);
  if (signerSet === undefined || !is(signerSet, 0x11)) throw new PkiError('MALFORMED', 'Missing signerInfos.');
  const signerInfos = children(signerSet);
  const target = signerInfos[index];
  if (target === undefined) throw new PkiError('INVALID_ARGUMENT', `No SignerInfo at index ${index}.`);
  const siParts = sequence(target, 'SignerInfo');
  const last = siParts.at(-1);
  const hasUnsigned = last !== undefined && is(last, 1, TagClass.context);
  const existing = hasUnsigned ? children(last).map((a) => encoded(a)) : [];
  const unsigned = tlv(0xa1, ...[...existing, ...attributes].sort((a, b) => Buffer.compare(a, b)));
  const kept = (hasUnsigned ? siParts.slice(0, -1) : siParts).map((p) => encoded(p));
  const newSignerInfo = seq(...kept, unsigned);
  const newSet = tlv(0x31, ...signerInfos.map((s, j) => (j === index ? newSignerInfo : encoded(s))));
  const newSignedData = seq(...sdParts.slice(0, -1).map((p) => encoded(p)), newSet);
  return seq(encoded(ct), ctx(0, newSignedData));
}

/**
 * The message imprint a signature-time-stamp must carry: the hash of the
 * signature value of the SignerInfo (ETSI EN 319 122-1 §5.3, RFC 3161
 * messageImprint). Step one of extending B-B to B-T.
 */
export function signatureTimeStampImprint(signerInfo: SignerInfo, hash: HashName = 'sha256'): Uint8Array {
  return createHash(hash).update(signerInfo.signature).digest();
}
