import { createHash } from 'node:crypto';
import { encodeAttribute } from '../cms/attributes.ts';
import { readSignedData } from '../cms/signed-data.ts';
import { addUnsignedAttributes, signatureTimeStampImprint } from '../cms/unsigned-attributes.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readTimeStampResponse, readTimeStampToken } from '../tsp/response.ts';
import type { HashName } from '../x509/algorithm.ts';
import { archiveTimeStampImprint, atsHashIndexV3 } from './archive-timestamp.ts';

/**
 * Obtains a time-stamp token for a message imprint: calls a TSA over HTTP
 * (RFC 3161 §3.4) or in process ({@link issueTimeStampToken}). Returns the
 * TimeStampToken DER, or the whole TimeStampResp DER.
 */
export type TimeStamper = (imprint: Uint8Array, hash: HashName) => Promise<Uint8Array>;

/** Options of the extension steps. */
export interface TimeStampStepOptions {
  /** Digest of the imprint; default SHA-256. */
  readonly hash?: HashName;
  /** Which SignerInfo; default 0. */
  readonly index?: number;
}

/** The TimeStampToken DER from what a {@link TimeStamper} returned; throws PkiError when the TSA refused. */
export function tokenFrom(tokenOrResponse: Uint8Array): Uint8Array {
  try {
    return readTimeStampToken(tokenOrResponse).der;
  } catch {
    const r = readTimeStampResponse(tokenOrResponse);
    if (r.token === undefined)
      throw new PkiError(
        'INVALID_ARGUMENT',
        `The TSA did not grant a token: ${[...r.statusStrings, ...r.failures].join('; ')}`,
      );
    return r.token.der;
  }
}

function checkImprint(token: Uint8Array, imprint: Uint8Array): void {
  const info = readTimeStampToken(token).tstInfo;
  if (Buffer.compare(info.messageImprint.hashedMessage, imprint) !== 0)
    throw new PkiError('INVALID_ARGUMENT', 'The time-stamp token does not cover the requested imprint.');
}

/**
 * Extends CAdES-B-B to B-T (ETSI EN 319 122-1 §5.3, §6.3): time-stamps the
 * hash of the SignerInfo's signature value and adds the token as the unsigned
 * signature-time-stamp attribute (id-aa-signatureTimeStampToken, RFC 3161 Annex A).
 */
export async function addSignatureTimeStamp(
  cms: Uint8Array,
  timestamp: TimeStamper,
  options: TimeStampStepOptions = {},
): Promise<Uint8Array> {
  const hash = options.hash ?? 'sha256';
  const si = readSignedData(cms).signerInfos[options.index ?? 0];
  if (si === undefined) throw new PkiError('INVALID_ARGUMENT', `No SignerInfo at index ${options.index ?? 0}.`);
  const imprint = signatureTimeStampImprint(si, hash);
  const token = tokenFrom(await timestamp(imprint, hash));
  checkImprint(token, imprint);
  return addUnsignedAttributes(cms, [encodeAttribute(OID.timeStampToken, token)], options.index ?? 0);
}

/**
 * Extends B-LT to B-LTA (ETSI EN 319 122-1 §5.5.3, §6.3): computes the
 * ats-hash-index-v3 over the current certificates, revocation data and
 * unsigned attributes, time-stamps the archive-time-stamp-v3 imprint, puts the
 * index into the token's unsigned attributes and adds the token as the
 * archive-time-stamp-v3 attribute. `content` is the detached content (not
 * needed when encapsulated).
 */
export async function addArchiveTimeStamp(
  cms: Uint8Array,
  timestamp: TimeStamper,
  content: Uint8Array | undefined,
  options: TimeStampStepOptions = {},
): Promise<Uint8Array> {
  const hash = options.hash ?? 'sha256';
  const index = options.index ?? 0;
  const sd = readSignedData(cms);
  const data = sd.content ?? content;
  if (data === undefined)
    throw new PkiError('INVALID_ARGUMENT', 'The detached content is needed for an archive time-stamp.');
  const hashIndex = atsHashIndexV3(cms, index, hash);
  const imprint = archiveTimeStampImprint(cms, index, hash, createHash(hash).update(data).digest(), hashIndex);
  const token = tokenFrom(await timestamp(imprint, hash));
  checkImprint(token, imprint);
  const indexed = addUnsignedAttributes(token, [encodeAttribute(OID.atsHashIndexV3, hashIndex)]);
  return addUnsignedAttributes(cms, [encodeAttribute(OID.archiveTimeStampV3, indexed)], index);
}
