/**
 * SQL of the handoff of stamped evidence (README "Evidence", "Stamped evidence for the
 * archive"): which stamped batches wait to be written and told, the deliveries of a batch
 * and their rows page by page, the once-marker and the backoff.
 */
import type { Queryable } from '../queryable.ts';

/** A stamped batch whose parts are to be written and told. */
export interface StampedBatch {
  id: string;
  token: Buffer;
  stamped_at: Date;
  publish_attempts: number;
}

/** Takes up to `limit` stamped, unpublished batches due at `now`: one more attempt each, leased until `lease`. */
export async function claimUnpublished(q: Queryable, now: Date, lease: Date, limit: number): Promise<StampedBatch[]> {
  const { rows } = await q.query<StampedBatch>(
    `UPDATE evidence_batch b SET publish_attempts = b.publish_attempts + 1, publish_next_at = $2
     WHERE b.id IN (SELECT id FROM evidence_batch
                    WHERE token IS NOT NULL AND published_at IS NULL AND (publish_next_at IS NULL OR publish_next_at <= $1)
                    ORDER BY stamped_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING b.id, b.token, b.stamped_at, b.publish_attempts`,
    [now, lease, limit],
  );
  return rows;
}

/** One delivery with rows in a batch: what its part's head and event need. */
export interface BatchDelivery {
  id: string;
  count: number;
  document_id: string;
  sender: string;
  file_sha256: string;
  file_byte_length: string;
}

/** Up to `limit` deliveries with rows in batch `batchId`, by id after `after`. */
export async function deliveriesOfBatch(
  q: Queryable,
  batchId: string,
  after: string | undefined,
  limit: number,
): Promise<BatchDelivery[]> {
  const { rows } = await q.query<BatchDelivery>(
    `SELECT e.delivery_id AS id, count(*)::int AS count, d.document_id, d.sender, d.file_sha256, d.file_byte_length
     FROM evidence e JOIN delivery d ON d.id = e.delivery_id
     WHERE e.batch_id = $1 AND ($2::uuid IS NULL OR e.delivery_id > $2::uuid)
     GROUP BY e.delivery_id, d.id ORDER BY e.delivery_id LIMIT $3`,
    [batchId, after ?? null, limit],
  );
  return rows;
}

/** One stamped row of a part. */
export interface StampedRow {
  id: string;
  recipient_office: string | null;
  seq: string;
  event: string;
  cms: Buffer;
  proof: { index: number; size: number; path: string[] };
}

/** A page of delivery `deliveryId`'s rows in batch `batchId`, in chain order after (recipient '' for the submission, seq). */
export async function pageOfPart(
  q: Queryable,
  batchId: string,
  deliveryId: string,
  after: { recipient: string; seq: string } | undefined,
  limit: number,
): Promise<StampedRow[]> {
  const { rows } = await q.query<StampedRow>(
    `SELECT id, recipient_office, seq, event, cms, proof FROM evidence
     WHERE batch_id = $1 AND delivery_id = $2
       AND ($3::text IS NULL OR (coalesce(recipient_office, ''), seq) > ($3::text, $4::bigint))
     ORDER BY coalesce(recipient_office, ''), seq LIMIT $5`,
    [batchId, deliveryId, after?.recipient ?? null, after?.seq ?? '0', limit],
  );
  return rows;
}

/** Marks the batch published at `at`; false when it was already (another pass told it). */
export async function markPublished(q: Queryable, batchId: string, at: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE evidence_batch SET published_at = $2, publish_error = NULL WHERE id = $1 AND published_at IS NULL',
    [batchId, at],
  );
  return rowCount === 1;
}

/** Puts a batch's handoff off until `next`, with the error. */
export async function deferPublish(q: Queryable, batchId: string, next: Date, error: string): Promise<void> {
  await q.query(
    'UPDATE evidence_batch SET publish_next_at = $2, publish_error = $3 WHERE id = $1 AND published_at IS NULL',
    [batchId, next, error.slice(0, 1000)],
  );
}
