/**
 * `application/pdf` request bodies, streamed to a temporary file (never held in memory)
 * while their SHA-256 is computed; a body over the limit is refused with 413 as soon as
 * it is seen to be. A caller (one subject of one office) has at most `uploadsPerCaller`
 * uploads in flight; the next is refused with 429 before its body is read. The files of a
 * request are removed once its response is over: sent, failed, or cut off by a client
 * that went away mid-upload.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, serviceErrors } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { problemResponse, mediaTypeOf } from './schemas.ts';

/** Largest PDF accepted, bytes. */
export const pdfBodyLimit = 256 * 1024 * 1024;

/** The prefix of the request scratch folders under the system's temporary folder. */
export const scratchPrefix = 'lienthong-upload-';

/** The 429 answer of the PDF routes, for their response schemas. */
export const uploadsInFlight = problemResponse('TOO_MANY_REQUESTS: the caller already has its uploads in flight');

/** An uploaded PDF: its file, size and SHA-256 (hex); `dir` is the request's scratch folder. */
export interface PdfUpload {
  dir: string;
  path: string;
  size: number;
  sha256: string;
}

/** A request's scratch folder: made on first use; once the response is over, removed and never made again. */
interface Scratch {
  dir?: Promise<string>;
  over: boolean;
}

const scratches = new WeakMap<FastifyRequest, Scratch>();

function scratchOf(request: FastifyRequest): Scratch {
  let scratch = scratches.get(request);
  if (scratch === undefined) {
    scratch = { over: false };
    scratches.set(request, scratch);
  }
  return scratch;
}

const clientGone = () =>
  new AppError(serviceErrors.BAD_REQUEST, { detail: 'The client closed the connection before the request was done.' });

/** The request's scratch folder (created on first use, removed when the response is over). */
export async function scratchDir(request: FastifyRequest): Promise<string> {
  const scratch = scratchOf(request);
  if (scratch.over) throw clientGone();
  scratch.dir ??= mkdtemp(join(tmpdir(), scratchPrefix));
  const dir = await scratch.dir;
  // The response may have ended while the folder was being made: it must not outlive it.
  if (scratch.over) {
    await rm(dir, { recursive: true, force: true });
    throw clientGone();
  }
  return dir;
}

async function removeScratch(request: FastifyRequest): Promise<void> {
  const scratch = scratchOf(request);
  scratch.over = true;
  if (scratch.dir !== undefined) await rm(await scratch.dir, { recursive: true, force: true });
}

/**
 * Runs `done` once, when the response of `reply` is over: `close` fires after the last
 * byte was sent and also when the connection dies first (fastify's onResponse does not
 * run then).
 */
function whenResponseOver(reply: FastifyReply, done: () => void): void {
  if (reply.raw.closed) done();
  else reply.raw.once('close', done);
}

const tooLarge = () =>
  new AppError(serviceErrors.PAYLOAD_TOO_LARGE, { detail: `A PDF may be at most ${pdfBodyLimit / 1024 / 1024} MiB.` });

/**
 * Counts the uploads each caller has in flight on the routes of `app`, refusing one over
 * `limit` with 429 and `Retry-After`. Anonymous requests are not counted: the PDF routes
 * all need a token, and the auth hook has already refused them.
 */
function limitUploadsPerCaller(app: ServiceApp, limit: number): void {
  const inFlight = new Map<string, number>();
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal;
    if (principal === null) return;
    const caller = `${principal.office}\u0000${principal.subject}`;
    const count = inFlight.get(caller) ?? 0;
    if (count >= limit) {
      reply.header('retry-after', '1');
      throw new AppError(serviceErrors.TOO_MANY_REQUESTS, {
        detail: `A caller may have at most ${limit} PDF upload${limit === 1 ? '' : 's'} in flight; wait for one to finish.`,
      });
    }
    inFlight.set(caller, count + 1);
    whenResponseOver(reply, () => {
      const left = (inFlight.get(caller) ?? 1) - 1;
      if (left === 0) inFlight.delete(caller);
      else inFlight.set(caller, left);
    });
  });
}

/** Options of the PDF body parser. */
export interface PdfBodyOptions {
  /** Uploads one caller may have in flight at once (config `LIENTHONG_SIGNING_UPLOADS_PER_CALLER`). */
  uploadsPerCaller: number;
}

/** Accepts `application/pdf` bodies on the routes of `app` (an encapsulated plugin); others get 415. */
export function acceptPdfBody(app: ServiceApp, options: PdfBodyOptions): void {
  app.addContentTypeParser('application/pdf', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > pdfBodyLimit) throw tooLarge();
    const dir = await scratchDir(request);
    const path = join(dir, 'input.pdf');
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > pdfBodyLimit) return callback(tooLarge());
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(payload, meter, createWriteStream(path));
    return { dir, path, size, sha256: hash.digest('hex') } satisfies PdfUpload;
  });
  app.addHook('onRequest', async (request) => {
    const given = mediaTypeOf(request.headers['content-type']);
    if (given !== 'application/pdf') {
      throw new AppError(serviceErrors.UNSUPPORTED_MEDIA_TYPE, {
        detail: `Send the PDF as application/pdf${given === '' ? '' : `, not ${given}`}.`,
      });
    }
  });
  limitUploadsPerCaller(app, options.uploadsPerCaller);
  removeScratchAfterResponse(app);
}

/** Removes each request's scratch folder once its response is over (routes of `app`). */
export function removeScratchAfterResponse(app: ServiceApp): void {
  app.addHook('onRequest', async (request, reply) => {
    whenResponseOver(reply, () => {
      removeScratch(request).catch((error: unknown) => request.log.warn({ err: error }, 'scratch folder not removed'));
    });
  });
}

/** The uploaded PDF of a request, or undefined when the body was empty. */
export function pdfUploadIfAny(body: unknown): PdfUpload | undefined {
  const upload = body as PdfUpload | undefined;
  return upload?.path === undefined || upload.size === 0 ? undefined : upload;
}

/** The uploaded PDF of a request (a 400 when the body was empty or is not a PDF). */
export function pdfUploadOf(body: unknown): PdfUpload {
  const upload = pdfUploadIfAny(body);
  if (upload === undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'The body holds no PDF.' });
  return upload;
}
