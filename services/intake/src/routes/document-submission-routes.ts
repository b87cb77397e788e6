/**
 * `POST /v1/documents`: multipart/form-data, a `metadata` part (JSON) and then a `content`
 * part (the PDF), with an optional Idempotency-Key (services/intake/README.md "Documents").
 * The handler reads the parts in order and hands them to documents/document-submission.ts;
 * what the multipart parser refuses becomes the catalogue's 400 or 413.
 */
import multipart from '@fastify/multipart';
import type { Readable } from 'node:stream';
import { AppError, principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';
import { submitDocument, type SubmissionDeps } from '../documents/document-submission.ts';
import { DocumentSummary, documentHeaders, unexpectedFollowUp } from './document-schemas.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

/** The largest metadata part: far above any real metadata (10,000 recipients fit). */
export const maxMetadataBytes = 1024 * 1024;

const malformed = (detail: string) =>
  new AppError(intakeErrors.DOCUMENT_UPLOAD_MALFORMED, { detail: `${detail}. Nothing was stored.` });

/** A refusal of the multipart parser (its FST_* codes) as the catalogue's error; anything else as it came. */
function uploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError(intakeErrors.DOCUMENT_TOO_LARGE, { extra: { limit: maxBytes } });
  if (typeof code === 'string' && code.startsWith('FST_'))
    return malformed(`The multipart body was refused (${(error as Error).message})`);
  // busboy's own complaints (an unexpected end of the form, a bad boundary) are the body's fault too.
  if (error instanceof Error && /multipart|boundary|Unexpected end of form|Malformed/i.test(error.message))
    return malformed(`The multipart body could not be read (${error.message})`);
  return error;
}

async function readSmall(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxMetadataBytes) throw malformed(`The metadata part is larger than ${maxMetadataBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Registers the submission route (multipart parsing is this plugin's own). */
export async function documentSubmissionRoutes(app: ServiceApp, deps: SubmissionDeps): Promise<void> {
  const { maxDocumentBytes } = deps;
  await app.register(multipart, {
    limits: {
      parts: 3,
      fields: 2,
      files: 2,
      headerPairs: 32,
      fieldSize: maxMetadataBytes,
      // One byte over, so that the spool's own count answers first, with the limit in the problem.
      fileSize: maxDocumentBytes + 1,
    },
  });

  app.post(
    '/v1/documents',
    {
      schema: {
        tags: ['documents'],
        summary: "Submit a document of the caller's office: metadata (JSON) then the PDF",
        description:
          'multipart/form-data: a `metadata` part (JSON: type, subject, recipients, secrecy, urgency, deadline?, signer, retention; issuingOffice and file optional) first, then a `content` part (the PDF). Idempotency-Key: a retry with the same key and body gets the same answer.',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ description: '1-200 visible ASCII characters' })),
        }),
        response: {
          201: {
            description: 'the document, awaiting signature',
            headers: documentHeaders,
            content: { 'application/json': { schema: DocumentSummary } },
          },
          400: problemResponse(
            'DOCUMENT_UPLOAD_MALFORMED (parts missing, out of order, extra, cut off), IDEMPOTENCY_KEY_INVALID, VALIDATION_FAILED',
          ),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN (not office-system or registry), DIRECTORY_CALLER_UNKNOWN'),
          413: problemResponse('DOCUMENT_TOO_LARGE: over LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES (limit)'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: not multipart/form-data'),
          422: problemResponse(
            'DOCUMENT_METADATA_INVALID, DOCUMENT_RECIPIENT_UNKNOWN (problems), DOCUMENT_SECRECY_NOT_AVAILABLE, DOCUMENT_NOT_PDF, DOCUMENT_ALREADY_SIGNED, DOCUMENT_CHECK_REFUSED, IDEMPOTENCY_KEY_REUSED',
          ),
          503: problemResponse('NOT_READY: every PDF checker is busy, or the service is stopping'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!request.isMultipart())
        throw new AppError(intakeErrors.DOCUMENT_UPLOAD_MALFORMED, { detail: 'Send multipart/form-data.' });
      const parts = request.parts()[Symbol.asyncIterator]();
      const next = async () => {
        try {
          return await parts.next();
        } catch (error) {
          throw uploadError(error, maxDocumentBytes);
        }
      };
      const first = await next();
      if (first.done === true || first.value.fieldname !== 'metadata')
        throw malformed('The first part must be `metadata` (JSON), before the PDF');
      const part = first.value;
      let metadataText: string;
      if (part.type === 'file') metadataText = await readSmall(part.file);
      else if (part.valueTruncated) throw malformed(`The metadata part is larger than ${maxMetadataBytes} bytes`);
      // A field sent as application/json arrives parsed; its JSON text is what is checked and fingerprinted.
      else metadataText = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      const idempotencyKey = request.headers['idempotency-key'];
      try {
        const answer = await submitDocument(deps, principal, {
          metadataText,
          ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
          content: async () => {
            const content = await next();
            if (content.done === true || content.value.fieldname !== 'content' || content.value.type !== 'file')
              throw malformed('The second part must be `content` (the PDF, a file part)');
            return content.value.file;
          },
          finish: async () => {
            const rest = await next();
            if (rest.done !== true) throw unexpectedFollowUp(rest.value.fieldname);
          },
        });
        if (answer.replayed) void reply.header('idempotent-replayed', 'true');
        return await reply
          .status(answer.status as 201)
          .header('location', `/v1/documents/${answer.body.id}`)
          .send(answer.body);
      } catch (error) {
        throw uploadError(error, maxDocumentBytes);
      }
    },
  );
}
