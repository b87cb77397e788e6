/**
 * Submitting a document (POST /v1/documents): the metadata checked first (document-
 * metadata.ts), then the PDF spooled with its SHA-256 and length (upload-spool.ts) and
 * checked on a worker (pdf-check.ts), then in one transaction the Idempotency-Key claimed,
 * the PDF put in the object store under the document's id, the row and its first
 * transitions written. Anything refused leaves no row, no transition and no object: an
 * object put inside a transaction that then fails is deleted.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { withTransaction, type Pool } from '@lienthong/db';
import { checkAction } from '@lienthong/records';
import { AppError, serviceErrors, type Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { intakeErrors } from '../errors.ts';
import { checkMetadata } from './document-metadata.ts';
import { appendTransition, insertDocument } from './document-repository.ts';
import { contentKeyOf, toDocumentView, type DocumentView } from './document-view.ts';
import { claimKey, findAnswer, keepAnswer, type IdempotencyScope } from './idempotency-repository.ts';
import type { CheckPdf } from './pdf-pool.ts';
import { spoolUpload } from './upload-spool.ts';

/** What a submission needs from outside. */
export interface SubmissionDeps {
  pool: Pool;
  store: ObjectStore;
  /** The bucket of submitted PDFs (LIENTHONG_INTAKE_DOCUMENT_BUCKET). */
  bucket: string;
  checkPdf: CheckPdf;
  maxDocumentBytes: number;
  now?: () => Date;
}

/** One submission: the metadata part's text, the content part when asked for, the Idempotency-Key if sent. */
export interface Submission {
  metadataText: string;
  /** Gives the content part; called only after the metadata passed. */
  content(): Promise<Readable>;
  /** Called after the content was read, to refuse anything after it. */
  finish(): Promise<void>;
  idempotencyKey?: string;
}

/** The answer: its status and body, and whether it is a kept answer given again. */
export interface SubmissionAnswer {
  status: number;
  body: DocumentView;
  replayed: boolean;
}

/** An Idempotency-Key: 1–200 visible ASCII characters. */
export const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

/** Submits a document for `principal`'s office; throws the 4xx that says what is wrong. */
export async function submitDocument(
  deps: SubmissionDeps,
  principal: Principal,
  submission: Submission,
): Promise<SubmissionAnswer> {
  requireRoleOf(principal, 'office-system', 'registry');
  const { idempotencyKey } = submission;
  if (idempotencyKey !== undefined && !idempotencyKeyPattern.test(idempotencyKey))
    throw new AppError(intakeErrors.IDEMPOTENCY_KEY_INVALID);
  const now = (deps.now ?? (() => new Date()))();
  const scope: IdempotencyScope | undefined =
    idempotencyKey === undefined
      ? undefined
      : { office: principal.office, caller: principal.subject, key: idempotencyKey };
  // A retry gets the kept answer even if its metadata would no longer pass (a deadline now
  // past, a recipient since retired): it is compared by fingerprint, not checked again.
  const kept = scope === undefined ? undefined : await findAnswer(deps.pool, scope);
  const checked =
    kept === undefined ? await checkMetadata(deps.pool, principal, submission.metadataText, now) : undefined;
  const upload = await spoolUpload(await submission.content(), deps.maxDocumentBytes);
  try {
    await submission.finish();
    const fingerprint = createHash('sha256')
      .update(createHash('sha256').update(submission.metadataText).digest('hex'))
      .update(`\n${upload.sha256}`)
      .digest('hex');
    if (kept !== undefined) return replay(kept, fingerprint);
    if (checked === undefined) throw new Error('unreachable: metadata checked unless an answer was kept');
    if (upload.size === 0) throw new AppError(intakeErrors.DOCUMENT_NOT_PDF, { detail: 'The content part is empty.' });
    const declared = checked.declaredFile;
    if (declared !== undefined && (declared.sha256 !== upload.sha256 || declared.byteLength !== upload.size))
      throw new AppError(intakeErrors.DOCUMENT_METADATA_INVALID, {
        detail: `The PDF (${upload.size} bytes, SHA-256 ${upload.sha256}) is not the file /file names. Nothing was stored.`,
        extra: { problems: [{ pointer: '/file', message: 'does not match the content part' }] },
      });
    const check = await deps.checkPdf({ input: upload.path });
    if (!check.ok)
      throw new AppError(
        check.problem === 'signed' ? intakeErrors.DOCUMENT_ALREADY_SIGNED : intakeErrors.DOCUMENT_NOT_PDF,
        {
          detail: `${check.detail} Nothing was stored.`,
        },
      );
    const metadata = {
      ...checked.metadata,
      file: { sha256: upload.sha256, byteLength: upload.size, mediaType: 'application/pdf' as const },
    };
    const id = randomUUID();
    const contentKey = contentKeyOf(id);
    let stored: string | undefined;
    try {
      return await withTransaction(deps.pool, async (client) => {
        if (scope !== undefined && !(await claimKey(client, scope, fingerprint))) {
          const first = await findAnswer(client, scope);
          if (first === undefined) throw new AppError(serviceErrors.CONFLICT, { detail: 'Retry the submission.' });
          return replay(first, fingerprint);
        }
        const put = await deps.store.put(deps.bucket, contentKey, createReadStream(upload.path), {
          contentType: 'application/pdf',
          expectedSha256: upload.sha256,
        });
        stored = put.versionId;
        const submit = checkAction('draft', 'submit');
        if (!submit.allowed) throw new Error(submit.reason);
        const document = await insertDocument(client, {
          id,
          office: principal.office,
          type: metadata.type,
          subject: metadata.subject,
          metadata,
          state: submit.transition.to,
          contentKey,
          sha256: upload.sha256,
          size: upload.size,
          signerSubject: checked.signerSubject,
          createdBy: principal.subject,
        });
        await appendTransition(client, id, { from: null, to: 'draft', action: 'create', by: principal.subject });
        await appendTransition(client, id, {
          from: 'draft',
          to: submit.transition.to,
          action: submit.transition.action,
          by: principal.subject,
        });
        const body = toDocumentView(document);
        if (scope !== undefined) await keepAnswer(client, scope, { document: id, status: 201, body });
        return { status: 201, body, replayed: false };
      });
    } catch (error) {
      if (stored !== undefined)
        // The submission's own refusal is what the caller must see; an object left behind when
        // the store is down too is named by an id no document row has, for a sweep to find.
        await deps.store
          .delete(deps.bucket, contentKey, stored === 'null' ? {} : { versionId: stored })
          .catch(() => undefined);
      throw error;
    }
  } finally {
    await upload.remove();
  }
}

function replay(
  kept: { fingerprint: string; status: number | null; answer: unknown },
  fingerprint: string,
): SubmissionAnswer {
  if (kept.fingerprint !== fingerprint) throw new AppError(intakeErrors.IDEMPOTENCY_KEY_REUSED);
  return { status: kept.status ?? 201, body: kept.answer as DocumentView, replayed: true };
}
