/**
 * The routes that take a PDF body (`application/pdf`, ≤ 256 MiB, streamed to a file):
 * `POST /v1/keys/{id}/pdf-signatures` — a PAdES signature with the caller's key (personal:
 * PIN in the `lienthong-pin` header; seal: the registry); the answer is the signed PDF, the
 * original bytes followed by the signature's incremental update (and the DSS and document
 * time-stamp revisions for B-LT / B-LTA). `POST /v1/verify/pdf` — the verification report
 * of every signature in the PDF, judged on a parsing worker (workers/parsing-pool.ts), for an
 * access token and for the archive's own token (signing/archive-tokens.ts), which asks it for
 * the validation report of each record it archives.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { PdfVerificationReport } from '@lienthong/pades';
import { bearerTokenAuthenticator, principalOf, Type } from '@lienthong/service';
import type { AuthConfig, AuthKeySet, ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import type { CaContext } from '../ca/ca-context.ts';
import { verifyPdfFile } from '../ca/verify-service.ts';
import { archiveAuthenticator } from '../signing/archive-tokens.ts';
import { markSignatureKind } from '../signing/signing-metrics.ts';
import type { ParsingPool } from '../workers/parsing-pool.ts';
import { extendPdfFile } from '../signing/pdf-extension.ts';
import { signPdfWithKey } from '../signing/pdf-signing.ts';
import { prepareTwoStepPdf } from '../signing/two-step-pdf.ts';
import { eitherToken } from './either-token.ts';
import { acceptPdfBody, pdfBodyLimit, pdfUploadIfAny, pdfUploadOf, uploadsInFlight } from './pdf-body.ts';
import { text, visibleBlockQuery, visibleOf } from './pdf-query.ts';
import { base64Pattern, parsingRefusals, problemResponse, streamedContent, unauthenticated } from './schemas.ts';
import { PreparedSchema, toPreparedAnswer } from './two-step-routes.ts';

/** Registers the PDF routes. */
export async function pdfRoutes(
  app: ServiceApp,
  options: {
    ca: CaContext;
    store: ObjectStore;
    workers: ParsingPool;
    uploadsPerCaller: number;
    /** The service's token issuer and audience, and the archive's keys (`LIENTHONG_SIGNING_ARCHIVE_JWKS`) when set. */
    auth?: AuthConfig | undefined;
    archiveKeys?: AuthKeySet | undefined;
    audience?: string;
  },
): Promise<void> {
  const { ca, workers } = options;
  acceptPdfBody(app, { uploadsPerCaller: options.uploadsPerCaller });
  app.post(
    '/v1/keys/:id/pdf-signatures',
    {
      bodyLimit: pdfBodyLimit,
      schema: {
        tags: ['remote signing'],
        summary: 'Sign a PDF with a key (PAdES B-B … B-LTA); the signed PDF comes back',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object(
          {
            level: Type.Union([Type.Literal('B-B'), Type.Literal('B-T'), Type.Literal('B-LT'), Type.Literal('B-LTA')], {
              default: 'B-T',
            }),
            allowStamp: Type.Boolean({
              default: false,
              description:
                "the signer's signature of the Party flow: the number/date stamp and the seal stay permitted changes",
            }),
            field: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z0-9_-]{1,64}$',
                description: 'signature field to create or fill, e.g. lienthong-seal',
              }),
            ),
            reason: Type.Optional(text(200)),
            location: Type.Optional(text(200)),
            ...visibleBlockQuery,
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'lienthong-pin': Type.Optional(
            Type.String({ minLength: 1, maxLength: 64, description: "the key's PIN (personal keys)" }),
          ),
        }),
        // Validated as a PDF by the signing itself; `format: binary` documents it (without a type it checks nothing).
        body: {
          description: 'the PDF to sign',
          content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
        },
        response: {
          200: streamedContent('application/pdf', 'the signed PDF'),
          400: problemResponse(
            'VALIDATION_FAILED (also: a block that cannot be drawn, appearanceError), BAD_REQUEST (no body), PDF_UNREADABLE, SIGNATURE_FIELD_UNUSABLE or IMAGE_UNREADABLE',
          ),
          401: unauthenticated,
          403: problemResponse('SIGNING_KEY_PIN_INCORRECT'),
          404: problemResponse('SIGNING_KEY_NOT_FOUND'),
          409: problemResponse('SIGNING_KEY_NOT_USABLE'),
          413: problemResponse('PAYLOAD_TOO_LARGE: over 256 MiB'),
          429: problemResponse(
            "TOO_MANY_REQUESTS: the caller's uploads in flight; SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED: ten wrong PINs for this key in 24 hours",
          ),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: not application/pdf'),
          423: problemResponse('SIGNING_KEY_LOCKED'),
          ...parsingRefusals,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const upload = pdfUploadOf(request.body);
      const output = join(upload.dir, 'signed.pdf');
      const pin = request.headers['lienthong-pin'];
      await signPdfWithKey(
        ca,
        workers,
        principal,
        {
          keyId: request.params.id,
          level: request.query.level,
          allowStamp: request.query.allowStamp,
          ...(typeof pin === 'string' ? { pin } : {}),
          ...(request.query.field === undefined ? {} : { field: request.query.field }),
          ...(request.query.reason === undefined ? {} : { reason: request.query.reason }),
          ...(request.query.location === undefined ? {} : { location: request.query.location }),
          ...visibleOf(request.query),
          onKey: (purpose) => markSignatureKind(request, purpose === 'seal' ? 'seal' : 'pdf'),
        },
        upload.path,
        output,
        upload.sha256,
      );
      return reply.type('application/pdf').send(createReadStream(output));
    },
  );

  // The archive's tokens are good here (and on the TSA), on no other route of this file.
  const verifyAuthenticate =
    options.archiveKeys === undefined
      ? undefined
      : eitherToken(bearerTokenAuthenticator(options.auth), [
          archiveAuthenticator(options.archiveKeys, options.audience ?? 'lienthong-signing'),
        ]);
  app.post(
    '/v1/verify/pdf',
    {
      bodyLimit: pdfBodyLimit,
      ...(verifyAuthenticate === undefined ? {} : { config: { authenticate: verifyAuthenticate } }),
      schema: {
        tags: ['verification'],
        summary: 'Verify every signature of a PDF (PAdES): integrity, trust, level, and what changed after each',
        description:
          "Anchored at this CA's root with its CRLs, plus the document's DSS. The report's indication is TOTAL_PASSED only " +
          'when every signature passed with no forbidden change after it; an unreadable file is a report (TOTAL_FAILED / FORMAT_FAILURE), not an error.',
        body: {
          description: 'the PDF',
          content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
        },
        response: {
          200: Type.Unsafe<PdfVerificationReport>({
            type: 'object',
            additionalProperties: true,
            description: 'libs/pades PdfVerificationReport (EN 319 102-1 indications per signature)',
          }),
          400: problemResponse('BAD_REQUEST: no body'),
          401: unauthenticated,
          413: problemResponse('PAYLOAD_TOO_LARGE: over 256 MiB'),
          429: uploadsInFlight,
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: not application/pdf'),
          ...parsingRefusals,
        },
      },
    },
    async (request) => {
      principalOf(request);
      return verifyPdfFile(ca, workers, pdfUploadOf(request.body).path);
    },
  );

  app.post(
    '/v1/two-step/pdf',
    {
      bodyLimit: pdfBodyLimit,
      schema: {
        tags: ['two-step signing'],
        summary:
          'Prepare a PDF signature for a token: the prepared PDF waits here, the signed attributes go to the token',
        querystring: Type.Object(
          {
            level: Type.Union([Type.Literal('B-B'), Type.Literal('B-T')], { default: 'B-T' }),
            allowStamp: Type.Boolean({ default: false }),
            field: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
            reason: Type.Optional(text(200)),
            location: Type.Optional(text(200)),
            ...visibleBlockQuery,
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'lienthong-certificate': Type.String({
            pattern: base64Pattern,
            minLength: 4,
            maxLength: 8192,
            description: "the signer's certificate, DER, base64",
          }),
          'lienthong-chain': Type.Optional(
            Type.String({
              pattern: '^[A-Za-z0-9+/=]+(,[A-Za-z0-9+/=]+){0,3}$',
              maxLength: 32768,
              description: 'issuing CA certificates, DER, base64, comma-separated',
            }),
          ),
        }),
        body: {
          description: 'the PDF',
          content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
        },
        response: {
          201: PreparedSchema,
          400: problemResponse(
            'VALIDATION_FAILED, CERTIFICATE_MALFORMED, CERTIFICATE_NOT_FOR_SIGNING, PDF_UNREADABLE or SIGNATURE_FIELD_UNUSABLE',
          ),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: not a signer'),
          409: problemResponse('OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED'),
          413: problemResponse('PAYLOAD_TOO_LARGE'),
          429: uploadsInFlight,
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE'),
          422: problemResponse(
            "CERTIFICATE_IDENTITY_MISMATCH: the token's certificate does not name the caller as registered; PARSING_TIME_LIMIT or PARSING_MEMORY_LIMIT",
          ),
        },
      },
    },
    async (request, reply) => {
      const chain = request.headers['lienthong-chain'];
      const { level, allowStamp, field, reason, location } = request.query;
      const prepared = await prepareTwoStepPdf(
        ca,
        options.store,
        workers,
        principalOf(request),
        {
          certificate: Buffer.from(request.headers['lienthong-certificate'], 'base64'),
          chain: chain === undefined ? [] : chain.split(',').map((b64) => Buffer.from(b64, 'base64')),
          level,
          allowStamp,
          ...(field === undefined ? {} : { field }),
          ...(reason === undefined ? {} : { reason }),
          ...(location === undefined ? {} : { location }),
          ...visibleOf(request.query),
        },
        pdfUploadIfAny(request.body),
      );
      return reply.code(201).header('location', `/v1/two-step/pdf/${prepared.id}`).send(toPreparedAnswer(prepared));
    },
  );

  app.post(
    '/v1/pdf-extensions',
    {
      bodyLimit: pdfBodyLimit,
      schema: {
        tags: ['remote signing'],
        summary: 'Raise a signed PDF to B-LT (DSS) or B-LTA (document time-stamp); re-timestamps a B-LTA document',
        querystring: Type.Object(
          { level: Type.Union([Type.Literal('B-LT'), Type.Literal('B-LTA')], { default: 'B-LTA' }) },
          { additionalProperties: false },
        ),
        body: {
          description: 'the signed PDF',
          content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
        },
        response: {
          200: streamedContent('application/pdf', 'the extended PDF (earlier revisions untouched)'),
          400: problemResponse('VALIDATION_FAILED, BAD_REQUEST or PDF_UNREADABLE (also: no signature to extend)'),
          401: unauthenticated,
          413: problemResponse('PAYLOAD_TOO_LARGE'),
          429: uploadsInFlight,
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE'),
          ...parsingRefusals,
        },
      },
    },
    async (request, reply) => {
      principalOf(request);
      const upload = pdfUploadOf(request.body);
      const output = join(upload.dir, 'extended.pdf');
      await extendPdfFile(ca, workers, request.query.level, upload.path, output);
      return reply.type('application/pdf').send(createReadStream(output));
    },
  );
}
