/**
 * The service's consumers: the fan-out of `document.issued` (one event at a time: one event
 * is already thousands of legs), and consignment of `delivery.sent` in batches on two
 * subscriptions — one for the ordinary topic, one for the urgent topic — so that an urgent
 * leg is consigned while an ordinary backlog is still draining; the recall consumer of
 * `document.recalled`, `document.replaced` and `document.cancelled`, one event at a time; and `delivery.status-changed`
 * in batches for the senders' webhooks.
 */
import type { EventBus, EventEnvelope, Subscription } from '@lienthong/bus';
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { fanOut } from './deliveries/fan-out.ts';
import { consignBatch } from './inbox/consignment.ts';
import type { InboxWatch } from './inbox/inbox-watch.ts';
import { handleRecall } from './inbox/recall-consumer.ts';
import type { DeliveryTopics } from './topics.ts';
import { topicsOf } from './topics.ts';
import { enqueueStatusWebhooks } from './webhooks/status-webhooks.ts';

/** Most `delivery.sent` events consigned in one transaction. */
const consignBatchSize = 500;

/** What the consumers need. */
export interface ConsumerDeps {
  bus: EventBus;
  pool: Pool;
  topics: DeliveryTopics;
  watch: InboxWatch;
  logger: Pick<Logger, 'info'>;
  /** Wakes the webhook dispatcher after a commit that may have written webhook deliveries. */
  wakeWebhooks?: () => void;
  /** Wakes the evidence sealer after a commit that wrote evidence rows. */
  wakeEvidence?: () => void;
  /** Told how many legs each committed consignment put into inboxes (the metrics' counter). */
  onConsigned?: (legs: number) => void;
}

/** Creates the topics and starts the four subscriptions; `stop` ends them (handlers in progress finish). */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const { bus, pool, topics, watch, logger } = deps;
  const wakeWebhooks = deps.wakeWebhooks ?? (() => {});
  const wakeEvidence = deps.wakeEvidence ?? (() => {});
  await bus.ensureTopics(topicsOf(topics));
  const handleBatch = async (events: readonly EventEnvelope[]): Promise<void> => {
    const legs = await consignBatch(pool, topics, events);
    for (const leg of legs) watch.wake(leg.recipient);
    if (legs.length > 0) {
      deps.onConsigned?.(legs.length);
      wakeWebhooks();
      wakeEvidence();
    }
  };
  const subscriptions: Subscription[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  };
  try {
    subscriptions.push(
      ...(await Promise.all([
        bus.subscribe({
          group: topics.groups.inboxUrgent,
          topics: [topics.sentUrgent],
          handleBatch,
          maxBatch: consignBatchSize,
        }),
        bus.subscribe({
          group: topics.groups.fanOut,
          topics: [topics.issued],
          handler: async (event, info) => {
            const delivery = await fanOut(pool, topics, event);
            if (delivery !== undefined) wakeEvidence();
            if (delivery !== undefined)
              logger.info(
                { documentId: delivery.documentId, deliveryId: delivery.id, position: info.position },
                'delivery: document fanned out',
              );
          },
        }),
        bus.subscribe({ group: topics.groups.inbox, topics: [topics.sent], handleBatch, maxBatch: consignBatchSize }),
        bus.subscribe({
          group: topics.groups.recall,
          topics: [topics.recalled, topics.replaced, topics.cancelled],
          handler: async (event) => {
            const legs = await handleRecall(pool, topics, event);
            for (const leg of legs) watch.wake(leg.recipient);
            if (legs.length > 0) wakeEvidence();
          },
        }),
        bus.subscribe({
          group: topics.groups.webhooks,
          topics: [topics.statusChanged],
          handleBatch: async (events) => {
            if ((await enqueueStatusWebhooks(pool, events)) > 0) wakeWebhooks();
          },
          maxBatch: consignBatchSize,
        }),
      ])),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
