/**
 * The renewal as the app starts it: signing's TSA with the archive's own key (or none
 * configured: due packages wait, logged), the schedule and the gauge; stopped when the app closes.
 */
import type { Platform, ServiceApp } from '@lienthong/service';
import type { ArchiveConfig } from '../config.ts';
import { startRenewalLoop } from './renewal-loop.ts';
import { renewalMetrics } from './renewal-metrics.ts';
import { archiveTsaOf } from './tsa-client.ts';
import { signingTrustSource } from '../evidence/evidence-trust.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';

/** Starts the renewal of `app`'s packages. */
export function startRenewal(
  app: ServiceApp,
  config: ArchiveConfig,
  platform: Pick<Platform, 'pool' | 'store'>,
  guard: { assertSafe(): void },
  workers: ArchiveWorkers,
): void {
  const { signingUrl, signingTimeoutMs } = config.ingest;
  const tsa = archiveTsaOf(config.ingest);
  renewalMetrics(app.metrics.registry, platform.pool, config.renewal.marginMs);
  const loop = startRenewalLoop({
    pool: platform.pool,
    store: platform.store,
    bucket: config.bucket,
    guard,
    tsa,
    workers,
    ...(signingUrl === undefined ? {} : { trust: signingTrustSource(signingUrl, signingTimeoutMs) }),
    intervalMs: config.renewal.checkMs,
    marginMs: config.renewal.marginMs,
    logger: app.log,
  });
  app.addHook('preClose', () => loop.stop());
}
