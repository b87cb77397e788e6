/**
 * A status event applied to the catalog (README "Status updates"): in one transaction, the
 * event marked handled, the record's status set (its other fields kept) and an audit entry
 * `record.status-changed` in the issuing office's chain; an event about a record not archived
 * yet is parked until it is (src/parked/), so one that overtakes `document.issued` is not lost.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { handleOnce, withTransaction } from '@lienthong/db';
import type { Pool, PoolClient } from '@lienthong/db';
import { appendAudit } from '../audit/audit-log.ts';
import { setRecordStatus } from '../catalog/catalog-repository.ts';
import { parkEvent, takeParkedEvent } from '../parked/parked-events.ts';
import { statusChangeOf } from './status-change.ts';

/** The consumer name `handleOnce` and `parked_event` record status events under. */
export const statusConsumer = 'archive-status';

/** What became of a status event. */
export type StatusOutcome = 'changed' | 'unchanged' | 'parked' | 'duplicate' | 'ignored';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Applies `envelope` inside the caller's transaction (no `handleOnce`: the caller has made it
 * once). A record already recalled, replaced or cancelled keeps its first such status (intake
 * moves a document to one of them only from `issued`; a later one is recorded in the audit
 * entry's detail as not applied).
 */
export async function applyStatusChange(
  client: PoolClient,
  envelope: EventEnvelope,
  now: Date,
): Promise<Exclude<StatusOutcome, 'duplicate'>> {
  const change = statusChangeOf(envelope);
  // An id that is no UUID was never archived (the ingest refuses it): nothing to change, ever.
  if (change === undefined || !uuidPattern.test(change.recordId)) return 'ignored';
  const { rows } = await client.query<{ status: string }>('SELECT status FROM record WHERE id = $1 FOR UPDATE', [
    change.recordId,
  ]);
  const current = rows[0]?.status;
  if (current === undefined) {
    await parkEvent(client, statusConsumer, change.recordId, envelope, now);
    return 'parked';
  }
  if (current === change.status) return 'unchanged';
  const applied = current === 'issued';
  if (applied) await setRecordStatus(client, change.recordId, change.status);
  await appendAudit(
    client,
    {
      office: change.office,
      actor: `service:${envelope.source}`,
      action: 'record.status-changed',
      recordId: change.recordId,
      detail: {
        eventId: envelope.id,
        from: current,
        to: change.status,
        applied,
        // At most 500 characters: the entry's detail stays within the log's 4 KiB whatever the script.
        reason: Array.from(change.reason).slice(0, 500).join(''),
        at: change.at,
        ...(change.replacedBy === undefined ? {} : { replacedBy: change.replacedBy }),
      },
    },
    now,
  );
  return applied ? 'changed' : 'unchanged';
}

/** Applies one status event exactly once (`handleOnce` in the same transaction). */
export async function applyStatusEvent(
  pool: Pool,
  envelope: EventEnvelope,
  now: () => Date = () => new Date(),
): Promise<StatusOutcome> {
  return withTransaction(pool, async (client) => {
    if (!(await handleOnce(client, statusConsumer, envelope.id))) return 'duplicate';
    return applyStatusChange(client, envelope, now());
  });
}

/** Applies a parked status event once its record is archived, in the transaction that takes it. */
export async function applyParkedStatus(
  pool: Pool,
  envelope: EventEnvelope,
  now: () => Date = () => new Date(),
): Promise<StatusOutcome> {
  return withTransaction(pool, async (client) => {
    if ((await takeParkedEvent(client, statusConsumer, envelope.id)) === undefined) return 'duplicate';
    return applyStatusChange(client, envelope, now());
  });
}
