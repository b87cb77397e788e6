/**
 * The evidence export: a delivery's evidence for its sender (the submission and every leg),
 * an inbox entry's for its recipient (the submission and its own leg), in chain order, each
 * with its CMS, its batch proof and the batch's token once stamped; and the sender's own
 * copy of the document, streamed through the same SHA-256 and length check as the inbox's.
 * Another office's delivery or entry is 404, as if it did not exist.
 */
import type { Readable } from 'node:stream';
import type { Pool } from '@lienthong/db';
import { AppError, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import type { Delivery } from '../deliveries/delivery.ts';
import { findSentDelivery } from '../deliveries/delivery-repository.ts';
import { deliveryErrors } from '../errors.ts';
import { inboxUsers, requireEntry } from '../inbox/inbox-service.ts';
import { verifiedStream } from '../inbox/verified-stream.ts';
import { senderReaders } from '../sender/sender-service.ts';
import { listEvidence } from './evidence-repository.ts';
import type { EvidenceRow } from './evidence-repository.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `after`: `<recipient office>~<seq>`, the recipient empty for the submission. */
const afterPattern = /^([A-Za-z0-9._-]{0,64})~(0|[1-9][0-9]{0,17})$/;

/** One page of a delivery's evidence. */
export interface EvidencePage {
  delivery: Delivery;
  rows: EvidenceRow[];
  nextAfter: string | null;
}

function positionOf(after: string | undefined): { recipient: string; seq: number } | undefined {
  if (after === undefined) return undefined;
  const match = afterPattern.exec(after);
  if (match === null)
    throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'after is not a nextAfter this service gave' });
  return { recipient: match[1]!, seq: Number(match[2]) };
}

async function page(
  pool: Pool,
  delivery: Delivery,
  query: { after?: string; limit: number },
  recipient?: string,
): Promise<EvidencePage> {
  const after = positionOf(query.after);
  const { rows, more } = await listEvidence(pool, delivery.id, {
    limit: query.limit,
    ...(after === undefined ? {} : { after }),
    ...(recipient === undefined ? {} : { recipient }),
  });
  const last = rows.at(-1);
  return {
    delivery,
    rows,
    nextAfter: more && last !== undefined ? `${last.recipient_office ?? ''}~${last.seq}` : null,
  };
}

async function requireSent(pool: Pool, principal: Principal, id: string): Promise<Delivery> {
  requireRoleOf(principal, ...senderReaders);
  const delivery = uuidPattern.test(id) ? await findSentDelivery(pool, principal.office, id) : undefined;
  if (delivery === undefined) throw new AppError(deliveryErrors.DELIVERY_NOT_FOUND);
  return delivery;
}

/** The evidence of the caller's office's delivery `id` (every leg). */
export async function deliveryEvidence(
  pool: Pool,
  principal: Principal,
  id: string,
  query: { after?: string; limit: number },
): Promise<EvidencePage> {
  return page(pool, await requireSent(pool, principal, id), query);
}

/** The evidence of the caller's office's inbox entry `id`: the submission and its own leg. */
export async function inboxEvidence(
  pool: Pool,
  principal: Principal,
  id: string,
  query: { after?: string; limit: number },
): Promise<EvidencePage> {
  requireRoleOf(principal, ...inboxUsers);
  const entry = await requireEntry(pool, principal, id);
  return page(pool, entry.delivery, query, entry.leg.recipient);
}

/** The document of the caller's office's delivery `id`, checked on the way; no hand-over is recorded. */
export async function openSentContent(
  pool: Pool,
  store: ObjectStore,
  principal: Principal,
  id: string,
): Promise<{ delivery: Delivery; body: Readable }> {
  const delivery = await requireSent(pool, principal, id);
  const { file } = delivery;
  let source: Readable;
  try {
    ({ body: source } = await store.get(
      file.bucket,
      file.key,
      file.versionId === null ? {} : { versionId: file.versionId },
    ));
  } catch (error) {
    throw new AppError(deliveryErrors.CONTENT_UNAVAILABLE, { cause: error });
  }
  const checked = verifiedStream(file);
  source.on('error', (error) => checked.stream.destroy(error));
  return { delivery, body: source.pipe(checked.stream) };
}
