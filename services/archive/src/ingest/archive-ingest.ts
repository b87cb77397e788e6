/**
 * The ingest as the app starts it: signing's validator from the configuration (or one that
 * is not configured: events wait, logged), the consumer of `document.issued` and its counter
 * on `/metrics`, and its stop
 * when the app closes (before the platform).
 */
import type { Platform, ServiceApp } from '@lienthong/service';
import type { ArchiveConfig } from '../config.ts';
import { startIngestConsumer } from './ingest-consumer.ts';
import { ingestMetrics } from './ingest-metrics.ts';
import { ingestTopics } from './ingest-topics.ts';
import { createPdfValidator, unconfiguredValidator } from './validation-client.ts';

/** What the ingest is started with besides the app. */
export interface ArchiveIngestOptions {
  config: ArchiveConfig;
  platform: Pick<Platform, 'pool' | 'store' | 'bus'>;
  /** The store self-test whose `assertSafe` must pass before a package is written and committed. */
  guard: { assertSafe(): void };
  /** A permanent record's retention ahead of ingest, ms (tests; default `permanentRetentionYears`). */
  permanentHorizonMs?: number;
}

/** Starts the consumer of `document.issued` for `app`; it stops when the app closes. */
export async function startArchiveIngest(app: ServiceApp, options: ArchiveIngestOptions): Promise<void> {
  const { config, platform } = options;
  const { signingUrl, key, keyId, signingTimeoutMs } = config.ingest;
  const validator =
    signingUrl === undefined || key === undefined
      ? unconfiguredValidator
      : createPdfValidator({ signingUrl, key, keyId, timeoutMs: signingTimeoutMs });
  const consumer = await startIngestConsumer({
    pool: platform.pool,
    store: platform.store,
    bus: platform.bus,
    bucket: config.bucket,
    guard: options.guard,
    validator,
    topics: ingestTopics(config.ingest.topicNamespace),
    logger: app.log,
    retryMinMs: config.ingest.retryMinMs,
    retryMaxMs: config.ingest.retryMaxMs,
    onResult: ingestMetrics(app.metrics.registry),
    ...(options.permanentHorizonMs === undefined ? {} : { permanentHorizonMs: options.permanentHorizonMs }),
  });
  app.addHook('preClose', () => consumer.stop());
}
