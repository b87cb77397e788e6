/**
 * The signing service as intake uses it, over HTTP (services/signing README, "Routes"):
 * the caller's keys and a PDF signature by one of them. Intake acts ON BEHALF OF the
 * caller: every call carries the caller's own bearer token (the signer's for their
 * signature, the registry's for the seal), never one minted by intake, so signing applies
 * its own rules (whose key, which PIN, which office). The PIN is passed in its header and
 * is never kept or logged here.
 *
 * Signing's per-caller upload limit (429 TOO_MANY_REQUESTS with Retry-After) is waited
 * out and the call made again, up to `maxBusyRetries` times when signing asks for at most
 * `maxBusyWaitSeconds`; intake's own gate (caller-gate.ts) keeps its calls within that
 * limit, so this covers the caller's other clients of signing.
 *
 * Signing's answers become intake problems: unreachable, not configured, 5xx or its
 * per-caller upload limit still reached after the retries → 503 SIGNING_UNAVAILABLE; a
 * wrong PIN, a locked key, too many wrong PINs keep their meaning; any other refusal is 422
 * SIGNING_REFUSED with signing's code in `signingCode`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, tracedFetch } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';

/** What a key is for at the signing service. */
export type KeyPurpose = 'personal' | 'seal';

/** A PDF signature asked of signing: which key, the query (level, field, block), the PIN when personal. */
export interface PdfSignatureRequest {
  keyId: string;
  query: URLSearchParams;
  pin?: string;
  /** The PDF to sign (a file). */
  input: string;
  /** Where the signed PDF is written; `onChunk` sees its bytes as they arrive. */
  output: string;
  onChunk?: (chunk: Buffer) => void;
}

/** A two-step PDF signature asked of signing: the token's certificate (and chain), the query, the PDF. */
export interface PdfPreparationRequest {
  /** The token's certificate, DER. */
  certificate: Uint8Array;
  /** Its issuing CA certificates, DER (at most 4). */
  chain: Uint8Array[];
  query: URLSearchParams;
  /** The PDF to prepare (a file). */
  input: string;
}

/** What the token must sign, as signing prepared it (services/signing README, "Two-step signing"). */
export interface PreparedPdfSignature {
  id: string;
  algorithm: string;
  signedAttributes: string;
  digest: string;
  digestInfo: string;
  expiresAt: string;
}

/** The completion of a prepared PDF signature: the session, the token's value, where the signed PDF goes. */
export interface PdfCompletionRequest {
  session: string;
  /** The token's signature value, base64. */
  signatureValue: string;
  output: string;
  onChunk?: (chunk: Buffer) => void;
}

/** The signing service, called with the caller's `authorization` header. */
export interface SigningClient {
  /** Throws 503 SIGNING_UNAVAILABLE when no signing service is configured. */
  ensureConfigured(): Promise<void>;
  /** The id of the caller's usable key of `purpose` (unlocked and in its validity first). */
  keyOf(authorization: string, purpose: KeyPurpose): Promise<string>;
  /** Signs a PDF: `POST /v1/keys/{id}/pdf-signatures`, the answer written to `request.output`. */
  signPdf(authorization: string, request: PdfSignatureRequest): Promise<void>;
  /** Prepares a PDF signature for a USB token: `POST /v1/two-step/pdf`. */
  preparePdf(authorization: string, request: PdfPreparationRequest): Promise<PreparedPdfSignature>;
  /** Completes it with the token's value: `POST /v1/two-step/pdf/{id}/completion`, the answer written to `request.output`. */
  completePdf(authorization: string, request: PdfCompletionRequest): Promise<void>;
}

interface KeyListing {
  keys: Array<{ id: string; purpose: string; locked: boolean; notBefore: string; notAfter: string }>;
}

interface SigningProblem {
  code?: string;
  detail?: string;
  title?: string;
  attemptsLeft?: number;
  retryAfterSeconds?: number;
}

const unavailable = (detail: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
  new AppError(intakeErrors.SIGNING_UNAVAILABLE, { detail, extra, ...(cause === undefined ? {} : { cause }) });

/** How many times a call refused for signing's per-caller upload limit is made again. */
export const maxBusyRetries = 3;

/** The longest Retry-After (seconds) waited out; a longer one is passed on as 503. */
export const maxBusyWaitSeconds = 10;

/** Signing's problem document of a refusal (empty when the body is not one). */
async function problemOf(response: Response): Promise<SigningProblem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    // Not a problem document: the status alone says what happened.
    return {};
  }
}

/** The seconds signing asks a refused caller to wait, when it is a refusal for its upload limit and short enough. */
function busyWaitOf(response: Response, problem: SigningProblem): number | undefined {
  if (response.status !== 429 || problem.code !== 'TOO_MANY_REQUESTS') return undefined;
  const header = response.headers.get('retry-after') ?? '';
  const seconds = /^\d{1,6}$/.test(header) ? Number(header) : 1;
  return seconds <= maxBusyWaitSeconds ? seconds : undefined;
}

/** An intake problem for signing's refusal `response` with its `problem` document. */
function refusalOf(response: Response, problem: SigningProblem): AppError {
  const code = typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`;
  const said = `signing answered ${response.status} ${code}${problem.detail === undefined ? '' : `: ${problem.detail}`}`;
  const extra = { signingCode: code, signingStatus: response.status };
  // Signing's own load limits (uploads per caller, a full parsing queue) pass: try again.
  if (response.status >= 500 || code === 'TOO_MANY_REQUESTS') return unavailable(said, extra);
  switch (code) {
    case 'SIGNING_KEY_PIN_INCORRECT':
      return new AppError(intakeErrors.SIGNING_PIN_INCORRECT, {
        detail: said,
        extra: { ...extra, ...(problem.attemptsLeft === undefined ? {} : { attemptsLeft: problem.attemptsLeft }) },
      });
    case 'SIGNING_KEY_LOCKED':
      return new AppError(intakeErrors.SIGNING_KEY_LOCKED, { detail: said, extra });
    case 'SIGNING_SESSION_NOT_FOUND':
      return new AppError(intakeErrors.SIGNING_SESSION_NOT_FOUND, { detail: said, extra });
    case 'SIGNING_SESSION_USED':
      return new AppError(intakeErrors.SIGNING_SESSION_USED, { detail: said, extra });
    case 'SIGNING_SESSION_EXPIRED':
      return new AppError(intakeErrors.SIGNING_SESSION_EXPIRED, { detail: said, extra });
    case 'SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED':
      return new AppError(intakeErrors.SIGNING_PIN_ATTEMPTS_EXCEEDED, {
        detail: said,
        extra: {
          ...extra,
          ...(problem.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: problem.retryAfterSeconds }),
        },
      });
    default:
      return new AppError(intakeErrors.SIGNING_REFUSED, { detail: said, extra });
  }
}

/** A request that streams the PDF file `input` (`size` bytes) to signing with `headers`. */
function pdfUpload(authorization: string, input: string, size: number, headers: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/pdf', 'content-length': String(size), ...headers },
    body: Readable.toWeb(createReadStream(input)),
    duplex: 'half',
  };
}

/** Writes signing's PDF answer to `output`, `onChunk` seeing its bytes; a cut answer is 503. */
async function receivePdf(response: Response, output: string, onChunk?: (chunk: Buffer) => void): Promise<void> {
  const see = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onChunk?.(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body!), see, createWriteStream(output, { mode: 0o600 }));
  } catch (error) {
    throw unavailable('the signing service’s answer was cut off', {}, error);
  }
}

/** The signing client at `baseUrl`; without one, every call is 503 SIGNING_UNAVAILABLE. */
export function createSigningClient(baseUrl: string | undefined): SigningClient {
  const notConfigured = () =>
    unavailable('LIENTHONG_INTAKE_SIGNING_URL is not configured: intake cannot sign or seal.');
  /** Calls signing; `init` makes each attempt's request (a body stream is read once). */
  async function call(url: string, init: () => RequestInit, name = 'signing sign pdf'): Promise<Response> {
    if (baseUrl === undefined) throw notConfigured();
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await tracedFetch(`${baseUrl}${url}`, init(), url === '/v1/keys' ? 'signing list keys' : name);
      } catch (error) {
        const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
        throw unavailable(`the signing service at ${baseUrl} could not be reached (${reason})`, {}, error);
      }
      if (response.ok) return response;
      const problem = await problemOf(response);
      const wait = busyWaitOf(response, problem);
      if (wait === undefined || attempt >= maxBusyRetries) throw refusalOf(response, problem);
      await sleep(wait * 1000);
    }
  }

  return {
    async ensureConfigured() {
      if (baseUrl === undefined) throw notConfigured();
    },

    async keyOf(authorization, purpose) {
      const response = await call('/v1/keys', () => ({ headers: { authorization } }));
      const { keys } = (await response.json()) as KeyListing;
      const now = Date.now();
      const ofPurpose = keys.filter((k) => k.purpose === purpose);
      const current = ofPurpose.filter((k) => Date.parse(k.notBefore) <= now && now < Date.parse(k.notAfter));
      // An unlocked key first; a locked one only so that signing says it is locked.
      const key = current.find((k) => !k.locked) ?? current[0];
      if (key === undefined)
        throw new AppError(intakeErrors.SIGNING_KEY_MISSING, {
          detail: `the caller has no ${purpose === 'seal' ? 'office seal' : 'personal'} key in its validity at the signing service`,
        });
      return key.id;
    },

    async signPdf(authorization, request) {
      const { size } = await stat(request.input);
      const response = await call(
        `/v1/keys/${encodeURIComponent(request.keyId)}/pdf-signatures?${request.query.toString()}`,
        () =>
          pdfUpload(authorization, request.input, size, {
            ...(request.pin === undefined ? {} : { 'lienthong-pin': request.pin }),
          }),
      );
      await receivePdf(response, request.output, request.onChunk);
    },

    async preparePdf(authorization, request) {
      const { size } = await stat(request.input);
      const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
      const response = await call(
        `/v1/two-step/pdf?${request.query.toString()}`,
        () =>
          pdfUpload(authorization, request.input, size, {
            'lienthong-certificate': b64(request.certificate),
            ...(request.chain.length === 0 ? {} : { 'lienthong-chain': request.chain.map(b64).join(',') }),
          }),
        'signing prepare pdf',
      );
      return (await response.json()) as PreparedPdfSignature;
    },

    async completePdf(authorization, request) {
      const response = await call(
        `/v1/two-step/pdf/${encodeURIComponent(request.session)}/completion`,
        () => ({
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ signatureValue: request.signatureValue }),
        }),
        'signing complete pdf',
      );
      await receivePdf(response, request.output, request.onChunk);
    },
  };
}
