/**
 * Retrieval of an archived record (README "Retrieval"): its metadata, its package's manifest,
 * the original PDF and any object of the package by its manifest name, for the offices that
 * issued or received it (the catalog's rule: another office's record is 404). Every read is
 * one audit entry of the caller's office, appended in a short transaction of its own once the
 * object is open and before a byte is streamed (never a transaction held across the stream).
 */
import type { Readable } from 'node:stream';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { verifiedStream } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { appendAudit } from '../audit/audit-log.ts';
import type { AuditAction } from '../audit/audit-actions.ts';
import type { StoredRecord } from '../catalog/catalog-record.ts';
import { catalogRecord } from '../catalog/catalog-service.ts';
import { archiveErrors } from '../errors.ts';
import type { ArchivedObject } from '../packages/archive-package.ts';
import { packageObjects } from '../packages/archive-package.ts';
import type { StoredPackage } from '../packages/package-repository.ts';
import { findPackage, listArchivedObjects } from '../packages/package-repository.ts';
import { parseByteRange } from './byte-range.ts';

/** What the reads need. */
export interface RetrievalDeps {
  pool: Pool;
  store: ObjectStore;
}

/** One audit entry of the caller's office for a read of `recordId`, in a transaction of its own. */
export async function auditRead(
  pool: Pool,
  principal: Principal,
  action: AuditAction,
  recordId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await withTransaction(pool, (client) =>
    appendAudit(client, { office: principal.office, actor: principal.subject, action, recordId, detail }),
  );
}

/** The record `id`'s metadata (catalog's scope), its read audited. */
export async function readRecord(pool: Pool, principal: Principal, id: string): Promise<StoredRecord> {
  const record = await catalogRecord(pool, principal, id);
  await auditRead(pool, principal, 'record.read', record.id, { what: 'metadata' });
  return record;
}

/** A record's package: the package row and its objects. */
export interface RecordPackage {
  record: StoredRecord;
  package: StoredPackage;
  objects: ArchivedObject[];
}

/** The package of a record in the caller's scope; 404 when the record is not, or has no package yet. */
async function packageOf(pool: Pool, principal: Principal, id: string): Promise<RecordPackage> {
  const record = await catalogRecord(pool, principal, id);
  const pkg = await findPackage(pool, record.id);
  if (pkg === undefined)
    throw new AppError(archiveErrors.RECORD_NOT_FOUND, { detail: 'the record has no package in the archive yet' });
  return { record, package: pkg, objects: await listArchivedObjects(pool, record.id) };
}

/** The package of record `id` (manifest, SHA-256s, retention, hold), its read audited. */
export async function readPackage(pool: Pool, principal: Principal, id: string): Promise<RecordPackage> {
  const found = await packageOf(pool, principal, id);
  await auditRead(pool, principal, 'record.read', found.record.id, { what: 'package' });
  return found;
}

/** An object opened for a response: its row, the status and range served, and the body. */
export interface OpenedObject {
  object: ArchivedObject;
  /** 200 (whole, checked on the way against the package's SHA-256) or 206 (one range). */
  status: 200 | 206;
  range: { start: number; end: number } | undefined;
  body: Readable;
}

/**
 * Opens object `name` of record `id`'s package (the original is `document.pdf`) at its
 * recorded version, the one range `rangeHeader` asks or the whole object through the check of
 * its SHA-256 and length (a mismatch cuts the stream with RECORD_CONTENT_MISMATCH). Throws 404
 * for a record out of scope or a name not in the manifest, 416 RANGE_NOT_SATISFIABLE (with
 * `extra.size`), 503 when the store cannot give it. Audited once open.
 */
export async function openObject(
  deps: RetrievalDeps,
  principal: Principal,
  id: string,
  name: string,
  rangeHeader: string | undefined,
): Promise<OpenedObject> {
  const { record, objects } = await packageOf(deps.pool, principal, id);
  const object = objects.find((o) => o.name === name);
  if (object === undefined) throw new AppError(archiveErrors.RECORD_OBJECT_NOT_FOUND);
  const asked = parseByteRange(rangeHeader, object.size);
  if (asked.kind === 'unsatisfiable')
    throw new AppError(archiveErrors.RANGE_NOT_SATISFIABLE, { detail: asked.why, extra: { size: object.size } });
  const range = asked.kind === 'partial' ? { start: asked.start, end: asked.end } : undefined;
  let source: Readable;
  try {
    ({ body: source } = await deps.store.get(object.bucket, object.key, {
      versionId: object.versionId,
      ...(range === undefined ? {} : { range }),
    }));
  } catch (error) {
    throw new AppError(archiveErrors.RECORD_CONTENT_UNAVAILABLE, { cause: error });
  }
  try {
    await auditRead(
      deps.pool,
      principal,
      name === packageObjects.document ? 'record.original-read' : 'record.read',
      record.id,
      { what: name, ...(range === undefined ? {} : { range: `${range.start}-${range.end}` }) },
    );
  } catch (error) {
    source.destroy();
    throw error;
  }
  if (range !== undefined) return { object, status: 206, range, body: source };
  const checked = verifiedStream(
    { sha256: object.sha256, byteLength: object.size },
    (detail) => new AppError(archiveErrors.RECORD_CONTENT_MISMATCH, { detail: `${object.key}: ${detail}` }),
  );
  source.on('error', (error) => checked.stream.destroy(error));
  return { object, status: 200, range: undefined, body: source.pipe(checked.stream) };
}
