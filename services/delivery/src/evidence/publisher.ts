/**
 * The handoff of stamped evidence to the archive: for each stamped batch, each delivery with
 * rows in it gets ONE object in the evidence bucket (libs/evidence's stamped part: each row's
 * CMS and inclusion proof, the batch's token), then one `delivery.evidence-stamped` v1 per
 * delivery names it. Three steps, so no transaction waits on the store (under the embedded
 * mode's single-session PGlite it would stall every service): the token is stored (the
 * stamper); outside any transaction the parts are written, a delivery's rows read page by
 * page as the object streams out; then one short transaction enqueues the events and sets the
 * batch's `published_at`, and only if it was not set. A crash between the writes and that
 * transaction leaves the batch unpublished: the next pass writes the parts again (new versions
 * of the same keys) and tells them, so each batch is told once. The store failing puts the
 * batch off with an exponential backoff.
 */
import { Readable } from 'node:stream';
import { createEnvelope } from '@lienthong/bus';
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { OutboxEvent, Pool } from '@lienthong/db';
import { encodeStampedPart } from '@lienthong/evidence';
import type { StampedPartRow } from '@lienthong/evidence';
import { eventDefinitions, validateEventData } from '@lienthong/records';
import type { DeliveryEvidenceStamped } from '@lienthong/records';
import type { ObjectStore } from '@lienthong/storage';
import type { DeliveryTopics } from '../topics.ts';
import { backoffMs } from '../webhooks/webhook-dispatcher.ts';
import { claimUnpublished, deferPublish, deliveriesOfBatch, markPublished, pageOfPart } from './stamped-repository.ts';
import type { BatchDelivery, StampedBatch } from './stamped-repository.ts';

/** Rows read per query while a part streams out, and deliveries per query of a batch. */
const pageRows = 500;
const deliveriesPerPage = 100;

/** How long a pass holds a batch before another process may take it (a part may be hundreds of MB). */
export const publishLeaseMs = 10 * 60_000;

/** What the handoff needs. */
export interface PublisherDeps {
  pool: Pool;
  store: ObjectStore;
  bucket: string;
  topics: DeliveryTopics;
  retryMinMs: number;
  retryMaxMs: number;
  now?: () => Date;
}

/** One part written: what its event says. */
export interface WrittenPart {
  delivery: BatchDelivery;
  key: string;
  versionId: string;
  sha256: string;
  byteLength: number;
}

/** The key of delivery `deliveryId`'s part of batch `batchId`. */
export const partKey = (deliveryId: string, batchId: string): string =>
  `deliveries/${deliveryId}/evidence/${batchId}.json`;

async function* rowsOf(pool: Pool, batchId: string, deliveryId: string): AsyncGenerator<StampedPartRow> {
  let after: { recipient: string; seq: string } | undefined;
  for (;;) {
    const rows = await pageOfPart(pool, batchId, deliveryId, after, pageRows);
    for (const r of rows)
      yield {
        id: r.id,
        recipientOffice: r.recipient_office,
        seq: Number(r.seq),
        event: r.event,
        cms: r.cms,
        proof: { index: r.proof.index, size: r.proof.size, path: r.proof.path.map((h) => Buffer.from(h, 'hex')) },
      };
    if (rows.length < pageRows) return;
    const last = rows[rows.length - 1]!;
    after = { recipient: last.recipient_office ?? '', seq: last.seq };
  }
}

/**
 * Writes every delivery's part of `batch` to the store, outside any transaction (a delivery's
 * rows are read a page at a time while its object streams out: one part in memory at most a
 * page); returns what the events need. Throws when the store (or the database) fails.
 */
export async function writeParts(deps: PublisherDeps, batch: StampedBatch): Promise<WrittenPart[]> {
  const written: WrittenPart[] = [];
  let after: string | undefined;
  for (;;) {
    const deliveries = await deliveriesOfBatch(deps.pool, batch.id, after, deliveriesPerPage);
    for (const delivery of deliveries) {
      const head = {
        documentId: delivery.document_id,
        deliveryId: delivery.id,
        batchId: batch.id,
        document: { sha256: delivery.file_sha256, length: Number(delivery.file_byte_length) },
        token: batch.token,
      };
      const key = partKey(delivery.id, batch.id);
      const put = await deps.store.put(
        deps.bucket,
        key,
        Readable.from(encodeStampedPart(head, rowsOf(deps.pool, batch.id, delivery.id))),
        { contentType: 'application/json' },
      );
      written.push({ delivery, key, versionId: put.versionId, sha256: put.sha256, byteLength: put.size });
    }
    if (deliveries.length < deliveriesPerPage) return written;
    after = deliveries[deliveries.length - 1]!.id;
  }
}

/** `delivery.evidence-stamped` v1 of one written part. */
export function evidenceStampedEvent(
  topics: DeliveryTopics,
  bucket: string,
  batch: StampedBatch,
  part: WrittenPart,
): OutboxEvent {
  const definition = eventDefinitions.deliveryEvidenceStamped;
  const data: DeliveryEvidenceStamped = {
    documentId: part.delivery.document_id,
    deliveryId: part.delivery.id,
    sender: part.delivery.sender,
    batchId: batch.id,
    stampedAt: batch.stamped_at.toISOString(),
    count: part.delivery.count,
    evidence: {
      sha256: part.sha256,
      byteLength: part.byteLength,
      mediaType: 'application/json',
      // A store without versioning answers 'null': no version to name then.
      object: { bucket, key: part.key, ...(part.versionId === 'null' ? {} : { versionId: part.versionId }) },
    },
  };
  const checked = validateEventData(definition.type, definition.version, data);
  if (!checked.ok) throw new Error(`${definition.type}: ${JSON.stringify(checked.problems.slice(0, 3))}`);
  return {
    topic: topics.evidenceStamped,
    key: definition.keyOf(data),
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'delivery',
      subject: part.delivery.id,
      data,
    }),
  };
}

/**
 * In one transaction: the batch marked published and, only when this call marked it, one
 * event per part in the outbox. Returns whether it told them (false: told already).
 */
export async function tellParts(
  deps: Pick<PublisherDeps, 'pool' | 'topics' | 'bucket'>,
  batch: StampedBatch,
  parts: readonly WrittenPart[],
  at: Date,
): Promise<boolean> {
  return withTransaction(deps.pool, async (client) => {
    if (!(await markPublished(client, batch.id, at))) return false;
    await enqueueEvents(
      client,
      parts.map((p) => evidenceStampedEvent(deps.topics, deps.bucket, batch, p)),
    );
    return true;
  });
}

/** Writes and tells the stamped batches due now (up to `limit`); returns how many were told and the failures. */
export async function publishDue(
  deps: PublisherDeps,
  limit = 4,
): Promise<{ published: number; parts: number; failures: Array<{ batch: string; error: string }> }> {
  const now = deps.now ?? (() => new Date());
  const at = now();
  const due = await claimUnpublished(deps.pool, at, new Date(at.getTime() + publishLeaseMs), limit);
  const failures: Array<{ batch: string; error: string }> = [];
  let published = 0;
  let parts = 0;
  for (const batch of due) {
    try {
      const written = await writeParts(deps, batch);
      if (await tellParts(deps, batch, written, now())) {
        published++;
        parts += written.length;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ batch: batch.id, error: message });
      const next = new Date(now().getTime() + backoffMs(batch.publish_attempts, deps.retryMinMs, deps.retryMaxMs));
      await deferPublish(deps.pool, batch.id, next, message);
    }
  }
  return { published, parts, failures };
}
