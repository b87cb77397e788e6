/**
 * The recall consumer: `document.recalled`, `document.replaced` and `document.cancelled` from
 * intake, each exactly once (`handleOnce` in the transaction of its effect). The delivery of
 * the document is found by its id and must be the issuing office's; a recall of a document
 * not fanned out yet (the events travel on other topics than `document.issued`, with no
 * order between them) is parked and applied by the fan-out. An issued document cancelled at
 * intake (`document.cancelled` with its `symbol`) is asked back as a recall; one cancelled
 * before it was issued (no `symbol`) was never delivered, and is only noted as handled. The
 * recipients asked to answer are woken on commit.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { handleOnce, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent } from '@lienthong/records';
import type { Leg } from '../deliveries/delivery.ts';
import { findDeliveryOfDocument } from '../deliveries/delivery-repository.ts';
import { applyRecall, recallEventTypes, recallOf } from '../deliveries/recall.ts';
import { parkRecall } from '../deliveries/recall-repository.ts';
import type { DeliveryTopics } from '../topics.ts';
import { inboxChannel } from './inbox-watch.ts';

/** The consumer name `handleOnce` records recalls and replacements under. */
export const recallConsumer = 'delivery-recall';

/**
 * Handles one `document.recalled`, `document.replaced` or `document.cancelled` (an invalid
 * one throws: after its retries it goes to the dead-letter topic). Returns the legs asked to
 * answer now; none when the event was handled before, parked, names a document another
 * office sent, or cancels one never issued.
 */
export async function handleRecall(
  pool: Pool,
  topics: DeliveryTopics,
  event: EventEnvelope,
  now: () => Date = () => new Date(),
): Promise<Leg[]> {
  const { type } = checkEvent(event);
  if (!(Object.values(recallEventTypes) as string[]).includes(type)) return [];
  const data = event.data as { documentId: string; office: string; symbol?: string } & Record<string, unknown>;
  return withTransaction(pool, async (client) => {
    if (!(await handleOnce(client, recallConsumer, event.id))) return [];
    if (type === recallEventTypes.cancelled && data.symbol === undefined) return [];
    const delivery = await findDeliveryOfDocument(client, data.documentId);
    if (delivery === undefined) {
      await parkRecall(client, {
        documentId: data.documentId,
        office: data.office,
        eventType: type,
        eventId: event.id,
        data,
      });
      return [];
    }
    if (delivery.sender !== data.office) return [];
    const legs = await applyRecall(client, topics, delivery, recallOf(type, data), now());
    const woken = [...new Set(legs.filter((l) => l.inboxSeq !== null).map((l) => l.recipient))];
    if (woken.length > 0)
      await client.query('SELECT pg_notify($1, r) FROM unnest($2::text[]) AS r', [inboxChannel, woken]);
    return legs;
  });
}
