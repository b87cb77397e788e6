/**
 * Intake's incoming register as delivery uses it, over HTTP: `POST /v1/registers/incoming`
 * (services/intake README, "Routes"). Delivery acts ON BEHALF OF the caller: the call
 * carries the receiving office's own bearer token, never one minted here, so intake applies
 * its own rules (which office, which role). Intake keeps the first number of a document,
 * so calling again after a crash gives the same number.
 *
 * Intake unreachable, not configured or failing (5xx, 429) → 503 INTAKE_UNAVAILABLE; any
 * other refusal → 422 INTAKE_REFUSED with intake's code in `intakeCode`.
 */
import { AppError, tracedFetch } from '@lienthong/service';
import { deliveryErrors } from '../errors.ts';

/** What the incoming register is given. */
export interface IncomingRegistration {
  documentId: string;
  documentType: string;
  symbol: string;
  subject: string;
}

/** The number an accepted document got: its number in the series of a period (the year). */
export interface IncomingNumber {
  number: number;
  period: string;
}

/** Intake, called with the caller's `authorization` header. */
export interface IntakeClient {
  /** Throws 503 INTAKE_UNAVAILABLE when no intake is configured. */
  ensureConfigured(): void;
  registerIncoming(authorization: string, registration: IncomingRegistration): Promise<IncomingNumber>;
}

const unavailable = (detail: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
  new AppError(deliveryErrors.INTAKE_UNAVAILABLE, { detail, extra, ...(cause === undefined ? {} : { cause }) });

/** The intake client at `baseUrl`; without one, every call is 503 INTAKE_UNAVAILABLE. */
export function createIntakeClient(baseUrl: string | undefined): IntakeClient {
  const notConfigured = () =>
    unavailable('LIENTHONG_DELIVERY_INTAKE_URL is not configured: documents cannot be registered.');
  return {
    ensureConfigured() {
      if (baseUrl === undefined) throw notConfigured();
    },
    async registerIncoming(authorization, registration) {
      if (baseUrl === undefined) throw notConfigured();
      let response: Response;
      try {
        response = await tracedFetch(
          `${baseUrl}/v1/registers/incoming`,
          {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify(registration),
            signal: AbortSignal.timeout(30_000),
          },
          'intake register incoming',
        );
      } catch (error) {
        const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
        throw unavailable(`intake at ${baseUrl} could not be reached (${reason})`, {}, error);
      }
      const text = await response.text().catch(() => '');
      let body: { code?: unknown; detail?: unknown; number?: unknown; period?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // Not JSON: the status alone says what happened.
      }
      const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
      const said = `intake answered ${response.status} ${code}${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`;
      const extra = { intakeCode: code, intakeStatus: response.status };
      if (response.status >= 500 || response.status === 429) throw unavailable(said, extra);
      if (!response.ok) throw new AppError(deliveryErrors.INTAKE_REFUSED, { detail: said, extra });
      if (typeof body.number !== 'number' || typeof body.period !== 'string')
        throw unavailable('intake answered without a number', extra);
      return { number: body.number, period: body.period };
    },
  };
}
