/**
 * Structured JSON logs (pino), one line per event, with secrets redacted before they are
 * written: credentials in headers and any `password`, `secretKey`, `privateKey`, `pin`
 * field up to three levels deep.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger };

const secretFields = [
  'password',
  'secretKey',
  'privateKey',
  'pin',
  'newPin',
  'accessKey',
  'token',
  'passphrase',
  'kek',
];

/** The paths pino censors: headers with credentials, then secret fields at any of 3 depths. */
export const redactPaths: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  ...secretFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Service name, added to every line as `service`. */
  name: string;
  level: string;
  /** Where lines go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream;
}

/** Creates the service logger. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.name },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

const requestIdPattern = /^[\w.:@-]{1,128}$/;

/**
 * The request id: the caller's `x-request-id` when it is a sane token (so one id follows
 * a request across services), otherwise a new UUID. Odd values are not trusted in logs.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
}
