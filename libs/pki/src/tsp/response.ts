import {
  TagClass,
  children,
  content,
  encoded,
  expect,
  is,
  parseDer,
  readBitString,
  readSmallInt,
  sequence,
} from '../der/reader.ts';
import { int, namedBits, seq, utf8 } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { readSignedData, type SignedData } from '../cms/signed-data.ts';
import { readTstInfo, type TstInfo } from './tst-info.ts';

/** PKIStatus (RFC 3161 §2.4.2). */
export const PkiStatus = {
  granted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
} as const;

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
export const PkiFailureInfo = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;

/** A name of a PKIFailureInfo bit. */
export type PkiFailure = keyof typeof PkiFailureInfo;

/** A parsed time-stamp token: the SignedData and its TSTInfo (RFC 3161 §2.4.2). */
export interface TimeStampToken {
  readonly der: Uint8Array;
  readonly signedData: SignedData;
  readonly tstInfo: TstInfo;
}

/** A parsed TimeStampResp (RFC 3161 §2.4.2). */
export interface TimeStampResponse {
  readonly status: number;
  readonly statusStrings: readonly string[];
  readonly failures: readonly PkiFailure[];
  readonly token?: TimeStampToken;
}

/** Encodes a TimeStampResp with status rejection, a failure bit and a text (RFC 3161 §2.4.2). */
export function encodeRejection(failure: PkiFailure, text: string): Uint8Array {
  return seq(seq(int(PkiStatus.rejection), seq(utf8(text)), namedBits([PkiFailureInfo[failure]])));
}

/** Encodes a TimeStampResp with status granted around a token (ContentInfo DER). */
export function encodeGranted(token: Uint8Array): Uint8Array {
  return seq(seq(int(PkiStatus.granted)), token);
}

/** Reads a TimeStampToken (ContentInfo with SignedData of id-ct-TSTInfo, RFC 3161 §2.4.2). Throws PkiError MALFORMED. */
export function readTimeStampToken(der: Uint8Array): TimeStampToken {
  const signedData = readSignedData(der);
  if (signedData.contentType !== OID.tstInfo)
    throw new PkiError('MALFORMED', 'The token does not encapsulate TSTInfo.');
  if (signedData.content === undefined) throw new PkiError('MALFORMED', 'The token carries no TSTInfo.');
  if (signedData.signerInfos.length !== 1)
    throw new PkiError('MALFORMED', 'A time-stamp token has exactly one SignerInfo (RFC 3161 §2.4.2).');
  return { der: Uint8Array.from(der), signedData, tstInfo: readTstInfo(signedData.content) };
}

/** Reads a TimeStampResp (RFC 3161 §2.4.2). Throws PkiError MALFORMED. */
export function readTimeStampResponse(der: Uint8Array): TimeStampResponse {
  try {
    const [statusInfo, tokenNode, ...extra] = sequence(parseDer(der), 'TimeStampResp');
    if (extra.length > 0) throw new PkiError('MALFORMED', 'TimeStampResp has extra fields.');
    const sparts = sequence(statusInfo, 'PKIStatusInfo');
    const status = readSmallInt(sparts[0], 'PKIStatus');
    const statusStrings: string[] = [];
    const failures: PkiFailure[] = [];
    for (const p of sparts.slice(1)) {
      if (is(p, 0x10))
        for (const s of children(p))
          statusStrings.push(Buffer.from(content(expect(s, 0x0c, 'PKIFreeText'))).toString('utf8'));
      else if (is(p, 0x03)) {
        const { bytes } = readBitString(p, 'PKIFailureInfo');
        for (const [name, bit] of Object.entries(PkiFailureInfo))
          if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) failures.push(name as PkiFailure);
      } else throw new PkiError('MALFORMED', 'Unexpected field in PKIStatusInfo.');
    }
    const granted = status === PkiStatus.granted || status === PkiStatus.grantedWithMods;
    if (granted && tokenNode === undefined) throw new PkiError('MALFORMED', 'Status granted without a token.');
    if (!granted && tokenNode !== undefined)
      throw new PkiError('MALFORMED', 'A token with a status that is not granted.');
    if (tokenNode !== undefined && tokenNode.cls !== TagClass.universal)
      throw new PkiError('MALFORMED', 'Bad timeStampToken.');
    return {
      status,
      statusStrings,
      failures,
      ...(tokenNode === undefined ? {} : { token: readTimeStampToken(encoded(tokenNode)) }),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'TimeStampResp could not be parsed.', { cause: e });
  }
}
