/**
 * SQL of evidence rows and their batches: what the sealer may take (rows whose chain
 * predecessor is sealed), what it stores, what the stamper batches and stamps, the gauges'
 * counts and the export's pages.
 */
import type { Queryable } from '../queryable.ts';

/** A row the sealer takes, with what its statement needs from the delivery. */
export interface UnsealedRow {
  id: string;
  delivery_id: string;
  recipient_office: string | null;
  event: string;
  acting_office: string;
  time: Date;
  fields: { reason?: string; incomingNumber?: string; deadline?: string };
  attempts: number;
  document_id: string;
  sender: string;
  file_sha256: string;
  file_byte_length: string;
  /** The CMS of the chain's previous evidence (null for the first). */
  previous_cms: Buffer | null;
}

/**
 * Takes (SKIP LOCKED, then due again only at `lease`) up to `limit` unsealed rows due at
 * `now` whose predecessor is sealed: a leg's chain is the delivery's submission, then the
 * leg's rows by `seq`. A leg row of a delivery with no submission row (made before
 * evidence) starts its chain. Run in a transaction: the lease is set before it ends.
 */
export async function claimUnsealed(q: Queryable, now: Date, limit: number, lease: Date): Promise<UnsealedRow[]> {
  const { rows } = await q.query<UnsealedRow>(
    `SELECT e.id, e.delivery_id, e.recipient_office, e.event, e.acting_office, e.time, e.fields, e.attempts,
       d.document_id, d.sender, d.file_sha256, d.file_byte_length,
       CASE WHEN pl.found THEN pl.cms ELSE ps.cms END AS previous_cms
     FROM evidence e JOIN delivery d ON d.id = e.delivery_id
     LEFT JOIN LATERAL (SELECT true AS found, p.cms FROM evidence p
       WHERE p.delivery_id = e.delivery_id AND p.recipient_office = e.recipient_office AND p.seq < e.seq
       ORDER BY p.seq DESC LIMIT 1) pl ON true
     LEFT JOIN LATERAL (SELECT true AS found, p.cms FROM evidence p
       WHERE p.delivery_id = e.delivery_id AND p.recipient_office IS NULL AND e.recipient_office IS NOT NULL) ps ON true
     WHERE e.sealed_at IS NULL AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= $1)
       AND CASE WHEN e.recipient_office IS NULL THEN true
                WHEN pl.found THEN pl.cms IS NOT NULL
                WHEN ps.found THEN ps.cms IS NOT NULL
                ELSE true END
     ORDER BY e.time, e.seq LIMIT $2
     FOR UPDATE OF e SKIP LOCKED`,
    [now, limit],
  );
  if (rows.length > 0)
    await q.query('UPDATE evidence SET next_attempt_at = $2 WHERE id = ANY($1::uuid[])', [
      rows.map((r) => r.id),
      lease,
    ]);
  return rows;
}

/**
 * Stores the statements and their CMS, sealed at `at`, in one statement, for rows still
 * unsealed (a row another round sealed first keeps its evidence); returns how many.
 */
export async function storeSealed(
  q: Queryable,
  sealed: ReadonlyArray<{ id: string; statement: Uint8Array; cms: Uint8Array }>,
  at: Date,
): Promise<number> {
  if (sealed.length === 0) return 0;
  const { rowCount } = await q.query(
    `UPDATE evidence e SET statement = u.statement, cms = u.cms, sealed_at = $4, last_error = NULL, next_attempt_at = NULL
     FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS u(id, statement, cms) WHERE e.id = u.id AND e.cms IS NULL`,
    [sealed.map((s) => s.id), sealed.map((s) => Buffer.from(s.statement)), sealed.map((s) => Buffer.from(s.cms)), at],
  );
  return rowCount ?? 0;
}

/** Puts rows still unsealed off: one more attempt, due again at `next`, with the error. */
export async function deferUnsealed(q: Queryable, ids: readonly string[], next: Date, error: string): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    'UPDATE evidence SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = ANY($1::uuid[]) AND cms IS NULL',
    [ids, next, error.slice(0, 1000)],
  );
}

/** Locks (SKIP LOCKED) up to `limit` sealed rows in no batch yet, the first sealed first. */
export async function claimUnbatched(
  q: Queryable,
  limit: number,
): Promise<Array<{ id: string; cms: Buffer; sealed_at: Date; acting_office: string }>> {
  const { rows } = await q.query<{ id: string; cms: Buffer; sealed_at: Date; acting_office: string }>(
    `SELECT id, cms, sealed_at, acting_office FROM evidence
     WHERE sealed_at IS NOT NULL AND batch_id IS NULL ORDER BY sealed_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows;
}

/** Stores a batch and each of its rows' proofs (same order as `ids`). */
export async function insertBatch(
  q: Queryable,
  batch: { id: string; root: Uint8Array; createdAt: Date; sealedFrom: Date; office: string },
  ids: readonly string[],
  proofs: ReadonlyArray<{ index: number; size: number; path: string[] }>,
): Promise<void> {
  await q.query(
    `INSERT INTO evidence_batch (id, root, size, created_at, sealed_from, office, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $4)`,
    [batch.id, Buffer.from(batch.root), ids.length, batch.createdAt, batch.sealedFrom, batch.office],
  );
  await q.query(
    `UPDATE evidence e SET batch_id = $3, proof = u.proof
     FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, proof) WHERE e.id = u.id`,
    [ids, proofs.map((p) => JSON.stringify(p)), batch.id],
  );
}

/** A batch waiting for its token. */
export interface DueBatch {
  id: string;
  root: Buffer;
  attempts: number;
  /** An acting office of its rows (whose token asks the TSA). */
  office: string;
}

/** Takes up to `limit` unstamped batches due at `now`: one more attempt each, leased until `lease`. */
export async function claimDueBatches(q: Queryable, now: Date, lease: Date, limit: number): Promise<DueBatch[]> {
  const { rows } = await q.query<DueBatch>(
    `UPDATE evidence_batch b SET attempts = b.attempts + 1, next_attempt_at = $2
     WHERE b.id IN (SELECT id FROM evidence_batch WHERE token IS NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING b.id, b.root, b.attempts, b.office`,
    [now, lease, limit],
  );
  return rows;
}

/** Stores a batch's token. */
export async function storeToken(q: Queryable, id: string, token: Uint8Array, at: Date): Promise<void> {
  await q.query('UPDATE evidence_batch SET token = $2, stamped_at = $3, last_error = NULL WHERE id = $1', [
    id,
    Buffer.from(token),
    at,
  ]);
}

/** Puts a batch off until `next`, with the error. */
export async function deferBatch(q: Queryable, id: string, next: Date, error: string): Promise<void> {
  await q.query('UPDATE evidence_batch SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND token IS NULL', [
    id,
    next,
    error.slice(0, 1000),
  ]);
}

/** What the evidence gauges show. */
export interface EvidenceBacklog {
  unsealed: number;
  /** Since the act of the oldest unsealed row (0: none waits). */
  oldestUnsealedSeconds: number;
  unstamped: number;
  /** Since the oldest sealed, unstamped row was sealed (0: none waits). */
  oldestUnstampedSeconds: number;
  /** Stamped batches not yet written and told for the archive. */
  unpublished: number;
  /** Since the oldest of those was stamped (0: none waits). */
  oldestUnpublishedSeconds: number;
}

/**
 * The gauges' figures: rows unsealed and the oldest of them, rows sealed but not stamped and
 * the oldest of those, stamped batches not yet handed to the archive and the oldest of those (seconds).
 */
export async function countEvidenceBacklog(q: Queryable, now: Date): Promise<EvidenceBacklog> {
  const { rows } = await q.query<{
    unsealed: string;
    unsealed_oldest: Date | null;
    unbatched: string;
    waiting: string | null;
    oldest: Date | null;
    unpublished: string;
    unpublished_oldest: Date | null;
  }>(
    `SELECT (SELECT count(*) FROM evidence WHERE sealed_at IS NULL) AS unsealed,
       (SELECT min(time) FROM evidence WHERE sealed_at IS NULL) AS unsealed_oldest,
       (SELECT count(*) FROM evidence WHERE sealed_at IS NOT NULL AND batch_id IS NULL) AS unbatched,
       (SELECT sum(size) FROM evidence_batch WHERE token IS NULL) AS waiting,
       least((SELECT min(sealed_at) FROM evidence WHERE sealed_at IS NOT NULL AND batch_id IS NULL),
             (SELECT min(sealed_from) FROM evidence_batch WHERE token IS NULL)) AS oldest,
       (SELECT count(*) FROM evidence_batch WHERE token IS NOT NULL AND published_at IS NULL) AS unpublished,
       (SELECT min(stamped_at) FROM evidence_batch WHERE token IS NOT NULL AND published_at IS NULL) AS unpublished_oldest`,
  );
  const r = rows[0]!;
  const age = (since: Date | null) => (since === null ? 0 : Math.max(0, (now.getTime() - since.getTime()) / 1000));
  return {
    unsealed: Number(r.unsealed),
    oldestUnsealedSeconds: age(r.unsealed_oldest),
    unstamped: Number(r.unbatched) + Number(r.waiting ?? 0),
    oldestUnstampedSeconds: age(r.oldest),
    unpublished: Number(r.unpublished),
    oldestUnpublishedSeconds: age(r.unpublished_oldest),
  };
}

/** One evidence row as the export gives it. */
export interface EvidenceRow {
  id: string;
  event: string;
  recipient_office: string | null;
  acting_office: string;
  time: Date;
  seq: string;
  cms: Buffer | null;
  proof: { index: number; size: number; path: string[] } | null;
  batch_id: string | null;
  token: Buffer | null;
}

/**
 * A page of delivery `deliveryId`'s evidence in chain order (the submission, then each leg
 * by recipient and seq), after the position `after` (recipient '' for the submission, seq);
 * `recipient` narrows it to the submission and that leg.
 */
export async function listEvidence(
  q: Queryable,
  deliveryId: string,
  page: { after?: { recipient: string; seq: number }; limit: number; recipient?: string },
): Promise<{ rows: EvidenceRow[]; more: boolean }> {
  const { rows } = await q.query<EvidenceRow>(
    `SELECT e.id, e.event, e.recipient_office, e.acting_office, e.time, e.seq, e.cms, e.proof,
       CASE WHEN b.token IS NULL THEN NULL ELSE e.batch_id END AS batch_id, b.token
     FROM evidence e LEFT JOIN evidence_batch b ON b.id = e.batch_id
     WHERE e.delivery_id = $1
       AND ($2::text IS NULL OR e.recipient_office IS NULL OR e.recipient_office = $2)
       AND ($3::text IS NULL OR (coalesce(e.recipient_office, ''), e.seq) > ($3::text, $4::bigint))
     ORDER BY coalesce(e.recipient_office, ''), e.seq LIMIT $5`,
    [deliveryId, page.recipient ?? null, page.after?.recipient ?? null, page.after?.seq ?? 0, page.limit + 1],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}
