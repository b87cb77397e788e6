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

/** The caller's office's document `id` with its PDF as a stream. */
export async function documentContent(
  pool: Pool,
  store: ObjectStore,
  bucket: string,
  principal: Principal,
  id: string,
): Promise<{ document: StoredDocument; body: Readable }> {
  const document = await viewDocument(pool, principal, id);
  const { body } = await store.get(bucket, document.contentKey);
  return { document, body };
}
