/**
 * Calls to the services: the bearer token of the configuration, JSON answers, and a
 * problem+json answer (RFC 9457) turned into a `ServiceRefusal` that the commands print as
 * `lienthong: CODE: detail` (exit 1: the service refused). A service that cannot be reached
 * or answers something else is SERVICE_UNREACHABLE (exit 2). Bodies over `progressFrom`
 * bytes are sent in chunks with a progress bar on stderr.
 */
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { endpointOf, type ClientConfig, type ServiceName } from './client-config.ts';

/** A problem a service answered with. */
export interface ServiceProblem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  [member: string]: unknown;
}

/** A refusal by a service: not an error of the command line, a result (exit 1). */
export class ServiceRefusal extends Error {
  readonly problem: ServiceProblem;
  constructor(problem: ServiceProblem) {
    super(`${problem.code}: ${problem.detail ?? problem.title ?? `HTTP ${problem.status}`}`);
    this.problem = problem;
  }
}

/** Bodies larger than this show a progress bar while they upload (4 MiB). */
export const progressFrom = 4 * 1024 * 1024;
const chunkSize = 256 * 1024;

/** A body streamed from its chunks (a file read as it is sent), of a known length. */
export interface StreamedBody {
  chunks: () => AsyncIterable<Uint8Array>;
  length: number;
  contentType: string;
}

/** A request. */
export interface ServiceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Extra request headers (`idempotency-key`). */
  headers?: Record<string, string>;
  body?: { bytes: Uint8Array; contentType: string } | StreamedBody;
  /** Send no token: a public route (signing's CA material) that would refuse one not naming it. */
  anonymous?: boolean;
}

async function* chunksOf(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
}

function uploadWithProgress(io: CliIo, chunks: AsyncIterable<Uint8Array>, total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  const source = chunks[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await source.next();
      if (next.done === true) {
        io.stderr('\n');
        controller.close();
        return;
      }
      sent += next.value.length;
      const share = Math.min(30, Math.floor((sent / total) * 30));
      io.stderr(`\rupload [${'#'.repeat(share)}${' '.repeat(30 - share)}] ${mb(sent)}/${mb(total)} MB`);
      controller.enqueue(next.value);
    },
  });
}

async function* streamOf(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* chunks;
}

/** The problem of a refusal, from a problem+json body or, failing that, the status alone. */
function problemOf(status: number, text: string, contentType: string): ServiceProblem {
  if (contentType.startsWith('application/problem+json') || contentType.startsWith('application/json')) {
    try {
      const body = JSON.parse(text) as Partial<ServiceProblem>;
      if (typeof body.code === 'string') return { ...body, status, code: body.code };
    } catch {
      // Not JSON after all: the status speaks.
    }
  }
  return { status, code: `HTTP_${status}`, detail: text.slice(0, 200) || `HTTP ${status}` };
}

/**
 * Sends `request` to `service` and returns its successful response (asking for JSON unless
 * the request's headers name another `accept`); throws ServiceRefusal (4xx/5xx) or CliError
 * SERVICE_UNREACHABLE.
 */
export async function sendToService(
  io: CliIo,
  config: ClientConfig,
  service: ServiceName,
  request: ServiceRequest,
): Promise<Response> {
  const base = endpointOf(config, service);
  const url = new URL(request.path.replace(/^\//, ''), base.href.endsWith('/') ? base : new URL(`${base.href}/`));
  for (const [name, value] of Object.entries(request.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, String(value));
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...request.headers,
  };
  if (request.anonymous !== true) headers.authorization = `Bearer ${config.token}`;
  let body: Buffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | undefined;
  if (request.body !== undefined) {
    const sent = request.body;
    const length = 'bytes' in sent ? sent.bytes.length : sent.length;
    headers['content-type'] = sent.contentType;
    headers['content-length'] = String(length);
    const chunks = 'bytes' in sent ? chunksOf(sent.bytes) : sent.chunks();
    if (length > progressFrom) body = uploadWithProgress(io, chunks, length);
    else body = 'bytes' in sent ? Buffer.from(sent.bytes) : streamOf(chunks);
  }
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body, duplex: 'half' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      'SERVICE_UNREACHABLE',
      `${service} at ${base.origin}: ${cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e))} (check endpoints.${service} in ${config.path}).`,
      { cause: e },
    );
  }
  if (!response.ok)
    throw new ServiceRefusal(
      problemOf(response.status, await response.text(), response.headers.get('content-type') ?? ''),
    );
  return response;
}

/** Calls `service` and returns its JSON answer; throws ServiceRefusal (4xx/5xx) or CliError SERVICE_UNREACHABLE. */
export async function callService<T>(
  io: CliIo,
  config: ClientConfig,
  service: ServiceName,
  request: ServiceRequest,
): Promise<T> {
  const response = await sendToService(io, config, service, request);
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CliError(
      'SERVICE_UNREACHABLE',
      `${service} at ${endpointOf(config, service).origin} answered ${response.status} without JSON: is it a lienthong service?`,
      {
        cause: e,
      },
    );
  }
}

/** Prints a refusal: `--json` the problem on stdout, else one line on stderr, then each listed problem. Returns exit 1. */
export function reportRefusal(io: CliIo, refusal: ServiceRefusal, json: boolean): number {
  const { problem } = refusal;
  if (json) {
    io.stdout(`${JSON.stringify(problem, null, 2)}\n`);
    return 1;
  }
  io.stderr(`lienthong: ${problem.code}: ${problem.detail ?? problem.title ?? `HTTP ${problem.status}`}\n`);
  const listed = Array.isArray(problem.problems)
    ? (problem.problems as { pointer?: string; line?: number; message?: string }[])
    : [];
  for (const p of listed)
    io.stderr(
      `  ${p.line === undefined ? p.pointer || '/' : `line ${p.line} (${p.pointer || '/'})`}: ${p.message ?? ''}\n`,
    );
  if (Array.isArray(problem.offices))
    io.stderr(`  outside your part of the directory: ${(problem.offices as string[]).join(', ')}\n`);
  if (Array.isArray(problem.errors))
    for (const e of problem.errors as { pointer?: string; detail?: string }[])
      io.stderr(`  ${e.pointer ?? ''}: ${e.detail ?? ''}\n`);
  return 1;
}

/**
 * Calls `service` for a file (a CSV, a PDF) and returns its bytes; throws ServiceRefusal
 * or SERVICE_UNREACHABLE, also when the answer is not of the media type `accept`.
 */
export async function fetchServiceFile(
  io: CliIo,
  config: ClientConfig,
  service: ServiceName,
  request: ServiceRequest,
  accept: string,
): Promise<Uint8Array> {
  const response = await sendToService(io, config, service, {
    ...request,
    headers: { ...request.headers, accept: `${accept}, application/problem+json` },
  });
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== accept)
    throw new CliError(
      'SERVICE_UNREACHABLE',
      `${service} at ${endpointOf(config, service).origin} answered ${type || 'no media type'}, not ${accept}: is it a lienthong service?`,
    );
  return new Uint8Array(await response.arrayBuffer());
}
