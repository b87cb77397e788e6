/**
 * An office system's webhook receiver for the tests: a local HTTP server that checks each
 * request with `verifyWebhook` (400 and nothing kept for a request that does not verify),
 * de-duplicates on the id, and answers with the statuses a test queues (200 otherwise).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@lienthong/delivery/webhook-verify';
import type { WebhookVerdict } from '@lienthong/delivery/webhook-verify';

/** One request as received. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verdict: WebhookVerdict;
  answered: number;
}

/** A receiver at `url`; `secrets` per path are what it verifies with. */
export interface Receiver {
  url: (path: string) => string;
  secrets: Map<string, string[]>;
  /** Statuses to answer next, per path, in order. */
  answers: Map<string, number[]>;
  received: Received[];
  /** Verified requests, each id once (what the office system acts on). */
  events: Map<string, { path: string; body: Record<string, unknown> }>;
  /** The receiver's clock (the real one unless a test moves it). */
  now: () => Date;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1. */
export async function startReceiver(): Promise<Receiver> {
  const secrets = new Map<string, string[]>();
  const answers = new Map<string, number[]>();
  const received: Received[] = [];
  const events = new Map<string, { path: string; body: Record<string, unknown> }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verifyWebhook({ secrets: secrets.get(path) ?? [], headers: req.headers, body, now: self.now() });
      const queued = answers.get(path)?.shift();
      const answered = !verdict.ok ? 400 : (queued ?? 200);
      received.push({ path, headers: req.headers, body, verdict, answered });
      if (verdict.ok && answered < 300 && !events.has(verdict.id))
        events.set(verdict.id, { path, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(verdict.ok ? '{}' : JSON.stringify({ reason: verdict.reason }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const self: Receiver = {
    now: () => new Date(),
    url: (path) => `http://127.0.0.1:${port}${path}`,
    secrets,
    answers,
    received,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return self;
}
