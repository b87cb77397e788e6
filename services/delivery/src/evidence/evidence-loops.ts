/**
 * The evidence loops of a process: the sealer, the stamper and the handoff of stamped
 * evidence to the archive (`publisher-loop.ts`), started when sealing is
 * configured (`LIENTHONG_DELIVERY_SIGNING_URL` and `LIENTHONG_DELIVERY_EVIDENCE_KEY`);
 * without it a start warning says rows wait unsealed, and nothing else changes.
 */
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import type { EvidenceConfig } from '../config.ts';
import type { DeliveryTopics } from '../topics.ts';
import { startPublisher } from './publisher-loop.ts';
import { startSealer } from './sealer.ts';
import { createEvidenceSigner } from './signing-client.ts';
import { startStamper } from './stamper.ts';

/** The running loops. */
export interface EvidenceLoops {
  /** Evidence rows were written: seal them now. */
  wake(): void;
  close(): Promise<void>;
}

/** Starts the sealer and the stamper; undefined (with a warning) when sealing is not configured. */
export function startEvidenceLoops(deps: {
  pool: Pool;
  config: EvidenceConfig;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Where the stamped parts are written (`config.bucket`, created at start) and told. */
  store: ObjectStore;
  topics: DeliveryTopics;
}): EvidenceLoops | undefined {
  const { pool, config, logger } = deps;
  if (config.signingUrl === undefined || config.key === undefined || config.tsaUrl === undefined) {
    logger.warn(
      'delivery: LIENTHONG_DELIVERY_SIGNING_URL or LIENTHONG_DELIVERY_EVIDENCE_KEY not set: evidence rows are written but wait unsealed',
    );
    return undefined;
  }
  const signer = createEvidenceSigner({
    signingUrl: config.signingUrl,
    key: config.key,
    keyId: config.keyId,
    tsaUrl: config.tsaUrl,
    timeoutMs: config.timeoutMs,
  });
  const publisher = startPublisher({
    pool,
    store: deps.store,
    bucket: config.bucket,
    topics: deps.topics,
    // The store's outages are the TSA's kind of wait: the same backoff.
    retryMinMs: config.tsaRetryMinMs,
    retryMaxMs: config.tsaRetryMaxMs,
    pollMs: config.pollMs,
    logger,
  });
  const stamper = startStamper({
    pool,
    signer,
    timeoutMs: config.timeoutMs,
    retryMinMs: config.tsaRetryMinMs,
    retryMaxMs: config.tsaRetryMaxMs,
    pollMs: config.pollMs,
    logger,
    stamped: () => publisher.wake(),
  });
  const sealer = startSealer({
    pool,
    signer,
    // Longer than one call to signing may take, so a live round keeps its rows.
    leaseMs: config.timeoutMs + 30_000,
    retryMinMs: config.retryMinMs,
    retryMaxMs: config.retryMaxMs,
    pollMs: config.pollMs,
    logger,
    sealed: () => stamper.wake(),
  });
  return {
    wake: () => sealer.wake(),
    async close() {
      await sealer.close();
      await stamper.close();
      await publisher.close();
    },
  };
}
