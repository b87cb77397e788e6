/**
 * `POST /v1/documents/{id}/signature/preparation` and `…/signature/completion`: the
 * document's signer signs with a key on a USB token, in two steps (issue/document-two-step.ts).
 * Registered by documentIssueRoutes, whose caller gate and problems they share.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { toDocumentView } from '../documents/document-view.ts';
import type { IssueDeps } from '../issue/document-signing.ts';
import { defaultSignatureRect } from '../issue/document-signing.ts';
import { completeDocumentSignature, prepareDocumentSignature } from '../issue/document-two-step.ts';
import { DocumentSummary } from './document-schemas.ts';
import { problemResponse, signingProblems } from './schemas.ts';

const base64Pattern = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
const Base64 = (description: string, minLength: number, maxLength: number) =>
  Type.String({ pattern: base64Pattern, minLength, maxLength, contentEncoding: 'base64', description });

const Prepared = Type.Object({
  session: Type.String({ format: 'uuid', description: 'the two-step session at signing; give it to the completion' }),
  algorithm: Type.String({ description: 'what the token does, e.g. ECDSA-SHA256 or RSA-SHA256' }),
  signedAttributes: Type.String({ contentEncoding: 'base64', description: 'the DER bytes the token signs' }),
  digest: Type.String({ contentEncoding: 'base64', description: 'their digest, for tokens that sign a hash' }),
  digestInfo: Type.String({ contentEncoding: 'base64', description: 'DigestInfo of the digest (RSA, CKM_RSA_PKCS)' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const sessionProblems = {
  404: problemResponse(
    "DOCUMENT_NOT_FOUND: none of the caller's office with this id; SIGNING_SESSION_NOT_FOUND: no such session of the caller at signing",
  ),
  409: problemResponse('DOCUMENT_TRANSITION_NOT_ALLOWED (state); SIGNING_SESSION_USED: completed once already'),
  410: problemResponse('SIGNING_SESSION_EXPIRED: prepare again'),
};

/** Registers the two-step signature routes with the shared `deps` (their caller gate) and `withRetryAfter`. */
export function documentTwoStepRoutes(
  app: ServiceApp,
  deps: IssueDeps,
  shared: {
    withRetryAfter: <T>(reply: { header(name: string, value: string): unknown }, work: () => Promise<T>) => Promise<T>;
  },
): void {
  const params = Type.Object({ id: Type.String({ format: 'uuid', description: 'the document id' }) });
  const common = {
    400: problemResponse('VALIDATION_FAILED: a malformed body or query'),
    403: problemResponse('FORBIDDEN: not a signer; DOCUMENT_SIGNER_MISMATCH: not the assigned signer'),
    ...signingProblems,
  };

  app.post(
    '/v1/documents/:id/signature/preparation',
    {
      schema: {
        tags: ['documents'],
        summary: 'Prepare the signature of a document by its signer’s USB token: what the token must sign',
        params,
        body: Type.Object(
          {
            certificate: Base64('the certificate of the token’s key, DER', 4, 8192),
            chain: Type.Array(Base64('an issuing CA certificate, DER', 4, 8192), { maxItems: 4, default: [] }),
          },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          {
            visible: Type.Boolean({ default: true, description: 'draw the signature block, as the remote signature' }),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'the page of the block' })),
            rect: Type.String({
              pattern: '^\\d{1,5}(\\.\\d+)?(,\\d{1,5}(\\.\\d+)?){3}$',
              default: defaultSignatureRect,
              description: 'x1,y1,x2,y2 of the block in points from the lower left',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Prepared, ...common },
      },
    },
    async (request, reply) => {
      const { visible, page, rect } = request.query;
      const prepared = await shared.withRetryAfter(reply, () =>
        prepareDocumentSignature(
          deps,
          principalOf(request),
          request.headers.authorization!,
          request.params.id,
          {
            certificate: Buffer.from(request.body.certificate, 'base64'),
            chain: request.body.chain.map((der) => Buffer.from(der, 'base64')),
          },
          { visible, rect, ...(page === undefined ? {} : { page }) },
        ),
      );
      const { id, algorithm, signedAttributes, digest, digestInfo, expiresAt } = prepared;
      return reply.code(201).send({ session: id, algorithm, signedAttributes, digest, digestInfo, expiresAt });
    },
  );

  app.post(
    '/v1/documents/:id/signature/completion',
    {
      schema: {
        tags: ['documents'],
        summary: 'Complete a prepared signature with the token’s signature value: the document is signed',
        params,
        body: Type.Object(
          {
            session: Type.String({ format: 'uuid', description: 'the session the preparation answered' }),
            signatureValue: Base64('the token’s signature over signedAttributes (ECDSA as DER or r‖s)', 4, 2048),
          },
          { additionalProperties: false },
        ),
        response: { 200: DocumentSummary, ...common, ...sessionProblems },
      },
    },
    async (request, reply) => {
      const document = await shared.withRetryAfter(reply, () =>
        completeDocumentSignature(deps, principalOf(request), request.headers.authorization!, request.params.id, {
          session: request.body.session,
          signatureValue: request.body.signatureValue,
        }),
      );
      return toDocumentView(document);
    },
  );
}
