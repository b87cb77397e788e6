/**
 * The appearance image of a signing key, drawn in its visible signatures: the office's round
 * seal (con dấu) for a seal key, the signer's handwritten signature for a personal key.
 * `PUT /v1/keys/{id}/image` (`image/png` or `image/jpeg`, ≤ 512 KiB), `GET` and `DELETE`.
 * A personal key's image is its owner's; a seal's is managed by the office's registry or CA
 * administrators. Another office's keys do not exist for the caller.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { imageRules, keyImageOf, removeKeyImage, setKeyImage } from '../keys/key-image.ts';
import type { KeyImageType } from '../keys/key-repository.ts';
import { acceptBinaryBody, derBodyOf } from './binary-body.ts';
import { binarySchema, mediaTypeOf, problemResponse, unauthenticated } from './schemas.ts';

const Uuid = Type.Object({ id: Type.String({ format: 'uuid' }) });
const notFound = (what: string) =>
  problemResponse(`SIGNING_KEY_NOT_FOUND: no key with this id whose image the caller may manage${what}`);
const imageContent = (description: string) => ({
  description,
  content: Object.fromEntries(imageRules.mediaTypes.map((type) => [type, { schema: binarySchema }])),
});

/** Registers the key image routes. */
export async function keyImageRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  acceptBinaryBody(app, imageRules.mediaTypes, imageRules.maxBytes, ['PUT']);

  app.put(
    '/v1/keys/:id/image',
    {
      bodyLimit: imageRules.maxBytes,
      schema: {
        tags: ['remote signing'],
        summary:
          "Set the image a key's visible signatures show: the office's seal, or the signer's handwritten signature",
        description:
          'A PNG (transparency kept) or a JPEG of at most 512 KiB and 4 million pixels, read as the signature appearance will draw it. ' +
          "A personal key: its owner (signer); a seal: the office's registry or ca-admin. Replaces an earlier image.",
        params: Uuid,
        // Checked by the image readers, not by JSON Schema.
        body: {
          description: 'the image',
          content: Object.fromEntries(
            imageRules.mediaTypes.map((type) => [
              type,
              { schema: Type.Unsafe<unknown>({ description: 'the image bytes' }) },
            ]),
          ),
        },
        response: {
          204: Type.Null(),
          400: problemResponse(
            'VALIDATION_FAILED, BAD_REQUEST (no body) or IMAGE_UNREADABLE (imageError: the libs/pdf code)',
          ),
          401: unauthenticated,
          404: notFound(''),
          413: problemResponse('PAYLOAD_TOO_LARGE: over 512 KiB'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: neither image/png nor image/jpeg'),
        },
      },
    },
    async (request, reply) => {
      const type = mediaTypeOf(request.headers['content-type']) as KeyImageType;
      await setKeyImage(ca, principalOf(request), request.params.id, { bytes: derBodyOf(request.body), type });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/keys/:id/image',
    {
      schema: {
        tags: ['remote signing'],
        summary: "The image a key's visible signatures show",
        params: Uuid,
        response: {
          200: imageContent('the image as it was set'),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          404: problemResponse('SIGNING_KEY_NOT_FOUND, or SIGNING_KEY_IMAGE_NOT_FOUND: the key has no image'),
        },
      },
    },
    async (request, reply) => {
      const image = await keyImageOf(ca, principalOf(request), request.params.id);
      return reply.type(image.type).send(Buffer.from(image.bytes));
    },
  );

  app.delete(
    '/v1/keys/:id/image',
    {
      schema: {
        tags: ['remote signing'],
        summary: "Remove a key's image: its visible signatures show text only",
        params: Uuid,
        response: {
          204: Type.Null(),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          404: notFound(' (a key without an image is no error)'),
        },
      },
    },
    async (request, reply) => {
      await removeKeyImage(ca, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
