/**
 * A fixity run (README "Fixity"): the objects due at one location leased in small batches,
 * longest-ago checked first, each read back through the shared byte budget and compared; each
 * outcome recorded in its own short transaction (never one held across a read), and a
 * mismatch or missing object told there too: `archive.fixity-failed` in the outbox, a
 * `record.fixity-failed` entry in the audit log of every office of the record.
 */
import { randomUUID } from 'node:crypto';
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { ObjectStore } from '@lienthong/storage';
import { appendAudit } from '../audit/audit-log.ts';
import { checkObject } from './check-object.ts';
import type { FixityResult, ObjectToCheck } from './check-object.ts';
import { fixityFailedEvent } from './fixity-event.ts';
import type { FixityRun } from './fixity-repository.ts';
import {
  claimDueObjects,
  countInRun,
  finishRun,
  insertRun,
  officesOfRecord,
  recordCheck,
  seedChecks,
} from './fixity-repository.ts';
import type { TokenBucket } from './token-bucket.ts';

/** The actor of the audit entries a run writes: the archive itself, whoever asked for the run. */
export const fixityActor = 'service:archive-fixity';

/** What a run needs. */
export interface FixityRunDeps {
  pool: Pool;
  /** The location's name and the store that holds its copies. */
  location: { name: string; store: ObjectStore };
  /** The process's byte budget, shared by its runs. */
  budget: TokenBucket;
  /** The outbox topic of `archive.fixity-failed`. */
  topic: string;
  /** Who holds the leases (this process). */
  holder: string;
  leaseMs: number;
  batchSize: number;
  now?: () => Date;
  /** Told of each checked object (metrics). */
  onChecked?: (object: ObjectToCheck, result: FixityResult) => void;
  /** Stops the run between two objects. */
  signal?: AbortSignal;
}

/** What a run checks: one office's records or all, objects last checked before `checkedBefore`. */
export interface FixityRunRequest {
  office: string | null;
  requestedBy: string | null;
  /** Default: the run's start (every object of the scope once). */
  checkedBefore?: Date;
}

/** Records `result` of `object` in one transaction, with the event and audit entries of a failure. */
async function recordResult(deps: FixityRunDeps, runId: string, object: ObjectToCheck, result: FixityResult) {
  const at = (deps.now ?? (() => new Date()))();
  await withTransaction(deps.pool, async (client) => {
    await recordCheck(client, runId, deps.location.name, object, result, at);
    await countInRun(client, runId, result.outcome !== 'ok', result.bytesRead);
    if (result.outcome !== 'mismatch' && result.outcome !== 'missing') return;
    await enqueueEvents(client, [
      fixityFailedEvent(deps.topic, deps.location.name, object, { ...result, outcome: result.outcome }, at),
    ]);
    for (const office of await officesOfRecord(client, object.recordId))
      await appendAudit(
        client,
        {
          office,
          actor: fixityActor,
          action: 'record.fixity-failed',
          recordId: object.recordId,
          detail: {
            object: object.name,
            location: deps.location.name,
            outcome: result.outcome,
            expected: { sha256: object.sha256, size: object.size },
            found: result.found,
            runId,
          },
        },
        at,
      );
  });
}

/**
 * Starts a run (its row written) and returns its id and the promise of its end: every object
 * of the request's scope due at the location checked once, unless `signal` stops it or the
 * database fails (the run's row then says why; leases run out by themselves).
 */
export async function startFixityRun(
  deps: FixityRunDeps,
  request: FixityRunRequest,
): Promise<{ id: string; done: Promise<FixityRun['error']> }> {
  const now = deps.now ?? (() => new Date());
  const id = randomUUID();
  const startedAt = now();
  await insertRun(deps.pool, {
    id,
    location: deps.location.name,
    office: request.office,
    requestedBy: request.requestedBy,
    startedAt,
  });
  const checkedBefore = request.checkedBefore ?? startedAt;
  const stopped = () => deps.signal?.aborted === true;
  const done = (async () => {
    let error: string | null = null;
    try {
      await seedChecks(deps.pool, deps.location.name);
      for (;;) {
        if (stopped()) {
          error = 'stopped: the archive was closing';
          break;
        }
        const claimedAt = now();
        const batch = await claimDueObjects(deps.pool, {
          location: deps.location.name,
          checkedBefore,
          office: request.office,
          holder: deps.holder,
          leaseUntil: new Date(claimedAt.getTime() + deps.leaseMs),
          now: claimedAt,
          limit: deps.batchSize,
        });
        if (batch.length === 0) break;
        for (const object of batch) {
          if (stopped()) break;
          const result = await checkObject(deps.location.store, deps.budget, object, deps.signal);
          // Stopped mid-read: no outcome; the lease runs out and the object is due again.
          if (result === undefined) break;
          await recordResult(deps, id, object, result);
          deps.onChecked?.(object, result);
        }
      }
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
    await finishRun(deps.pool, id, now(), error).catch(() => {});
    return error;
  })();
  return { id, done };
}
