/**
 * Fixity as the app starts it: the keeper on the platform's store and pool, its metrics, its
 * schedule, and its stop when the app closes (before the platform); app.ts registers its routes.
 */
import type { Platform, ServiceApp } from '@lienthong/service';
import type { ArchiveConfig } from '../config.ts';
import { fixityFailedTopic } from './fixity-event.ts';
import { createFixityKeeper } from './fixity-keeper.ts';
import type { FixityKeeper } from './fixity-keeper.ts';
import { fixityMetrics } from './fixity-metrics.ts';

/**
 * How often the schedule looks for objects due, by default: a 24th of the cycle, at most an
 * hour (the look is one query; the first one comes a tick after the start).
 */
export const defaultTickMs = (cycleMs: number): number => Math.max(1_000, Math.min(cycleMs / 24, 3_600_000));

/** Starts fixity for `app`; returns the keeper the routes ask for runs. */
export function startFixity(
  app: ServiceApp,
  options: { config: ArchiveConfig; platform: Pick<Platform, 'pool' | 'store'>; tickMs?: number },
): FixityKeeper {
  const { config, platform } = options;
  const onResult = fixityMetrics(app.metrics.registry, platform.pool, config.fixity.location);
  const keeper = createFixityKeeper({
    pool: platform.pool,
    store: platform.store,
    settings: {
      location: config.fixity.location,
      bytesPerSecond: config.fixity.bytesPerSecond,
      cycleMs: config.fixity.cycleMs,
      tickMs: options.tickMs ?? defaultTickMs(config.fixity.cycleMs),
    },
    topic: fixityFailedTopic(config.ingest.topicNamespace),
    logger: app.log,
    onChecked: (_object, result) => onResult(result),
  });
  app.addHook('preClose', () => keeper.stop());
  keeper.start();
  return keeper;
}
