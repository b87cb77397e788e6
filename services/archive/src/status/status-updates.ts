/**
 * The status updates as the app starts them: the consumer of `document.recalled`,
 * `document.replaced` and `document.cancelled`, stopped when the app closes; its parked
 * events are applied by the app's unpark loop with `applyStatusChange`.
 */
import type { Platform, ServiceApp } from '@lienthong/service';
import type { ArchiveConfig } from '../config.ts';
import { startStatusConsumer } from './status-consumer.ts';
import { statusTopics } from './status-topics.ts';

/** Starts the status consumer for `app`; it stops when the app closes. */
export async function startStatusUpdates(
  app: ServiceApp,
  config: ArchiveConfig,
  platform: Pick<Platform, 'pool' | 'bus'>,
): Promise<void> {
  const consumer = await startStatusConsumer({
    pool: platform.pool,
    bus: platform.bus,
    topics: statusTopics(config.ingest.topicNamespace),
    logger: app.log,
    retryMinMs: config.ingest.retryMinMs,
    retryMaxMs: config.ingest.retryMaxMs,
  });
  app.addHook('preClose', () => consumer.stop());
}
