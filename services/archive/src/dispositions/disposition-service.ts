/**
 * Retention and disposition (README "Retention and disposition"): the records of an office
 * whose retention ended, a disposition proposed by one of its archivists and approved (or
 * rejected) by another person holding `archive-approver`, then each record's objects deleted
 * from the store (the store refuses while their retention lasts: that record is refused and
 * stays), the catalog row kept as a tombstone with status `disposed`, and a disposal
 * certificate kept in the archive bucket under a long retention. Every step is audited. A
 * record is disposed of by the office that issued it.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { textProblem } from '@lienthong/records';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { isStorageError } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { findRecord, upsertRecord } from '../catalog/catalog-repository.ts';
import { archiveErrors } from '../errors.ts';
import { permanentRetentionYears } from '../packages/archive-package.ts';
import { canonicalJson } from '../packages/canonical-json.ts';
import { listArchivedObjects } from '../packages/package-repository.ts';
import type { Queryable } from '../queryable.ts';
import type { Disposition, DispositionPosition, DispositionSummary, DueRecord } from './disposition-repository.ts';
import {
  decideDisposition,
  dueAmong,
  dueRecords,
  findDisposition,
  finishDisposition,
  insertDisposition,
  listDispositions,
  recordOutcome,
} from './disposition-repository.ts';

/** The role that approves or rejects a disposition (never the person who proposed it). */
export const dispositionApprover = 'archive-approver';

/** The most records one disposition names. */
export const maxDispositionRecords = 1000;

/** What dispositions need. */
export interface DispositionDeps {
  pool: Pool;
  store: ObjectStore;
  /** The archive bucket. */
  bucket: string;
  now?: () => Date;
  /** How long the certificate is kept, ms ahead (default `permanentRetentionYears`); tests shorten it. */
  certificateHorizonMs?: number;
  /** How far ahead of now a legal hold extends the record's retention, ms (README "Legal hold"; tests shorten it). */
  holdExtensionMs?: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const nowOf = (deps: DispositionDeps) => (deps.now ?? (() => new Date()))();
const notFound = () => new AppError(archiveErrors.DISPOSITION_NOT_FOUND);

function checkReason(reason: string): void {
  const problem = textProblem(reason, { maxLength: 1000 });
  if (problem !== undefined) throw new AppError(serviceErrors.VALIDATION_FAILED, { detail: `reason ${problem}` });
}

/** The records the caller's office issued whose retention ended and that may be proposed now (archivists). */
export async function listDue(deps: DispositionDeps, principal: Principal, limit: number): Promise<DueRecord[]> {
  requireRoleOf(principal, roles.archivist);
  return dueRecords(deps.pool, principal.office, nowOf(deps), limit);
}

/**
 * Proposes the disposition of `recordIds` (records the caller's office issued, each due) for
 * `reason`. 400 for ids that are not UUIDs or repeat one, 409 DISPOSITION_RECORDS_NOT_DUE naming
 * the ids that are not due (held, retention not ended, another office's, already proposed).
 */
export async function propose(
  deps: DispositionDeps,
  principal: Principal,
  body: { recordIds: string[]; reason: string },
): Promise<Disposition> {
  requireRoleOf(principal, roles.archivist);
  checkReason(body.reason);
  const ids = body.recordIds.map((id) => id.toLowerCase());
  if (ids.some((id) => !uuidPattern.test(id)))
    throw new AppError(serviceErrors.VALIDATION_FAILED, { detail: 'recordIds must be UUIDs' });
  if (new Set(ids).size !== ids.length)
    throw new AppError(serviceErrors.VALIDATION_FAILED, { detail: 'recordIds names a record twice' });
  const at = nowOf(deps);
  const id = randomUUID();
  await withTransaction(deps.pool, async (client) => {
    const due = await dueAmong(client, principal.office, ids, at);
    const notDue = ids.filter((r) => !due.has(r));
    if (notDue.length > 0)
      throw new AppError(archiveErrors.DISPOSITION_RECORDS_NOT_DUE, {
        detail: `not due for disposition by ${principal.office}: ${notDue.slice(0, 20).join(', ')}`,
      });
    await insertDisposition(
      client,
      { id, office: principal.office, reason: body.reason, proposedBy: principal.subject, proposedAt: at },
      ids,
    );
    for (const recordId of ids)
      await appendAudit(
        client,
        {
          office: principal.office,
          actor: principal.subject,
          action: 'disposition.proposed',
          recordId,
          detail: { dispositionId: id, reason: body.reason },
        },
        at,
      );
  });
  return (await findDisposition(deps.pool, principal.office, id))!;
}

/** Disposition `id` of the caller's office (archivists and approvers); 404 otherwise. */
export async function showDisposition(deps: DispositionDeps, principal: Principal, id: string): Promise<Disposition> {
  requireRoleOf(principal, roles.archivist, dispositionApprover);
  const d = uuidPattern.test(id) ? await findDisposition(deps.pool, principal.office, id) : undefined;
  if (d === undefined) throw notFound();
  return d;
}

/** A page of dispositions and the cursor of the next one (null at the end). */
export interface DispositionPage {
  dispositions: DispositionSummary[];
  nextCursor: string | null;
}

const encodePosition = (p: DispositionPosition) =>
  Buffer.from(`${p.proposedAt.toISOString()}|${p.id}`, 'utf8').toString('base64url');

function decodePosition(cursor: string): DispositionPosition {
  const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const proposedAt = new Date(time ?? '');
  if (rest.length > 0 || id === undefined || !uuidPattern.test(id) || Number.isNaN(proposedAt.getTime()))
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: 'cursor is not one this service handed out; start again without it',
    });
  return { proposedAt, id };
}

/**
 * The dispositions of the caller's office (archivists and approvers), newest proposal first,
 * in `states` (all when empty), `limit` a page, after `cursor` (the previous page's `nextCursor`).
 */
export async function listOfficeDispositions(
  deps: DispositionDeps,
  principal: Principal,
  query: { states: Disposition['state'][]; limit: number; cursor?: string },
): Promise<DispositionPage> {
  requireRoleOf(principal, roles.archivist, dispositionApprover);
  const after = query.cursor === undefined ? undefined : decodePosition(query.cursor);
  const page = await listDispositions(deps.pool, principal.office, {
    states: query.states,
    limit: query.limit,
    ...(after === undefined ? {} : { after }),
  });
  const last = page.dispositions.at(-1);
  return {
    dispositions: page.dispositions,
    nextCursor: page.more && last !== undefined ? encodePosition(last) : null,
  };
}

/** The decision's checks: the approver's role, the office's disposition, a state that takes it, another person. */
async function lockForDecision(client: Queryable, principal: Principal, id: string, resumable: boolean) {
  requireRoleOf(principal, dispositionApprover);
  const d = uuidPattern.test(id) ? await findDisposition(client, principal.office, id, true) : undefined;
  if (d === undefined) throw notFound();
  const resuming = resumable && d.state === 'approved' && d.finishedAt === null;
  if (d.state !== 'proposed' && !resuming)
    throw new AppError(archiveErrors.DISPOSITION_STATE, { detail: `the disposition is ${d.state}` });
  if (d.proposedBy === principal.subject) throw new AppError(archiveErrors.DISPOSITION_SAME_PERSON);
  return { d, resuming };
}

/** Rejects the proposed disposition `id` with `reason` (approvers, not its proposer). */
export async function reject(
  deps: DispositionDeps,
  principal: Principal,
  id: string,
  reason: string,
): Promise<Disposition> {
  checkReason(reason);
  const at = nowOf(deps);
  await withTransaction(deps.pool, async (client) => {
    const { d } = await lockForDecision(client, principal, id, false);
    await decideDisposition(client, d.id, 'rejected', principal.subject, at, reason);
    for (const r of d.records)
      await appendAudit(
        client,
        {
          office: d.office,
          actor: principal.subject,
          action: 'disposition.refused',
          recordId: r.recordId,
          detail: { dispositionId: d.id, reason },
        },
        at,
      );
  });
  return (await findDisposition(deps.pool, principal.office, id))!;
}

/**
 * Approves the proposed disposition `id` (approvers, not its proposer) and carries it out;
 * an approved one whose deletion stopped (the store unreachable) is carried on by asking again.
 */
export async function approve(deps: DispositionDeps, principal: Principal, id: string): Promise<Disposition> {
  const at = nowOf(deps);
  const d = await withTransaction(deps.pool, async (client) => {
    const { d, resuming } = await lockForDecision(client, principal, id, true);
    if (resuming) return d;
    await decideDisposition(client, d.id, 'approved', principal.subject, at, null);
    for (const r of d.records)
      await appendAudit(
        client,
        {
          office: d.office,
          actor: principal.subject,
          action: 'disposition.approved',
          recordId: r.recordId,
          detail: { dispositionId: d.id },
        },
        at,
      );
    return { ...d, state: 'approved' as const, decidedBy: principal.subject, decidedAt: at };
  });
  await carryOut(deps, d, principal.subject);
  return (await findDisposition(deps.pool, principal.office, id))!;
}

/** Every version under the record's prefix (the package's and any an interrupted ingest left unnamed). */
async function versionsOf(deps: DispositionDeps, recordId: string) {
  const named = await listArchivedObjects(deps.pool, recordId);
  const listed = await deps.store.listVersions(deps.bucket, `records/${recordId}/`);
  const all = new Map<string, { key: string; versionId: string }>();
  for (const o of named) all.set(`${o.key}\u0000${o.versionId}`, { key: o.key, versionId: o.versionId });
  for (const v of listed) all.set(`${v.key}\u0000${v.versionId}`, { key: v.key, versionId: v.versionId });
  return { named, versions: [...all.values()] };
}

/** Deletes one record's versions; the store's refusal (retention, hold) is returned, anything else thrown. */
async function deleteRecord(deps: DispositionDeps, recordId: string): Promise<string | null> {
  const { rows } = await deps.pool.query<{ legal_hold: boolean }>(
    'SELECT legal_hold FROM package WHERE record_id = $1',
    [recordId],
  );
  if (rows[0]?.legal_hold !== false) return 'the record is under legal hold';
  const { versions } = await versionsOf(deps, recordId);
  for (const v of versions) {
    try {
      await deps.store.delete(deps.bucket, v.key, { versionId: v.versionId });
    } catch (error) {
      if (isStorageError(error, 'OBJECT_LOCKED')) return `the store refused to delete ${v.key}: ${error.message}`;
      throw error;
    }
  }
  return null;
}

/** Deletes each record not yet done, records its outcome, then writes the certificate and closes the disposition. */
async function carryOut(deps: DispositionDeps, d: Disposition, approver: string): Promise<void> {
  const proof = new Map<string, Awaited<ReturnType<typeof listArchivedObjects>>>();
  for (const r of d.records) proof.set(r.recordId, await listArchivedObjects(deps.pool, r.recordId));
  for (const r of d.records) {
    if (r.outcome !== null) continue;
    const refusal = await deleteRecord(deps, r.recordId);
    const at = nowOf(deps);
    await withTransaction(deps.pool, async (client) => {
      await recordOutcome(client, d.id, r.recordId, refusal === null ? 'disposed' : 'refused', refusal, at);
      if (refusal !== null) return;
      const record = await findRecord(client, d.office, r.recordId);
      if (record !== undefined) {
        const { createdAt: _created, ...entry } = record;
        await upsertRecord(client, { ...entry, status: 'disposed' });
      }
      for (const office of new Set([d.office, ...(record?.receivingOffices ?? [])]))
        await appendAudit(
          client,
          {
            office,
            actor: approver,
            action: 'record.disposed',
            recordId: r.recordId,
            detail: { dispositionId: d.id, objects: proof.get(r.recordId)?.length ?? 0 },
          },
          at,
        );
    });
  }
  const done = (await findDisposition(deps.pool, d.office, d.id))!;
  const at = nowOf(deps);
  const certificate = canonicalJson({
    type: 'lienthong disposal certificate',
    dispositionId: done.id,
    office: done.office,
    reason: done.reason,
    proposedBy: done.proposedBy,
    proposedAt: done.proposedAt.toISOString(),
    approvedBy: done.decidedBy,
    approvedAt: done.decidedAt?.toISOString() ?? null,
    completedAt: at.toISOString(),
    records: done.records.map((r) => ({
      recordId: r.recordId,
      outcome: r.outcome,
      detail: r.detail,
      objects: (proof.get(r.recordId) ?? []).map((o) => ({
        name: o.name,
        key: o.key,
        versionId: o.versionId,
        sha256: o.sha256,
        size: o.size,
      })),
    })),
  });
  const retainUntil = new Date(at.getTime());
  if (deps.certificateHorizonMs === undefined)
    retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + permanentRetentionYears);
  else retainUntil.setTime(at.getTime() + deps.certificateHorizonMs);
  const key = `dispositions/${done.id}/certificate.json`;
  const put = await deps.store.put(deps.bucket, key, certificate, {
    contentType: 'application/json',
    metadata: { 'lienthong-disposition': done.id },
    retention: { mode: 'COMPLIANCE', retainUntil },
  });
  await withTransaction(deps.pool, (client) =>
    finishDisposition(client, done.id, { key, versionId: put.versionId, sha256: put.sha256 }, at),
  );
}
