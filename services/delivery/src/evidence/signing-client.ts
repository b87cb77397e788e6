/**
 * Signing as the sealer and the stamper use it, over HTTP (README "Evidence", the contract
 * with services/signing): `POST /v1/evidence/signatures` with a service token delivery
 * mints per acting office (its own key, `LIENTHONG_DELIVERY_EVIDENCE_KEY`; signing lists the
 * public key in `LIENTHONG_SIGNING_EVIDENCE_JWKS`, not among ordinary token issuers), and the
 * RFC 3161 TSA (`application/timestamp-query`). A failure is an `EvidenceCallFailure` with
 * what was said, never thrown past the loops that retry it.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signAccessToken, tracedFetch } from '@lienthong/service';

/** The token's issuer, subject, audience and role (the contract). */
export const evidenceTokenClaims = Object.freeze({
  iss: 'lienthong-delivery',
  sub: 'service:delivery',
  aud: 'lienthong-signing',
  roles: ['evidence-sealer'],
});

/** How long a minted token lives, and how long before its end a new one is minted. */
const tokenLifetimeSeconds = 300;
const tokenRenewSeconds = 60;

/** A failed call: the HTTP status (null: no answer) and what was said. */
export class EvidenceCallFailure extends Error {
  readonly status: number | null;
  readonly code: string;
  constructor(status: number | null, code: string, message: string) {
    super(message);
    this.name = 'EvidenceCallFailure';
    this.status = status;
    this.code = code;
  }
}

/** Signing's evidence route and a TSA. */
export interface EvidenceSigner {
  /** The CMS of each statement (same order), signed by `office`'s seal. */
  seal(office: string, statements: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** The DER TimeStampResp the TSA answers to `request` (a DER TimeStampReq), asked with `office`'s token. */
  stamp(request: Uint8Array, office: string): Promise<Uint8Array>;
}

/** What the client needs: signing's URL, delivery's key (PEM or KeyObject), the TSA's URL. */
export interface EvidenceSignerOptions {
  signingUrl: string;
  key: string | KeyObject;
  keyId?: string | undefined;
  tsaUrl: string;
  timeoutMs: number;
  now?: () => Date;
}

/** Most bytes read of an answer (500 CMS of a few KiB each, or a time-stamp). */
const maxAnswerBytes = 32 * 1024 * 1024;

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: Buffer }> {
  let response: Response;
  try {
    response = await tracedFetch(
      url,
      { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) },
      `signing ${new URL(url).pathname.replace(/^\/v1\//, '').replaceAll('/', ' ')}`,
    );
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
    throw new EvidenceCallFailure(null, 'UNREACHABLE', `${url} could not be reached (${reason})`);
  }
  // Read up to the limit whatever the headers say (a chunked answer has no length).
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      length += chunk.length;
      if (length > maxAnswerBytes) {
        await response.body?.cancel().catch(() => {});
        throw new EvidenceCallFailure(
          response.status,
          'ANSWER_TOO_LARGE',
          `${url} answered over ${maxAnswerBytes} bytes`,
        );
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof EvidenceCallFailure) throw error;
    throw new EvidenceCallFailure(response.status, 'UNREACHABLE', `${url} broke off its answer (${String(error)})`);
  }
  return { status: response.status, body: Buffer.concat(chunks) };
}

function refusal(url: string, status: number, body: Buffer): EvidenceCallFailure {
  let code = `HTTP_${status}`;
  let detail = '';
  try {
    const problem = JSON.parse(body.toString('utf8')) as { code?: unknown; detail?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = `: ${problem.detail.slice(0, 500)}`;
  } catch {
    // Not JSON: the status says it.
  }
  return new EvidenceCallFailure(status, code, `${url} answered ${status} ${code}${detail}`);
}

/** The client; tokens are minted per office and reused until a minute before they end. */
export function createEvidenceSigner(options: EvidenceSignerOptions): EvidenceSigner {
  const key = typeof options.key === 'string' ? createPrivateKey(options.key) : options.key;
  const now = options.now ?? (() => new Date());
  const tokens = new Map<string, { token: string; exp: number }>();
  const tokenFor = (office: string): string => {
    const at = Math.floor(now().getTime() / 1000);
    const held = tokens.get(office);
    if (held !== undefined && held.exp - tokenRenewSeconds > at) return held.token;
    const exp = at + tokenLifetimeSeconds;
    const token = signAccessToken(
      { ...evidenceTokenClaims, roles: [...evidenceTokenClaims.roles], office, iat: at, exp },
      { privateKey: key, ...(options.keyId === undefined ? {} : { kid: options.keyId }) },
    );
    if (tokens.size > 10_000) tokens.clear();
    tokens.set(office, { token, exp });
    return token;
  };
  const sealUrl = `${options.signingUrl}/v1/evidence/signatures`;
  return {
    async seal(office, statements) {
      const { status, body } = await call(
        sealUrl,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${tokenFor(office)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ statements: statements.map((s) => Buffer.from(s).toString('base64')) }),
        },
        options.timeoutMs,
      );
      if (status !== 201) throw refusal(sealUrl, status, body);
      let evidence: unknown;
      try {
        evidence = (JSON.parse(body.toString('utf8')) as { evidence?: unknown }).evidence;
      } catch {
        throw new EvidenceCallFailure(status, 'ANSWER_MALFORMED', `${sealUrl} answered 201 without JSON`);
      }
      if (
        !Array.isArray(evidence) ||
        evidence.length !== statements.length ||
        !evidence.every((e) => typeof e === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(e))
      )
        throw new EvidenceCallFailure(
          status,
          'ANSWER_MALFORMED',
          `${sealUrl} answered 201 without one CMS per statement`,
        );
      return (evidence as string[]).map((e) => new Uint8Array(Buffer.from(e, 'base64')));
    },
    async stamp(request, office) {
      const { status, body } = await call(
        options.tsaUrl,
        {
          method: 'POST',
          // Signing's TSA wants an access token; the evidence token is the one delivery has.
          headers: { authorization: `Bearer ${tokenFor(office)}`, 'content-type': 'application/timestamp-query' },
          body: Buffer.from(request),
        },
        options.timeoutMs,
      );
      if (status !== 200) throw refusal(options.tsaUrl, status, body);
      return new Uint8Array(body);
    },
  };
}
