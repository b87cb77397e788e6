/**
 * The delivery service: deliveries of issued documents to every recipient office, the
 * inboxes, the recipients' answers and the sender's view. Load order is the layout:
 * external clients (the platform: database, bus, object store; intake) → the leg gauges and
 * the consignment counter, the consumers,
 * the inbox watch, the overdue sweep and its gauge, the evidence bucket, the evidence sealer, stamper and handoff and their gauges → routes, one plugin per resource. Without a platform (the kit's own
 * tests) only the shared routes are served.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { createIntakeClient } from './answers/intake-client.ts';
import type { DeliveryConfig } from './config.ts';
import { startConsumers } from './consumers.ts';
import { legMetrics } from './deliveries/leg-metrics.ts';
import { overdueMetrics, startOverdueSweep } from './deliveries/overdue-sweep.ts';
import { startEvidenceLoops } from './evidence/evidence-loops.ts';
import { evidenceMetrics } from './evidence/evidence-metrics.ts';
import { startInboxWatch } from './inbox/inbox-watch.ts';
import { answerRoutes } from './routes/answer-routes.ts';
import { deliveryRoutes } from './routes/delivery-routes.ts';
import { evidenceRoutes } from './routes/evidence-routes.ts';
import { inboxRoutes } from './routes/inbox-routes.ts';
import { inboxStreamRoutes } from './routes/inbox-stream-routes.ts';
import { recallRoutes } from './routes/recall-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';
import { deliveryTopics } from './topics.ts';
import { createSecretBox } from './webhooks/secret-box.ts';
import { startWebhookDispatcher } from './webhooks/webhook-dispatcher.ts';

/** What the delivery app is given from outside. */
export type DeliveryDeps = ServiceDeps & {
  /** Between heartbeats of inbox streams (default 15 s). */
  streamHeartbeatMs?: number;
};

/** Builds the delivery app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: DeliveryConfig, deps: DeliveryDeps = {}): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'delivery',
    version: pkg.version,
    config,
    description: 'lienthong delivery: deliveries, inboxes, receipts, statuses and recall.',
    ...deps,
  });
  const platform = deps.platform;
  if (platform === undefined) return app;
  try {
    const { pool, store, bus } = platform;
    const topics = deliveryTopics(config.topicNamespace);
    const watch = startInboxWatch(pool, app.log);
    // Closing: streams end (preClose, in the stream routes), then consumers stop, then the watch; the platform last.
    app.addHook('preClose', async () => {
      await watch.close();
    });
    const key = config.webhooks.key;
    const dispatcher =
      key === undefined
        ? undefined
        : startWebhookDispatcher({ pool, config: config.webhooks, box: createSecretBox(key), logger: app.log });
    if (dispatcher !== undefined) app.addHook('preClose', () => dispatcher.close());
    const wakeWebhooks = dispatcher === undefined ? undefined : () => dispatcher.wake();
    // Versioned, no lock: the archive keeps what it takes under its own retention.
    await store.ensureBucket(config.evidence.bucket, { versioning: true });
    const evidence = startEvidenceLoops({ pool, config: config.evidence, logger: app.log, store, topics });
    if (evidence !== undefined) app.addHook('preClose', () => evidence.close());
    const wakeEvidence = evidence === undefined ? undefined : () => evidence.wake();
    const onConsigned = legMetrics(app.metrics.registry, pool);
    const consumers = await startConsumers({
      bus,
      pool,
      topics,
      watch,
      logger: app.log,
      onConsigned,
      ...(wakeWebhooks === undefined ? {} : { wakeWebhooks }),
      ...(wakeEvidence === undefined ? {} : { wakeEvidence }),
    });
    app.addHook('preClose', () => consumers.stop());
    overdueMetrics(app.metrics.registry, pool);
    evidenceMetrics(app.metrics.registry, pool);
    const sweep = startOverdueSweep({ pool, topics, intervalMs: config.overdueSweepMs, logger: app.log });
    app.addHook('preClose', () => sweep.close());
    await app.register(inboxStreamRoutes, {
      pool,
      watch,
      ...(deps.streamHeartbeatMs === undefined ? {} : { heartbeatMs: deps.streamHeartbeatMs }),
    });
    await app.register(inboxRoutes, { pool, store });
    await app.register(answerRoutes, { pool, topics, intake: createIntakeClient(config.intakeUrl) });
    await app.register(recallRoutes, { pool, topics });
    await app.register(deliveryRoutes, { pool });
    await app.register(evidenceRoutes, { pool, store });
    await app.register(webhookRoutes, {
      pool,
      config: config.webhooks,
      ...(wakeWebhooks ? { wake: wakeWebhooks } : {}),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
