/**
 * Reading documents: one (the caller's office's own only; another office's is "not found",
 * as if it did not exist), a page of them, the life record, and the PDF itself.
 */
import type { Readable } from 'node:stream';
import type { Pool } from '@lienthong/db';
import type { DocumentState } from '@lienthong/records';
import { AppError, type Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { intakeErrors } from '../errors.ts';
import { listFiles, type ContentVersion } from './document-file-repository.ts';
import {
  findDocument,
  listDocuments,
  listTransitions,
  type StoredDocument,
  type StoredTransition,
} from './document-repository.ts';

/** The caller's office's document `id`; 404 DOCUMENT_NOT_FOUND otherwise. */
export async function viewDocument(pool: Pool, principal: Principal, id: string): Promise<StoredDocument> {
  const document = await findDocument(pool, principal.office, id);
  if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
  return document;
}

/** A page of the caller's office's documents, newest first; `nextOffset` null on the last. */
export async function documentsPage(
  pool: Pool,
  principal: Principal,
  options: { state?: DocumentState; limit: number; offset: number },
): Promise<{ documents: StoredDocument[]; nextOffset: number | null }> {
  const rows = await listDocuments(pool, principal.office, { ...options, limit: options.limit + 1 });
  const more = rows.length > options.limit;
  return { documents: rows.slice(0, options.limit), nextOffset: more ? options.offset + options.limit : null };
}

/** The life record of the caller's office's document `id`. */
export async function documentTransitions(pool: Pool, principal: Principal, id: string): Promise<StoredTransition[]> {
  const document = await viewDocument(pool, principal, id);
  return listTransitions(pool, document.id);
}

/** Which PDF of a document is served: its key, object version, digest and length. */
export interface ContentFile {
  document: StoredDocument;
  version: ContentVersion;
  key: string;
  versionId: string | null;
  sha256: string;
  size: number;
}

/**
 * The PDF `version` of the caller's office's document `id` (default: the latest, issued
 * over signed over original); 404 DOCUMENT_VERSION_NOT_FOUND when it has none yet.
 */
export async function documentFile(
  pool: Pool,
  principal: Principal,
  id: string,
  version?: ContentVersion,
): Promise<ContentFile> {
  const document = await viewDocument(pool, principal, id);
  const files = await listFiles(pool, id);
  const wanted = version ?? (files.has('issued') ? 'issued' : files.has('signed') ? 'signed' : 'original');
  if (wanted === 'original') {
    const { contentKey: key, sha256, size } = document;
    return { document, version: wanted, key, versionId: null, sha256, size };
  }
  const file = files.get(wanted);
  if (file === undefined)
    throw new AppError(intakeErrors.DOCUMENT_VERSION_NOT_FOUND, {
      detail: `The document (${document.state}) has no ${wanted} PDF.`,
    });
  const { contentKey: key, versionId, sha256, size } = file;
  return { document, version: wanted, key, versionId, sha256, size };
}

/** The bytes of a document's PDF as `documentFile` chose it, streamed. */
export async function documentContent(store: ObjectStore, bucket: string, file: ContentFile): Promise<Readable> {
  const { body } = await store.get(bucket, file.key, file.versionId === null ? {} : { versionId: file.versionId });
  return body;
}
