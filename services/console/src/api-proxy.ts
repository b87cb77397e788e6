/**
 * The same-origin way from the pages to the services: `/api/<service>/v1/…` is passed to that
 * service's `/v1/…` with the caller's own Authorization header, untouched. The console adds no
 * token and no identity of its own (no back door): what a page shows is what the service lets
 * that token see. Only a short list of request headers goes on (no cookies); the answer comes
 * back streamed, server-sent events included.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { sendProblem, toProblem } from '@lienthong/service';
import { proxiedServices } from './config.ts';
import type { ConsoleConfig, ProxiedService } from './config.ts';
import { consoleErrors } from './errors.ts';

/** Request headers a page may send to a service; everything else (cookies first) stays here. */
export const forwardedRequestHeaders = [
  'accept',
  'authorization',
  'content-type',
  'content-length',
  'idempotency-key',
  'if-none-match',
  'last-event-id',
  'lienthong-pin',
  'range',
  'traceparent',
] as const;

// Hop-by-hop headers (RFC 9110 §7.6.1) and cookies never cross the console.
const droppedResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
]);

/**
 * The service path of a raw console URL, or why it is refused: it must be under `/v1/`, with
 * no `.` or `..` segment (raw, percent-decoded, or inside an encoded `%2F` name), no backslash
 * and no malformed percent-encoding.
 */
export function servicePath(rest: string): string | undefined {
  const [path = '', ...query] = rest.split('?');
  if (!path.startsWith('v1/') && path !== 'v1') return undefined;
  if (!/^[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(path)) return undefined;
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded.includes('\\') || decoded.includes('\0')) return undefined;
    if (decoded.split('/').some((part) => part === '.' || part === '..')) return undefined;
  }
  return `/${path}${query.length > 0 ? `?${query.join('?')}` : ''}`;
}

/** Counts the bytes of a request body and fails past the limit. */
class BodyLimit extends Transform {
  private seen = 0;
  private readonly limit: number;
  exceeded = false;
  constructor(limit: number) {
    super();
    this.limit = limit;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      this.exceeded = true;
      callback(new Error('request body over the limit'));
      return;
    }
    callback(null, chunk);
  }
}

function refuse(request: FastifyRequest, reply: FastifyReply, code: keyof typeof consoleErrors): FastifyReply {
  return sendProblem(reply, toProblem(request, consoleErrors[code]));
}

/** What the proxy counts (`/metrics`). */
interface ProxyCounters {
  /** Requests that reached no answer of the service (unreachable, timed out, cut), by service. */
  unavailable: Counter<'upstream'>;
}

async function proxy(
  config: ConsoleConfig,
  counters: ProxyCounters,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const match = /^\/api\/([^/?]*)\/?(.*)$/s.exec(request.url);
  const name = match?.[1] ?? '';
  if (!(proxiedServices as readonly string[]).includes(name)) return refuse(request, reply, 'CONSOLE_SERVICE_UNKNOWN');
  const origin = config.upstreams[name as ProxiedService];
  if (origin === undefined) return refuse(request, reply, 'CONSOLE_SERVICE_NOT_CONFIGURED');
  const path = servicePath(match?.[2] ?? '');
  if (path === undefined) return refuse(request, reply, 'CONSOLE_PATH_REFUSED');
  const declared = Number(request.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && declared > config.maxBodyBytes)
    return refuse(request, reply, 'CONSOLE_BODY_TOO_LARGE');

  const headers: Record<string, string | string[]> = {};
  for (const header of forwardedRequestHeaders) {
    const value = request.headers[header];
    if (value !== undefined) headers[header] = value;
  }
  // HTTP/1.1 §6: a request has a body only when it says so (a length or a transfer coding); a
  // bodiless DELETE must not reach the service as an endless chunked one.
  const announced =
    request.headers['transfer-encoding'] !== undefined ||
    (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && announced;
  if (hasBody && headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';
  const url = new URL(path, origin);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<FastifyReply>((resolve) => {
    const limit = new BodyLimit(config.maxBodyBytes);
    const upstream = send(url, { method: request.method, headers, timeout: config.upstreamTimeoutMs });
    const fail = (code: 'CONSOLE_BODY_TOO_LARGE' | 'CONSOLE_UPSTREAM_UNAVAILABLE') => {
      if (!reply.sent && !reply.raw.headersSent) resolve(refuse(request, reply, code));
      else reply.raw.destroy();
    };
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', () => {
      if (limit.exceeded) return fail('CONSOLE_BODY_TOO_LARGE');
      counters.unavailable.inc({ upstream: name });
      return fail('CONSOLE_UPSTREAM_UNAVAILABLE');
    });
    upstream.on('response', (answer: IncomingMessage) => {
      // A long answer (a stream, a PDF) may go quiet for longer than the header wait.
      upstream.setTimeout(0);
      reply.code(answer.statusCode ?? 502);
      for (const [header, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !droppedResponseHeaders.has(header)) reply.header(header, value);
      }
      reply.raw.on('close', () => answer.destroy());
      resolve(reply.send(answer));
    });
    if (!hasBody) {
      upstream.end();
      return;
    }
    limit.on('error', () => upstream.destroy(new Error('body over the limit')));
    // A caller gone mid-upload: the service must not wait for the rest until its timeout.
    request.raw.on('close', () => {
      if (!request.raw.complete) upstream.destroy(new Error('the caller went away mid-body'));
    });
    request.raw.pipe(limit).pipe(upstream);
  });
}

/** Registers `/api/<service>/*` for every method; bodies are streamed, never parsed here. */
export async function apiProxy(app: FastifyInstance, options: { config: ConsoleConfig }): Promise<void> {
  const counters: ProxyCounters = {
    unavailable: new Counter({
      name: 'lienthong_console_upstream_unavailable_total',
      help: 'Requests the console passed to a service that got no answer from it (unreachable, timed out, cut)',
      labelNames: ['upstream'] as const,
      registers: [app.metrics.registry],
    }),
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/*',
    handler: (request, reply) => proxy(options.config, counters, request, reply),
  });
}
