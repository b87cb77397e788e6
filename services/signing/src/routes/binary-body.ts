/**
 * DER request bodies: a buffer parser for one media type with its own body limit, and a
 * check that the request announced that type (any other → 415 before the body is read).
 */
import { AppError, serviceErrors } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { mediaTypeOf } from './schemas.ts';

/** Accepts `mediaType` bodies up to `bodyLimit` bytes as a Buffer on the POST routes of `app` (an encapsulated plugin). */
export function acceptDerBody(app: ServiceApp, mediaType: string, bodyLimit: number): void {
  app.addContentTypeParser(mediaType, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST') return;
    const given = mediaTypeOf(request.headers['content-type']);
    if (given !== mediaType) {
      throw new AppError(serviceErrors.UNSUPPORTED_MEDIA_TYPE, { detail: `Send the body as ${mediaType}${given === '' ? '' : `, not ${given}`}.` });
    }
  });
}

/** The parsed DER body (empty when none was sent). */
export function derBodyOf(body: unknown): Uint8Array {
  return Buffer.isBuffer(body) ? new Uint8Array(body) : new Uint8Array(0);
}

/** A validator that accepts anything: DER bodies are checked by the PKI readers, not by JSON Schema. */
export const passThroughValidator = () => (value: unknown) => ({ value });
