/**
 * The platform's gauges on `/metrics`, read at each scrape: the service's outbox
 * (`lienthong_outbox_pending`, `lienthong_outbox_oldest_pending_seconds`) and, for every
 * consumer group the service runs, its lag (`lienthong_bus_consumer_lag{topic,group}`) and the
 * dead letters of its topics not yet replayed (`lienthong_bus_dead_letters{topic}`).
 * `createServiceApp` registers them for an app with a platform.
 */
import type { BusBacklog, EventBus, SubscribeOptions } from '@lienthong/bus';
import { outboxStatus, type Pool } from '@lienthong/db';
import { Gauge, type Registry } from 'prom-client';
import { scrapeRead } from './scrape-read.ts';

/** A consumer group the service runs and its topics. */
export interface WatchedConsumer {
  group: string;
  topics: readonly string[];
}

/** What the bus gauges read: the transport's backlog and the groups the service subscribed. */
export interface PlatformBacklog {
  reader: BusBacklog;
  consumers(): readonly WatchedConsumer[];
}

/**
 * `bus` as itself, but each `subscribe` also noted (and forgotten once stopped), so that the
 * gauges cover every consumer group the service runs, without each service listing them.
 */
export function watchConsumers(bus: EventBus, reader: BusBacklog): { bus: EventBus; backlog: PlatformBacklog } {
  const running = new Set<WatchedConsumer>();
  const watched: EventBus = {
    publish: (events) => bus.publish(events),
    ensureTopics: (topics) => bus.ensureTopics(topics),
    ping: () => bus.ping(),
    close: () => bus.close(),
    async subscribe(options: SubscribeOptions) {
      const subscription = await bus.subscribe(options);
      const consumer: WatchedConsumer = { group: options.group, topics: [...options.topics] };
      running.add(consumer);
      return {
        async stop() {
          running.delete(consumer);
          await subscription.stop();
        },
      };
    },
  };
  return { bus: watched, backlog: { reader, consumers: () => [...running] } };
}

/** Registers the two outbox gauges of the service whose schema `pool` is bound to. */
export function outboxMetrics(registry: Registry, pool: Pool): void {
  const status = scrapeRead(() => outboxStatus(pool));
  new Gauge({
    name: 'lienthong_outbox_pending',
    help: 'Outbox rows the bus has not acknowledged yet (counted up to 100000).',
    registers: [registry],
    async collect() {
      const read = await status();
      if (read !== undefined) this.set(read.pending);
    },
  });
  new Gauge({
    name: 'lienthong_outbox_oldest_pending_seconds',
    help: 'Seconds since the oldest outbox row not yet on the bus was written (0: none waits).',
    registers: [registry],
    async collect() {
      const read = await status();
      if (read !== undefined) this.set(read.oldestPendingSeconds);
    },
  });
}

/** Registers the consumer-lag and dead-letter gauges of the groups `backlog` watches. */
export function busMetrics(registry: Registry, backlog: PlatformBacklog): void {
  const lags = scrapeRead(async () => {
    const consumers = backlog.consumers();
    return (await Promise.all(consumers.map((c) => backlog.reader.consumerLag(c.group, c.topics)))).flat();
  });
  const letters = scrapeRead(async () => {
    const topics = [...new Set(backlog.consumers().flatMap((c) => c.topics))];
    return topics.length === 0 ? [] : backlog.reader.deadLetters(topics);
  });
  new Gauge({
    name: 'lienthong_bus_consumer_lag',
    help: "Messages of the topic after the consumer group's committed position (counted up to 100000 on the Postgres log).",
    labelNames: ['topic', 'group'] as const,
    registers: [registry],
    async collect() {
      const read = await lags();
      if (read === undefined) return;
      // Groups stopped since the last scrape leave no stale series.
      this.reset();
      for (const { topic, group, lag } of read) this.set({ topic, group }, lag);
    },
  });
  new Gauge({
    name: 'lienthong_bus_dead_letters',
    help: 'Dead letters of the topic (in its .dlq) that no replay has sent yet, for the topics the service consumes.',
    labelNames: ['topic'] as const,
    registers: [registry],
    async collect() {
      const read = await letters();
      if (read === undefined) return;
      this.reset();
      for (const { topic, waiting } of read) this.set({ topic }, waiting);
    },
  });
}
