/**
 * Signing's `POST /v1/verify/pdf` as the ingest uses it: the archived PDF streamed to signing,
 * its verification report (libs/pades `PdfVerificationReport`) back. The archive has no
 * caller to relay, so it signs short tokens of its own (`LIENTHONG_ARCHIVE_SERVICE_KEY`;
 * signing lists the public key in `LIENTHONG_SIGNING_ARCHIVE_JWKS` and takes those tokens on
 * `/v1/verify/pdf` and `/v1/tsa` only), as delivery does for its evidence.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import { signAccessToken, tracedFetch } from '@lienthong/service';

/** The token's issuer, subject, audience and role (the contract with services/signing). */
export const archiveTokenClaims = Object.freeze({
  iss: 'lienthong-archive',
  sub: 'service:archive',
  aud: 'lienthong-signing',
  roles: ['archive-keeper'],
});

/** How long a minted token lives, and how long before its end a new one is minted. */
const tokenLifetimeSeconds = 300;
const tokenRenewSeconds = 60;

/** Most bytes of a report read (a report is a few KiB per signature). */
const maxReportBytes = 16 * 1024 * 1024;

/** What signing said of a PDF: the report as it came, and its indication. */
export interface ValidationReport {
  indication: string;
  subIndication: string | null;
  /** The whole report (JSON object) as signing answered it. */
  report: Record<string, unknown>;
}

/**
 * Signing could not give a report now (unreachable, 5xx, busy, our token refused, not
 * configured): the ingest waits and asks again; nothing is archived meanwhile.
 */
export class ValidationUnavailable extends Error {
  readonly status: number | null;
  constructor(status: number | null, message: string) {
    super(message);
    this.name = 'ValidationUnavailable';
    this.status = status;
  }
}

/** Signing refused the PDF itself (too large, over a parsing limit, not a PDF body): asking again will not help. */
export class ValidationRefused extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ValidationRefused';
    this.status = status;
  }
}

/** Verifies a PDF with signing, for the record's issuing office. */
export interface PdfValidator {
  verifyPdf(office: string, pdf: Readable, size: number): Promise<ValidationReport>;
}

/**
 * Requests of one office in flight at once: signing lets one caller (subject and office) have
 * `LIENTHONG_SIGNING_UPLOADS_PER_CALLER` uploads in flight (2 by default) and answers 429 to
 * the next; the ingest's concurrent records wait here instead.
 */
export const defaultRequestsPerOffice = 2;

/** What the client needs: signing's base URL, the archive's key, its kid, the time limit. */
export interface PdfValidatorOptions {
  signingUrl: string;
  key: string | KeyObject;
  keyId?: string | undefined;
  timeoutMs: number;
  now?: () => Date;
  /** Requests of one office in flight at once (default `defaultRequestsPerOffice`). */
  requestsPerOffice?: number;
}

/** A gate per office: at most `limit` holders at once, the others queued in order. */
function officeGates(limit: number) {
  const gates = new Map<string, { held: number; waiting: Array<() => void> }>();
  return async <T>(office: string, work: () => Promise<T>): Promise<T> => {
    let gate = gates.get(office);
    if (gate === undefined) gates.set(office, (gate = { held: 0, waiting: [] }));
    if (gate.held >= limit) await new Promise<void>((resolve) => gate.waiting.push(resolve));
    else gate.held += 1;
    try {
      return await work();
    } finally {
      const next = gate.waiting.shift();
      if (next !== undefined) next();
      else if (--gate.held === 0) gates.delete(office);
    }
  };
}

/** A validator that is not configured (no signing URL or key): every call is `ValidationUnavailable`. */
export const unconfiguredValidator: PdfValidator = {
  async verifyPdf(_office, pdf) {
    pdf.destroy();
    throw new ValidationUnavailable(
      null,
      'no LIENTHONG_ARCHIVE_SIGNING_URL or LIENTHONG_ARCHIVE_SERVICE_KEY: the PDF cannot be validated',
    );
  },
};

async function readCapped(response: Response, url: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      length += chunk.length;
      if (length > maxReportBytes) {
        await response.body?.cancel().catch(() => {});
        throw new ValidationRefused(response.status, `${url} answered over ${maxReportBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ValidationRefused) throw error;
    throw new ValidationUnavailable(response.status, `${url} broke off its answer (${String(error)})`);
  }
  return Buffer.concat(chunks);
}

function problemOf(body: Buffer): string {
  try {
    const problem = JSON.parse(body.toString('utf8')) as { code?: unknown; detail?: unknown };
    return [problem.code, problem.detail]
      .filter((v) => typeof v === 'string')
      .join(': ')
      .slice(0, 500);
  } catch {
    return '';
  }
}

/** The client; tokens are minted per office and reused until a minute before they end. */
export function createPdfValidator(options: PdfValidatorOptions): PdfValidator {
  const key = typeof options.key === 'string' ? createPrivateKey(options.key) : options.key;
  const now = options.now ?? (() => new Date());
  const tokens = new Map<string, { token: string; exp: number }>();
  const tokenFor = (office: string): string => {
    const at = Math.floor(now().getTime() / 1000);
    const held = tokens.get(office);
    if (held !== undefined && held.exp - tokenRenewSeconds > at) return held.token;
    const exp = at + tokenLifetimeSeconds;
    const token = signAccessToken(
      { ...archiveTokenClaims, roles: [...archiveTokenClaims.roles], office, iat: at, exp },
      { privateKey: key, ...(options.keyId === undefined ? {} : { kid: options.keyId }) },
    );
    if (tokens.size > 10_000) tokens.clear();
    tokens.set(office, { token, exp });
    return token;
  };
  const url = `${options.signingUrl}/v1/verify/pdf`;
  const gated = officeGates(options.requestsPerOffice ?? defaultRequestsPerOffice);
  return {
    verifyPdf: (office, pdf, size) => gated(office, () => verifyOnce(office, pdf, size)),
  };

  async function verifyOnce(office: string, pdf: Readable, size: number): Promise<ValidationReport> {
    let response: Response;
    try {
      response = await tracedFetch(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokenFor(office)}`,
            'content-type': 'application/pdf',
            'content-length': String(size),
          },
          body: Readable.toWeb(pdf) as ReadableStream<Uint8Array>,
          duplex: 'half',
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        },
        'signing verify pdf',
      );
    } catch (error) {
      pdf.destroy();
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
      throw new ValidationUnavailable(null, `${url} could not be reached (${reason})`);
    }
    const body = await readCapped(response, url);
    if (response.status !== 200) {
      const said = `${url} answered ${response.status} ${problemOf(body)}`.trim();
      // 400, 413, 415, 422: about this PDF; everything else (401/403 our key, 429, 5xx) may pass.
      if ([400, 413, 415, 422].includes(response.status)) throw new ValidationRefused(response.status, said);
      throw new ValidationUnavailable(response.status, said);
    }
    let report: unknown;
    try {
      report = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ValidationUnavailable(200, `${url} answered 200 without JSON`);
    }
    if (typeof report !== 'object' || report === null || Array.isArray(report))
      throw new ValidationUnavailable(200, `${url} answered 200 without a report`);
    const { indication, subIndication } = report as { indication?: unknown; subIndication?: unknown };
    if (typeof indication !== 'string' || !/^[A-Z_]{1,64}$/.test(indication))
      throw new ValidationUnavailable(200, `${url} answered a report without an indication`);
    return {
      indication,
      subIndication: typeof subIndication === 'string' ? subIndication.slice(0, 64) : null,
      report: report as Record<string, unknown>,
    };
  }
}
