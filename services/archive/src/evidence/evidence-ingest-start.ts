/**
 * The evidence ingest as the app starts it: signing's CA as the trust (or none configured:
 * evidence waits, logged), the consumer of `delivery.evidence-stamped`, stopped when the app
 * closes; returns the handler of its parked events for the app's unpark loop.
 */
import type { Platform, ServiceApp } from '@lienthong/service';
import type { ArchiveConfig } from '../config.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';
import type { ParkedHandler } from '../parked/unpark-loop.ts';
import { evidenceTopics, startEvidenceConsumer } from './evidence-consumer.ts';
import { signingTrustSource, unconfiguredTrust } from './evidence-trust.ts';
import type { EvidenceTrustSource } from './evidence-trust.ts';
import { ingestEvidence } from './ingest-evidence.ts';

/** What the evidence ingest is started with besides the app. */
export interface EvidenceIngestOptions {
  config: ArchiveConfig;
  platform: Pick<Platform, 'pool' | 'store' | 'bus'>;
  guard: { assertSafe(): void };
  /** The app's worker threads (the parts are checked there). */
  workers: ArchiveWorkers;
  /** The trust of the checks instead of signing's CA (tests). */
  trust?: EvidenceTrustSource;
  /** The validation time of the checks (tests; default the clock). */
  checkTime?: () => Date;
}

/** Starts the consumer for `app`; returns the handler of the evidence events it parked. */
export async function startEvidenceIngest(app: ServiceApp, options: EvidenceIngestOptions): Promise<ParkedHandler> {
  const { config, platform } = options;
  const { signingUrl, signingTimeoutMs } = config.ingest;
  const trust =
    options.trust ?? (signingUrl === undefined ? unconfiguredTrust : signingTrustSource(signingUrl, signingTimeoutMs));
  const deps = {
    pool: platform.pool,
    store: platform.store,
    bucket: config.bucket,
    guard: options.guard,
    trust,
    workers: options.workers,
    maxBytes: config.evidenceMaxBytes,
    ...(options.checkTime === undefined ? {} : { checkTime: options.checkTime }),
  };
  const consumer = await startEvidenceConsumer({
    ...deps,
    bus: platform.bus,
    topics: evidenceTopics(config.ingest.topicNamespace),
    logger: app.log,
    retryMinMs: config.ingest.retryMinMs,
    retryMaxMs: config.ingest.retryMaxMs,
  });
  app.addHook('preClose', () => consumer.stop());
  return (envelope) => ingestEvidence(deps, envelope, true);
}
