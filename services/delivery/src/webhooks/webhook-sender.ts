/**
 * One webhook request: POST of the JSON body with its signature headers, under a time
 * limit for the whole exchange, redirects never followed (a 3xx is a failed attempt), at
 * most `responseLimit` bytes of the answer read, and the target checked twice (the URL
 * here, the addresses actually connected to in the lookup: `webhook-target.ts`).
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TargetPolicy } from './webhook-target.ts';
import { guardedLookup, targetProblem } from './webhook-target.ts';

/** The outcome of one attempt. */
export interface SendOutcome {
  /** The HTTP status, null when there was no answer. */
  status: number | null;
  /** Why it failed (no answer, a refused target), null on an answer. */
  error: string | null;
  /** True when trying again cannot help (a refused target). */
  permanent: boolean;
}

/** Most bytes of an answer read (the rest is dropped with the connection). */
const responseLimit = 1024;

/** Sends `body` to `url` with `headers`; never throws. */
export function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: TargetPolicy & { timeoutMs: number },
): Promise<SendOutcome> {
  const problem = targetProblem(url, options);
  if (problem !== undefined) return Promise.resolve({ status: null, error: `refused: ${problem}`, permanent: true });
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = request(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options.allowPrivate),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'lienthong-delivery-webhooks/1',
        },
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= responseLimit) settle({ status: res.statusCode ?? null, error: null, permanent: false });
        });
        res.on('end', () => settle({ status: res.statusCode ?? null, error: null, permanent: false }));
        res.on('error', () => settle({ status: res.statusCode ?? null, error: null, permanent: false }));
      },
    );
    const timer = setTimeout(
      () => settle({ status: null, error: `no answer within ${options.timeoutMs} ms`, permanent: false }),
      options.timeoutMs,
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      settle({
        status: null,
        error:
          err.code === 'WEBHOOK_TARGET_PRIVATE'
            ? `refused: ${err.message}`
            : `${err.code ?? 'error'}: ${err.message}`.slice(0, 300),
        permanent: err.code === 'WEBHOOK_TARGET_PRIVATE',
      }),
    );
    req.end(body);
  });
}
