/**
 * Submitting a document (POST /v1/documents): the metadata checked first (document-
 * metadata.ts, the directory in one query), then the PDF spooled with its SHA-256 and
 * length (upload-spool.ts: in memory when it fits), then at once its check on a worker
 * (pdf-check.ts) and its put in the object store under the document's id, then the row
 * and its first transitions written in one statement (with an Idempotency-Key: in one
 * transaction that claims the key first). Anything refused leaves no row, no transition
 * and no object: an object put for a PDF the check refuses, or before a write that fails
 * or a key another request claimed, is deleted before the answer.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { withTransaction, type Pool } from '@lienthong/db';
import { checkAction } from '@lienthong/records';
import { AppError, serviceErrors, type Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { intakeErrors } from '../errors.ts';
import { checkMetadata } from './document-metadata.ts';
import { insertDocumentWithTransitions } from './document-repository.ts';
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
  /** Told of each new submission, once committed (the metrics' counter). */
  onSubmitted?: (type: string) => void;
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
    const metadata = {
      ...checked.metadata,
      file: { sha256: upload.sha256, byteLength: upload.size, mediaType: 'application/pdf' as const },
    };
    const id = randomUUID();
    const contentKey = contentKeyOf(id);
    // The worker's check and the store's put run at once (neither waits on the other's
    // round trips); a PDF the check refuses is deleted again before the answer, like one
    // whose transaction fails, so a refusal still leaves nothing.
    const body = upload.body();
    const [check, put] = await Promise.allSettled([
      deps.checkPdf(upload.bytes === undefined ? { input: upload.path! } : { bytes: upload.bytes }),
      deps.store.put(deps.bucket, contentKey, body, { contentType: 'application/pdf', expectedSha256: upload.sha256 }),
    ]);
    // A put refused before it read its stream of the file would leave the file open.
    if (put.status === 'rejected' && !Buffer.isBuffer(body)) body.destroy();
    const stored = put.status === 'fulfilled' ? put.value.versionId : undefined;
    const removeObject = async () => {
      if (stored === undefined) return;
      // The submission's own answer is what the caller must see; an object left behind when
      // the store is down too is named by an id no document row has, for a sweep to find.
      await deps.store
        .delete(deps.bucket, contentKey, stored === 'null' ? {} : { versionId: stored })
        .catch(() => undefined);
    };
    try {
      if (check.status === 'rejected') throw check.reason;
      if (!check.value.ok)
        throw new AppError(
          check.value.problem === 'signed' ? intakeErrors.DOCUMENT_ALREADY_SIGNED : intakeErrors.DOCUMENT_NOT_PDF,
          { detail: `${check.value.detail} Nothing was stored.` },
        );
      if (put.status === 'rejected') throw put.reason;
      const submit = checkAction('draft', 'submit');
      if (!submit.allowed) throw new Error(submit.reason);
      const row = {
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
      };
      const transitions = [
        { from: null, to: 'draft' as const, action: 'create' },
        { from: 'draft' as const, to: submit.transition.to, action: submit.transition.action },
      ];
      // Without a key, one statement writes the row and its transitions (atomic by itself).
      if (scope === undefined) {
        const document = await insertDocumentWithTransitions(deps.pool, row, transitions);
        deps.onSubmitted?.(row.type);
        return { status: 201, body: toDocumentView(document), replayed: false };
      }
      const answer = await withTransaction(deps.pool, async (client) => {
        if (!(await claimKey(client, scope, fingerprint))) {
          const first = await findAnswer(client, scope);
          if (first === undefined) throw new AppError(serviceErrors.CONFLICT, { detail: 'Retry the submission.' });
          return replay(first, fingerprint);
        }
        const document = await insertDocumentWithTransitions(client, row, transitions);
        const body = toDocumentView(document);
        await keepAnswer(client, scope, { document: id, status: 201, body });
        return { status: 201, body, replayed: false };
      });
      // Another request with the key made the document: this one's object is not needed.
      if (answer.replayed) await removeObject();
      else deps.onSubmitted?.(row.type);
      return answer;
    } catch (error) {
      await removeObject();
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
