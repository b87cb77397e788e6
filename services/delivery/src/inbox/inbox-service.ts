/**
 * The inbox as the routes serve it: the caller's own office's entries only (an entry of
 * another office is 404, as if it did not exist), urgent first then newest; one entry with
 * its history; the document's bytes streamed from the object store and checked on the way,
 * the first complete fetch recorded as handed over. The access rule lives here.
 */
import type { Readable } from 'node:stream';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import type { LegEvent } from '../deliveries/delivery.ts';
import { appendLegEvents } from '../deliveries/delivery-repository.ts';
import {
  findInboxEntry,
  inboxAfter,
  latestInboxSeqOf,
  legHistory,
  listInbox,
  markHandedOver,
} from '../deliveries/leg-repository.ts';
import type { InboxEntry, InboxFilter } from '../deliveries/leg-repository.ts';
import { deliveryErrors } from '../errors.ts';
import { decodeCursor, encodeCursor } from './inbox-cursor.ts';
import { verifiedStream } from './verified-stream.ts';

/** Who may read and answer an office's inbox: its office system and its registry (văn thư). */
export const inboxUsers = [roles.officeSystem, roles.registry];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entry `id` of the caller's office's inbox; 404 INBOX_ENTRY_NOT_FOUND otherwise (another office's too). */
export async function requireEntry(
  q: Parameters<typeof findInboxEntry>[0],
  principal: Principal,
  id: string,
  lock = false,
): Promise<InboxEntry> {
  const entry = uuidPattern.test(id) ? await findInboxEntry(q, principal.office, id, lock) : undefined;
  if (entry === undefined) throw new AppError(deliveryErrors.INBOX_ENTRY_NOT_FOUND);
  return entry;
}

/** A page of the caller's office's inbox and the cursor of the next (null on the last). */
export async function inboxPage(
  pool: Pool,
  principal: Principal,
  query: InboxFilter & { cursor?: string; limit: number },
): Promise<{ office: string; entries: InboxEntry[]; nextCursor: string | null }> {
  requireRoleOf(principal, ...inboxUsers);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const { entries, more } = await listInbox(pool, principal.office, query, {
    limit: query.limit,
    ...(after === undefined ? {} : { after }),
  });
  const last = entries.at(-1);
  return {
    office: principal.office,
    entries,
    nextCursor:
      more && last !== undefined ? encodeCursor({ priority: last.leg.priority, seq: last.leg.inboxSeq! }) : null,
  };
}

/** The entry `id` of the caller's office's inbox with its history. */
export async function inboxEntry(
  pool: Pool,
  principal: Principal,
  id: string,
): Promise<{ entry: InboxEntry; history: LegEvent[] }> {
  requireRoleOf(principal, ...inboxUsers);
  const entry = await requireEntry(pool, principal, id);
  return { entry, history: await legHistory(pool, entry.leg.id) };
}

/** The caller's office's entries consigned after `seq`, oldest first (for a stream). */
export async function inboxSince(pool: Pool, principal: Principal, seq: number, limit: number): Promise<InboxEntry[]> {
  requireRoleOf(principal, ...inboxUsers);
  return inboxAfter(pool, principal.office, seq, limit);
}

/** The latest consignment order of the caller's office's inbox (0 when empty): where a new stream starts. */
export async function inboxPosition(pool: Pool, principal: Principal): Promise<number> {
  requireRoleOf(principal, ...inboxUsers);
  return latestInboxSeqOf(pool, principal.office);
}

/**
 * The document of entry `id`, streamed from the object store through the check of its
 * SHA-256 and length. `handOver` records the hand-over (once, the first time) and is to be
 * called when the whole answer has been written; it does nothing if the check did not pass.
 */
export async function openContent(
  pool: Pool,
  store: ObjectStore,
  principal: Principal,
  id: string,
): Promise<{ entry: InboxEntry; body: Readable; handOver: () => Promise<void> }> {
  requireRoleOf(principal, ...inboxUsers);
  const entry = await requireEntry(pool, principal, id);
  const { file } = entry.delivery;
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
  const body = source.pipe(checked.stream);
  const handOver = async (): Promise<void> => {
    if (!checked.verified()) return;
    await withTransaction(pool, async (client) => {
      const at = new Date();
      if (!(await markHandedOver(client, entry.leg.id, at))) return;
      await appendLegEvents(client, [
        { legId: entry.leg.id, event: 'handed-over', code: null, at, by: principal.subject },
      ]);
    });
  };
  return { entry, body, handOver };
}
