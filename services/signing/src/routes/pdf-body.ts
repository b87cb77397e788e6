/**
 * `application/pdf` request bodies, streamed to a temporary file (never held in memory)
 * while their SHA-256 is computed; a body over the limit is refused with 413 as soon as
 * it is seen to be. The files of a request are removed once its response is sent.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, serviceErrors } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { mediaTypeOf } from './schemas.ts';

/** Largest PDF accepted, bytes. */
export const pdfBodyLimit = 256 * 1024 * 1024;

/** An uploaded PDF: its file, size and SHA-256 (hex); `dir` is the request's scratch folder. */
export interface PdfUpload {
  dir: string;
  path: string;
  size: number;
  sha256: string;
}

const scratch = new WeakMap<FastifyRequest, string>();

/** The request's scratch folder (created on first use, removed after the response). */
export async function scratchDir(request: FastifyRequest): Promise<string> {
  let dir = scratch.get(request);
  if (dir === undefined) {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-signing-'));
    scratch.set(request, dir);
  }
  return dir;
}

const tooLarge = () =>
  new AppError(serviceErrors.PAYLOAD_TOO_LARGE, { detail: `A PDF may be at most ${pdfBodyLimit / 1024 / 1024} MiB.` });

/** Accepts `application/pdf` bodies on the routes of `app` (an encapsulated plugin); others get 415. */
export function acceptPdfBody(app: ServiceApp): void {
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
  removeScratchAfterResponse(app);
}

/** Removes each request's scratch folder once its response is sent (routes of `app`). */
export function removeScratchAfterResponse(app: ServiceApp): void {
  app.addHook('onResponse', async (request) => {
    const dir = scratch.get(request);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
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
