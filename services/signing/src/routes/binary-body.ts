/**
 * Binary request bodies (DER, images): a buffer parser for the accepted media types with its
 * own body limit, and a check that the request announced one of them (any other → 415 before
 * the body is read).
 */
import { AppError, serviceErrors } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { mediaTypeOf } from './schemas.ts';

/**
 * Accepts bodies of `mediaTypes` up to `bodyLimit` bytes as a Buffer on the `methods` routes
 * of `app` (an encapsulated plugin; default POST).
 */
export function acceptBinaryBody(
  app: ServiceApp,
  mediaTypes: readonly string[],
  bodyLimit: number,
  methods: readonly string[] = ['POST'],
): void {
  app.addContentTypeParser([...mediaTypes], { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  app.addHook('onRequest', async (request) => {
    if (!methods.includes(request.method)) return;
    const given = mediaTypeOf(request.headers['content-type']);
    if (!mediaTypes.includes(given)) {
      throw new AppError(serviceErrors.UNSUPPORTED_MEDIA_TYPE, {
        detail: `Send the body as ${mediaTypes.join(' or ')}${given === '' ? '' : `, not ${given}`}.`,
      });
    }
  });
}

/** Accepts `mediaType` bodies up to `bodyLimit` bytes as a Buffer on the POST routes of `app` (an encapsulated plugin). */
export function acceptDerBody(app: ServiceApp, mediaType: string, bodyLimit: number): void {
  acceptBinaryBody(app, [mediaType], bodyLimit);
}

/** The parsed binary body (empty when none was sent). */
export function derBodyOf(body: unknown): Uint8Array {
  return Buffer.isBuffer(body) ? new Uint8Array(body) : new Uint8Array(0);
}

/** A validator that accepts anything: binary bodies are checked by their readers, not by JSON Schema. */
export const passThroughValidator = () => (value: unknown) => ({ value });
