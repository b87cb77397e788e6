/**
 * Two-step signing for keys on a USB token: `POST /v1/two-step` prepares (returns what the
 * token signs), `POST /v1/two-step/{id}/completion` takes the token's signature value and
 * returns the detached CAdES signature. For signers (role `signer`); a session is its
 * caller's alone.
 */
import { createReadStream } from 'node:fs';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp, Static } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import type { CaContext } from '../ca/ca-context.ts';
import { completeTwoStep, prepareTwoStep } from '../signing/two-step.ts';
import type { PreparedTwoStep } from '../signing/two-step.ts';
import { completeTwoStepPdf } from '../signing/two-step-pdf.ts';
import { removeScratchAfterResponse, scratchDir } from './pdf-body.ts';
import { Base64, problemResponse, streamedContent, unauthenticated } from './schemas.ts';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** What `prepare` answers (CMS and PDF alike). */
export const PreparedSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    algorithm: Type.String({ description: 'what the token must do, e.g. RSA-SHA256 over signedAttributes' }),
    signedAttributes: Type.String({ contentEncoding: 'base64', description: 'the DER bytes the token signs' }),
    digest: Type.String({ contentEncoding: 'base64', description: 'their digest, for tokens that sign a hash' }),
    digestInfo: Type.String({ contentEncoding: 'base64', description: 'DigestInfo of the digest (RSA, CKM_RSA_PKCS)' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PreparedSignature' },
);

/** The JSON answer of a prepared signature. */
export function toPreparedAnswer(prepared: PreparedTwoStep): Static<typeof PreparedSchema> {
  return {
    id: prepared.id,
    algorithm: prepared.algorithm,
    signedAttributes: b64(prepared.signedAttributes),
    digest: b64(prepared.digest),
    digestInfo: b64(prepared.digestInfo),
    expiresAt: prepared.expiresAt.toISOString(),
  };
}

const SignatureValueBody = Type.Object(
  { signatureValue: Base64("the token's signature over signedAttributes (ECDSA as DER or r‖s)", 4, 2048) },
  { additionalProperties: false },
);

/** What a completion may answer besides success: the same for CMS and PDF sessions. */
const completionErrors = {
  400: problemResponse('VALIDATION_FAILED or SIGNATURE_VALUE_INVALID'),
  401: unauthenticated,
  404: problemResponse('SIGNING_SESSION_NOT_FOUND'),
  409: problemResponse('SIGNING_SESSION_USED'),
  410: problemResponse('SIGNING_SESSION_EXPIRED'),
};

/** Registers the two-step routes. */
export async function twoStepRoutes(app: ServiceApp, options: { ca: CaContext; store: ObjectStore }): Promise<void> {
  const { ca } = options;
  removeScratchAfterResponse(app);
  app.post(
    '/v1/two-step',
    {
      schema: {
        tags: ['two-step signing'],
        summary: 'Prepare a signature for a token: the signed attributes (and their digest) the token must sign',
        body: Type.Object(
          {
            certificate: Base64("the signer's certificate, DER", 4, 64 * 1024),
            chain: Type.Array(Base64('an issuing CA certificate, DER', 4, 64 * 1024), { maxItems: 8, default: [] }),
            digest: Base64('the digest of the content to sign', 4, 100),
            digestAlgorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha384'), Type.Literal('sha512')], {
              default: 'sha256',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: PreparedSchema,
          400: problemResponse(
            'VALIDATION_FAILED, CERTIFICATE_MALFORMED, CERTIFICATE_NOT_FOR_SIGNING or DIGEST_ALGORITHM_UNSUITABLE',
          ),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: the caller is not a signer'),
          409: problemResponse('OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED'),
          422: problemResponse('CERTIFICATE_IDENTITY_MISMATCH: the certificate does not name the caller as registered'),
        },
      },
    },
    async (request, reply) => {
      const prepared = await prepareTwoStep(ca, principalOf(request), {
        certificate: Buffer.from(request.body.certificate, 'base64'),
        chain: request.body.chain.map((der) => Buffer.from(der, 'base64')),
        digest: Buffer.from(request.body.digest, 'base64'),
        digestAlgorithm: request.body.digestAlgorithm,
      });
      return reply.code(201).header('location', `/v1/two-step/${prepared.id}`).send(toPreparedAnswer(prepared));
    },
  );

  app.post(
    '/v1/two-step/:id/completion',
    {
      schema: {
        tags: ['two-step signing'],
        summary: "Complete a prepared signature with the token's signature value",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: SignatureValueBody,
        response: {
          201: Type.Object({
            signature: Type.String({
              contentEncoding: 'base64',
              description: 'CMS SignedData, DER (detached CAdES B-B)',
            }),
          }),
          ...completionErrors,
        },
      },
    },
    async (request, reply) => {
      const cms = await completeTwoStep(
        ca,
        principalOf(request),
        request.params.id,
        Buffer.from(request.body.signatureValue, 'base64'),
      );
      return reply.code(201).send({ signature: b64(cms) });
    },
  );

  app.post(
    '/v1/two-step/pdf/:id/completion',
    {
      schema: {
        tags: ['two-step signing'],
        summary: "Complete a prepared PDF signature with the token's signature value; the signed PDF comes back",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: SignatureValueBody,
        response: {
          200: streamedContent('application/pdf', 'the signed PDF'),
          ...completionErrors,
        },
      },
    },
    async (request, reply) => {
      const dir = await scratchDir(request);
      const output = await completeTwoStepPdf(
        ca,
        options.store,
        principalOf(request),
        request.params.id,
        Buffer.from(request.body.signatureValue, 'base64'),
        dir,
      );
      return reply.type('application/pdf').send(createReadStream(output));
    },
  );
}
