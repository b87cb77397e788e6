/**
 * The SQL of fixity (migration `0006_fixity_disposition`): leases on the objects due for a
 * check, each check's outcome, the failures kept as `fixity_event`, the package's state, and
 * the runs. A package disposed of (README "Retention and disposition") is no longer checked
 * or counted: its rows stay as the tombstone, its objects are gone on purpose.
 */
import type { Queryable } from '../queryable.ts';
import type { FixityOutcome, FixityResult, ObjectToCheck } from './check-object.ts';

/** Which objects a claim takes. */
export interface ClaimScope {
  location: string;
  /** Only objects whose last check at `location` is before this (or that were never checked). */
  checkedBefore: Date;
  /** Only records this office issued or received (null: every record). */
  office: string | null;
  /** Who holds the lease (one process), and until when. */
  holder: string;
  leaseUntil: Date;
  now: Date;
  limit: number;
}

/**
 * Gives every archived object not yet known at `location` its `fixity_check` row (never
 * checked), so that runs find due objects through the index on (location, checked_at) instead
 * of sorting every object for each batch. One anti-join over the objects; run before each run
 * and each look of the schedule.
 */
export async function seedChecks(q: Queryable, location: string): Promise<number> {
  const { rowCount } = await q.query(
    `INSERT INTO fixity_check (record_id, name, location)
     SELECT o.record_id, o.name, $1 FROM archived_object o
     JOIN package p ON p.record_id = o.record_id AND p.disposed_at IS NULL
     WHERE NOT EXISTS (
       SELECT 1 FROM fixity_check f WHERE f.record_id = o.record_id AND f.name = o.name AND f.location = $1)
     ON CONFLICT DO NOTHING`,
    [location],
  );
  return rowCount ?? 0;
}

/**
 * Leases up to `limit` objects due at `location` (seeded by `seedChecks`), the longest-ago
 * checked first (never checked before any), and returns them. Rows another transaction is
 * leasing are skipped (`FOR UPDATE SKIP LOCKED`) and a live lease is respected, so two
 * processes claiming at once never take the same object.
 */
export async function claimDueObjects(q: Queryable, scope: ClaimScope): Promise<ObjectToCheck[]> {
  const { rows } = await q.query<{
    record_id: string;
    name: string;
    bucket: string;
    key: string;
    version_id: string;
    sha256: string;
    size: string;
  }>(
    `WITH due AS (
       SELECT f.record_id, f.name
       FROM fixity_check f
       JOIN package p ON p.record_id = f.record_id AND p.disposed_at IS NULL
       WHERE f.location = $1
         AND (f.checked_at IS NULL OR f.checked_at < $2)
         AND (f.leased_until IS NULL OR f.leased_until <= $3)
         AND ($4::text IS NULL OR EXISTS (
           SELECT 1 FROM record r WHERE r.id = f.record_id AND r.offices @> ARRAY[$4::text]))
       ORDER BY f.checked_at ASC NULLS FIRST, f.record_id, f.name
       LIMIT $5
       FOR UPDATE OF f SKIP LOCKED
     ), leased AS (
       UPDATE fixity_check f SET leased_until = $6, leased_by = $7
       FROM due WHERE f.record_id = due.record_id AND f.name = due.name AND f.location = $1
       RETURNING f.record_id, f.name
     )
     SELECT o.record_id::text AS record_id, o.name, o.bucket, o.key, o.version_id, o.sha256, o.size
     FROM leased l JOIN archived_object o ON o.record_id = l.record_id AND o.name = l.name
     ORDER BY o.added_at, o.record_id, o.name`,
    [scope.location, scope.checkedBefore, scope.now, scope.office, scope.limit, scope.leaseUntil, scope.holder],
  );
  return rows.map((r) => ({
    recordId: r.record_id,
    name: r.name,
    bucket: r.bucket,
    key: r.key,
    versionId: r.version_id,
    sha256: r.sha256,
    size: Number(r.size),
  }));
}

/**
 * Records `result` of `object` at `location` (the lease released), a `fixity_event` when it
 * failed, and the package's state from the last checks of all its objects.
 */
export async function recordCheck(
  q: Queryable,
  runId: string,
  location: string,
  object: ObjectToCheck,
  result: FixityResult,
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE fixity_check SET checked_at = $4, outcome = $5, leased_until = NULL, leased_by = NULL
     WHERE record_id = $1 AND name = $2 AND location = $3`,
    [object.recordId, object.name, location, at, result.outcome],
  );
  if (result.outcome !== 'ok') {
    await q.query(
      `INSERT INTO fixity_event (run_id, record_id, name, location, outcome, expected_sha256, expected_size,
         found_sha256, found_size, detail, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        runId,
        object.recordId,
        object.name,
        location,
        result.outcome,
        object.sha256,
        object.size,
        result.found.sha256,
        result.found.size,
        result.detail ?? null,
        at,
      ],
    );
  }
  await q.query(
    `UPDATE package SET fixity_state = CASE WHEN EXISTS (
       SELECT 1 FROM fixity_check f WHERE f.record_id = $1 AND f.outcome IN ('mismatch', 'missing'))
       THEN 'failed' ELSE 'ok' END
     WHERE record_id = $1`,
    [object.recordId],
  );
}

/** The offices that may see record `recordId` (its issuing and receiving offices); empty when not catalogued. */
export async function officesOfRecord(q: Queryable, recordId: string): Promise<string[]> {
  const { rows } = await q.query<{ offices: string[] }>('SELECT offices FROM record WHERE id = $1', [recordId]);
  return rows[0]?.offices ?? [];
}

/** A run as kept in `fixity_run`. */
export interface FixityRun {
  id: string;
  location: string;
  /** The office whose records it checks (null: every record). */
  office: string | null;
  /** The archivist who asked for it (null: the schedule). */
  requestedBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  checked: number;
  failed: number;
  bytesRead: number;
  /** Why it stopped before the end (the database or store gone). */
  error: string | null;
}

/** Starts run `run` (its counts at 0). */
export async function insertRun(
  q: Queryable,
  run: Pick<FixityRun, 'id' | 'location' | 'office' | 'requestedBy' | 'startedAt'>,
): Promise<void> {
  await q.query('INSERT INTO fixity_run (id, location, office, requested_by, started_at) VALUES ($1, $2, $3, $4, $5)', [
    run.id,
    run.location,
    run.office,
    run.requestedBy,
    run.startedAt,
  ]);
}

/** Adds one checked object to run `runId`'s counts. */
export async function countInRun(q: Queryable, runId: string, failed: boolean, bytesRead: number): Promise<void> {
  await q.query(
    'UPDATE fixity_run SET checked = checked + 1, failed = failed + $2, bytes_read = bytes_read + $3 WHERE id = $1',
    [runId, failed ? 1 : 0, bytesRead],
  );
}

/** Marks run `runId` finished at `at` (with the error that stopped it, if one did). */
export async function finishRun(q: Queryable, runId: string, at: Date, error: string | null): Promise<void> {
  await q.query('UPDATE fixity_run SET finished_at = $2, error = $3 WHERE id = $1', [runId, at, error]);
}

interface RunRow {
  id: string;
  location: string;
  office: string | null;
  requested_by: string | null;
  started_at: Date;
  finished_at: Date | null;
  checked: number;
  failed: number;
  bytes_read: string;
  error: string | null;
}

const toRun = (r: RunRow): FixityRun => ({
  id: r.id,
  location: r.location,
  office: r.office,
  requestedBy: r.requested_by,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  checked: r.checked,
  failed: r.failed,
  bytesRead: Number(r.bytes_read),
  error: r.error,
});

/** The newest run that covered `office`'s records (its own, or a run of every record), or undefined. */
export async function lastRunFor(q: Queryable, office: string): Promise<FixityRun | undefined> {
  const { rows } = await q.query<RunRow>(
    `SELECT id::text AS id, location, office, requested_by, started_at, finished_at, checked, failed, bytes_read, error
     FROM fixity_run WHERE office IS NULL OR office = $1 ORDER BY started_at DESC, id LIMIT 1`,
    [office],
  );
  return rows[0] === undefined ? undefined : toRun(rows[0]);
}

/** Run `id`, or undefined. */
export async function findRun(q: Queryable, id: string): Promise<FixityRun | undefined> {
  const { rows } = await q.query<RunRow>(
    `SELECT id::text AS id, location, office, requested_by, started_at, finished_at, checked, failed, bytes_read, error
     FROM fixity_run WHERE id = $1`,
    [id],
  );
  return rows[0] === undefined ? undefined : toRun(rows[0]);
}

/** An object of `office`'s records whose last check at a location did not find its bytes. */
export interface FixityFailure {
  recordId: string;
  name: string;
  location: string;
  outcome: Exclude<FixityOutcome, 'ok'>;
  checkedAt: Date;
  expected: { sha256: string; size: number };
  found: { sha256: string | null; size: number | null };
  detail: string | null;
}

/**
 * The objects of records `office` issued or received whose last check failed, with what that
 * check found (its `fixity_event`), newest first, at most `limit`.
 */
export async function currentFailures(q: Queryable, office: string, limit: number): Promise<FixityFailure[]> {
  const { rows } = await q.query<{
    record_id: string;
    name: string;
    location: string;
    outcome: FixityFailure['outcome'];
    checked_at: Date;
    expected_sha256: string;
    expected_size: string;
    found_sha256: string | null;
    found_size: string | null;
    detail: string | null;
  }>(
    `SELECT f.record_id::text AS record_id, f.name, f.location, f.outcome, f.checked_at,
       e.expected_sha256, e.expected_size, e.found_sha256, e.found_size, e.detail
     FROM fixity_check f
     JOIN record r ON r.id = f.record_id AND r.offices @> ARRAY[$1::text]
     JOIN package p ON p.record_id = f.record_id AND p.disposed_at IS NULL
     JOIN LATERAL (
       SELECT * FROM fixity_event e
       WHERE e.record_id = f.record_id AND e.name = f.name AND e.location = f.location
       ORDER BY e.at DESC, e.id DESC LIMIT 1
     ) e ON true
     WHERE f.outcome IN ('mismatch', 'missing', 'unreadable')
     ORDER BY f.checked_at DESC, f.record_id, f.name
     LIMIT $2`,
    [office, limit],
  );
  return rows.map((r) => ({
    recordId: r.record_id,
    name: r.name,
    location: r.location,
    outcome: r.outcome,
    checkedAt: r.checked_at,
    expected: { sha256: r.expected_sha256, size: Number(r.expected_size) },
    found: { sha256: r.found_sha256, size: r.found_size === null ? null : Number(r.found_size) },
    detail: r.detail,
  }));
}

/** Per outcome, how many objects' last check at `location` ended so (`unchecked`: never checked there). */
export async function outcomeCounts(
  q: Queryable,
  location: string,
): Promise<Record<FixityOutcome | 'unchecked', number>> {
  const { rows } = await q.query<{ outcome: string | null; n: string }>(
    `SELECT f.outcome, count(*) AS n FROM archived_object o
     JOIN package p ON p.record_id = o.record_id AND p.disposed_at IS NULL
     LEFT JOIN fixity_check f ON f.record_id = o.record_id AND f.name = o.name AND f.location = $1
     GROUP BY f.outcome`,
    [location],
  );
  const counts = { ok: 0, mismatch: 0, missing: 0, unreadable: 0, unchecked: 0 };
  for (const r of rows) counts[(r.outcome ?? 'unchecked') as keyof typeof counts] += Number(r.n);
  return counts;
}

/**
 * How long ago, in seconds at `now`, the object checked longest ago at `location` was last
 * checked (an object never checked counts from when it was archived); 0 with no objects.
 */
export async function oldestCheckAge(q: Queryable, location: string, now: Date): Promise<number> {
  const { rows } = await q.query<{ oldest: Date | null }>(
    `SELECT min(coalesce(f.checked_at, o.added_at)) AS oldest FROM archived_object o
     JOIN package p ON p.record_id = o.record_id AND p.disposed_at IS NULL
     LEFT JOIN fixity_check f ON f.record_id = o.record_id AND f.name = o.name AND f.location = $1`,
    [location],
  );
  const oldest = rows[0]?.oldest;
  return oldest === null || oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest.getTime()) / 1000);
}

/** True when some object seeded at `location` was last checked before `checkedBefore` (or never) and is not leased at `now`. */
export async function anyDue(q: Queryable, location: string, checkedBefore: Date, now: Date): Promise<boolean> {
  const { rows } = await q.query<{ due: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM fixity_check f
       JOIN package p ON p.record_id = f.record_id AND p.disposed_at IS NULL
       WHERE f.location = $1 AND (f.checked_at IS NULL OR f.checked_at < $2)
         AND (f.leased_until IS NULL OR f.leased_until <= $3)
     ) AS due`,
    [location, checkedBefore, now],
  );
  return rows[0]?.due === true;
}
