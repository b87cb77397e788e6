/**
 * What the console's HTTP tests share: a console app on a given config, a stand-in service that
 * records what reaches it (the console's upstream; no Postgres, Kafka or MinIO is involved), and
 * a raw GET that sends a path exactly as written (fetch and inject would normalise `..`).
 */
import { request as httpRequest, createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConsoleConfig } from '../src/config.ts';

/** A console on `env` (silent logs), closed by the test's teardown. */
export async function consoleApp(
  t: { teardown(fn: () => unknown): void },
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const app = await buildApp(loadConsoleConfig({ LIENTHONG_LOG_LEVEL: 'silent', ...env }));
  t.teardown(() => app.close());
  return app;
}

/** What one request to the stand-in service looked like. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A stand-in service on a loopback port: it records each request and answers with `answer`. */
export async function standInService(
  t: { teardown(fn: () => unknown): void },
  answer: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void = (_q, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  },
): Promise<{ url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => undefined);
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      answer(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** GET `path` as written, on a listening app; resolves with the status and body. */
export async function rawGet(app: FastifyInstance, path: string): Promise<{ status: number; body: string }> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
