/**
 * The time-stamping authority (RFC 3161). A body that is not a TimeStampReq at all is a
 * client error (TIMESTAMP_REQUEST_MALFORMED, 400). A readable request the TSA will not
 * grant (digest, policy, extension, version) is answered as RFC 3161 §2.4.2 says: a
 * TimeStampResp with status rejection and the PKIFailureInfo bit.
 */
import {
  buildTimeStampRequest,
  isPkiError,
  issueTimeStampToken,
  readTimeStampRequest,
  readTimeStampResponse,
  tokenFrom,
  type TimeStamper,
} from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { CaContext } from './ca-context.ts';
import { signerFor } from './ca-context.ts';
import { nextTsaSerial } from './tsa-repository.ts';
import { localTsaPolicy } from './local-hierarchy.ts';

/** Answers one DER TimeStampReq with a DER TimeStampResp. Throws AppError for unreadable input. */
export async function answerTimeStampRequest(ca: CaContext, request: Uint8Array): Promise<Uint8Array> {
  try {
    readTimeStampRequest(request);
  } catch (error) {
    ca.countTimeStamp?.(isPkiError(error) ? 'refused' : 'error');
    if (isPkiError(error)) throw new AppError(signingErrors.TIMESTAMP_REQUEST_MALFORMED, { detail: error.message });
    throw error;
  }
  const { tsa, issuing } = ca.hierarchy;
  let answer: Uint8Array;
  try {
    answer = await issueTimeStampToken({
      request,
      tsaCertificate: ca.certificateOf(tsa),
      chain: [ca.certificateOf(issuing)],
      signer: await signerFor(ca.pool, ca, tsa),
      clock: ca.clock,
      serialNumber: await nextTsaSerial(ca.pool),
      policy: localTsaPolicy,
      accuracy: { seconds: 1 },
    });
  } catch (error) {
    ca.countTimeStamp?.('error');
    throw error;
  }
  ca.countTimeStamp?.(readTimeStampResponse(answer).token === undefined ? 'refused' : 'ok');
  return answer;
}

/** The local TSA as a libs/pki TimeStamper, for signatures this service time-stamps itself (B-T). */
export function localTimeStamper(ca: CaContext): TimeStamper {
  return async (imprint, hash) => {
    const request = buildTimeStampRequest({ imprint, hash, certReq: true, nonce: true });
    return tokenFrom(await answerTimeStampRequest(ca, request));
  };
}
