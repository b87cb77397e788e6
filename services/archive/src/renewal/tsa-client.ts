/**
 * Signing's TSA (`POST /v1/tsa`, RFC 3161 over HTTP) as the renewal uses it, with the
 * archive's own short tokens (role `archive-keeper`, the ingest's key: signing takes them on
 * `/v1/verify/pdf` and `/v1/tsa` only). Failures are `ValidationUnavailable` (not now).
 */
import { createPrivateKey } from 'node:crypto';
import { timeStampRequestFor } from '@lienthong/evidence';
import { readTimeStampResponse } from '@lienthong/pki';
import { signAccessToken, tracedFetch } from '@lienthong/service';
import { archiveTokenClaims, ValidationUnavailable } from '../ingest/validation-client.ts';

/** Asks for an RFC 3161 token over a SHA-256 `imprint`, for `office`; resolves to the token (DER). */
export interface ArchiveTsa {
  stamp(imprint: Uint8Array, office: string): Promise<Uint8Array>;
}

/** What the client needs. */
export interface ArchiveTsaOptions {
  signingUrl: string;
  key: string;
  keyId?: string | undefined;
  timeoutMs: number;
}

/** Most bytes of a TSA's answer read. */
const maxAnswerBytes = 256 * 1024;

/** The client of signing's TSA. */
export function createArchiveTsa(options: ArchiveTsaOptions): ArchiveTsa {
  const key = createPrivateKey(options.key);
  const url = `${options.signingUrl}/v1/tsa`;
  return {
    async stamp(imprint, office) {
      const iat = Math.floor(Date.now() / 1000);
      const token = signAccessToken(
        { ...archiveTokenClaims, roles: [...archiveTokenClaims.roles], office, iat, exp: iat + 300 },
        { privateKey: key, ...(options.keyId === undefined ? {} : { kid: options.keyId }) },
      );
      let response: Response;
      try {
        response = await tracedFetch(
          url,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/timestamp-query' },
            body: Buffer.from(timeStampRequestFor(imprint, { certReq: true })),
            signal: AbortSignal.timeout(options.timeoutMs),
            redirect: 'error',
          },
          'signing time-stamp',
        );
      } catch (error) {
        throw new ValidationUnavailable(null, `signing's TSA cannot be reached: ${(error as Error).message}`);
      }
      const body = new Uint8Array(await response.arrayBuffer());
      if (response.status !== 200 || body.length > maxAnswerBytes)
        throw new ValidationUnavailable(response.status, `signing's TSA answered ${response.status}`);
      let answer;
      try {
        answer = readTimeStampResponse(body);
      } catch (error) {
        throw new ValidationUnavailable(
          200,
          `signing's TSA answered what is not a TimeStampResp: ${(error as Error).message}`,
        );
      }
      if (answer.token === undefined)
        throw new ValidationUnavailable(
          200,
          `signing's TSA refused: ${answer.statusStrings.join('; ') || answer.status}`,
        );
      return answer.token.der;
    },
  };
}

/** Without signing configured: every renewal waits. */
export const unconfiguredTsa: ArchiveTsa = {
  stamp: () =>
    Promise.reject(new ValidationUnavailable(null, 'LIENTHONG_ARCHIVE_SIGNING_URL or _SERVICE_KEY is not set')),
};

/** Signing's TSA as the archive's configuration gives it (the ingest's signing URL and key), or `unconfiguredTsa`. */
export function archiveTsaOf(ingest: {
  signingUrl: string | undefined;
  key: string | undefined;
  keyId: string | undefined;
  signingTimeoutMs: number;
}): ArchiveTsa {
  const { signingUrl, key, keyId, signingTimeoutMs } = ingest;
  return signingUrl === undefined || key === undefined
    ? unconfiguredTsa
    : createArchiveTsa({ signingUrl, key, keyId, timeoutMs: signingTimeoutMs });
}
