/**
 * The `document` table and its append-only life record `document_transition`: one row per
 * submitted document, one row per change of its state (who, when, why).
 */
import type { DocumentMetadata, DocumentState } from '@lienthong/records';
import type { Queryable } from '../queryable.ts';

/** A document as stored. */
export interface StoredDocument {
  id: string;
  office: string;
  type: string;
  subject: string;
  metadata: DocumentMetadata;
  state: DocumentState;
  contentKey: string;
  sha256: string;
  size: number;
  signerSubject: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One recorded change of a document's state. */
export interface StoredTransition {
  seq: number;
  from: DocumentState | null;
  to: DocumentState;
  action: string;
  by: string;
  at: Date;
  reason: string | null;
}

interface DocumentRow {
  id: string;
  office: string;
  type: string;
  subject: string;
  metadata: DocumentMetadata;
  state: DocumentState;
  content_key: string;
  sha256: string;
  size: string;
  signer_subject: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const columns =
  'id, office, type, subject, metadata, state, content_key, sha256, size, signer_subject, created_by, created_at, updated_at';

const toDocument = (r: DocumentRow): StoredDocument => ({
  id: r.id,
  office: r.office,
  type: r.type,
  subject: r.subject,
  metadata: r.metadata,
  state: r.state,
  contentKey: r.content_key,
  sha256: r.sha256,
  size: Number(r.size),
  signerSubject: r.signer_subject,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Inserts a new document with its first transitions (in their order, by its creator) in one
 * statement, so it needs no transaction of its own and costs one round trip; returns it as stored.
 */
export async function insertDocumentWithTransitions(
  q: Queryable,
  d: Omit<StoredDocument, 'createdAt' | 'updatedAt'>,
  transitions: { from: DocumentState | null; to: DocumentState; action: string }[],
): Promise<StoredDocument> {
  const { rows } = await q.query<DocumentRow>(
    `WITH d AS (
       INSERT INTO document (id, office, type, subject, metadata, state, content_key, sha256, size, signer_subject, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${columns}
     ), t AS (
       INSERT INTO document_transition (document, from_state, to_state, action, by_subject)
       SELECT d.id, v.from_state, v.to_state, v.action, d.created_by
       FROM d, unnest($12::text[], $13::text[], $14::text[]) WITH ORDINALITY AS v (from_state, to_state, action, n)
       ORDER BY v.n
     )
     SELECT ${columns} FROM d`,
    [
      d.id,
      d.office,
      d.type,
      d.subject,
      JSON.stringify(d.metadata),
      d.state,
      d.contentKey,
      d.sha256,
      d.size,
      d.signerSubject,
      d.createdBy,
      transitions.map((t) => t.from),
      transitions.map((t) => t.to),
      transitions.map((t) => t.action),
    ],
  );
  return toDocument(rows[0]!);
}

/** The document `id` of `office`, locked for update when `forUpdate`; undefined when another office's or none. */
export async function findDocument(
  q: Queryable,
  office: string,
  id: string,
  forUpdate = false,
): Promise<StoredDocument | undefined> {
  const { rows } = await q.query<DocumentRow>(
    `SELECT ${columns} FROM document WHERE id = $1 AND office = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, office],
  );
  return rows[0] === undefined ? undefined : toDocument(rows[0]);
}

/** A page of `office`'s documents, newest first, optionally in one state. */
export async function listDocuments(
  q: Queryable,
  office: string,
  options: { state?: DocumentState; limit: number; offset: number },
): Promise<StoredDocument[]> {
  const { rows } = await q.query<DocumentRow>(
    `SELECT ${columns} FROM document WHERE office = $1 AND ($2::text IS NULL OR state = $2)
     ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [office, options.state ?? null, options.limit, options.offset],
  );
  return rows.map(toDocument);
}

/** Moves a document to `state`. */
export async function setDocumentState(q: Queryable, id: string, state: DocumentState): Promise<StoredDocument> {
  const { rows } = await q.query<DocumentRow>(
    `UPDATE document SET state = $2, updated_at = now() WHERE id = $1 RETURNING ${columns}`,
    [id, state],
  );
  return toDocument(rows[0]!);
}

/** Appends one transition to a document's life record. */
export async function appendTransition(
  q: Queryable,
  document: string,
  t: { from: DocumentState | null; to: DocumentState; action: string; by: string; reason?: string },
): Promise<void> {
  await q.query(
    'INSERT INTO document_transition (document, from_state, to_state, action, by_subject, reason) VALUES ($1, $2, $3, $4, $5, $6)',
    [document, t.from, t.to, t.action, t.by, t.reason ?? null],
  );
}

/** A document's life record, oldest first. */
export async function listTransitions(q: Queryable, document: string): Promise<StoredTransition[]> {
  const { rows } = await q.query<{
    seq: string;
    from_state: DocumentState | null;
    to_state: DocumentState;
    action: string;
    by_subject: string;
    at: Date;
    reason: string | null;
  }>(
    'SELECT seq, from_state, to_state, action, by_subject, at, reason FROM document_transition WHERE document = $1 ORDER BY seq',
    [document],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    from: r.from_state,
    to: r.to_state,
    action: r.action,
    by: r.by_subject,
    at: r.at,
    reason: r.reason,
  }));
}
