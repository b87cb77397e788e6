/**
 * The archive service (records in object storage, search, fixity, retention and holds). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. Built: the catalog and its search
 * (`src/catalog/`, `GET /v1/records`); the store self-test (`src/store/`: the archive bucket made with
 * Object Lock, a canary checked at start and on a schedule); the ingest of `document.issued` into
 * the archive bucket (`src/ingest/`, `src/packages/`); without a platform (the kit's own tests) only
 * the shared routes.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { ArchiveConfig } from './config.ts';
import { startArchiveIngest } from './ingest/archive-ingest.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { openStoreGuard } from './store/open-store-guard.ts';
import type { StoreGuard } from './store/store-guard.ts';
import { storeGuardMetrics } from './store/store-metrics.ts';
import { storeReadiness } from './store/store-readiness.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { retrievalRoutes } from './routes/retrieval-routes.ts';
import { exportRoutes } from './routes/export-routes.ts';
import { startFixity } from './fixity/start-fixity.ts';
import { fixityRoutes } from './routes/fixity-routes.ts';
import { dispositionRoutes } from './routes/disposition-routes.ts';
import { startStatusUpdates } from './status/status-updates.ts';
import { applyParkedStatus, statusConsumer } from './status/apply-status.ts';
import { startUnparkLoop } from './parked/unpark-loop.ts';
import { startEvidenceIngest } from './evidence/evidence-ingest-start.ts';
import { evidenceConsumer } from './evidence/ingest-evidence.ts';
import type { EvidenceTrustSource } from './evidence/evidence-trust.ts';
import { startRenewal } from './renewal/renewal-start.ts';
import { archiveTsaOf } from './renewal/tsa-client.ts';
import type { ArchiveTsa } from './renewal/tsa-client.ts';
import { startAuditCheckpoints } from './audit/audit-checkpoint.ts';
import { archiveWorkers } from './workers/archive-workers.ts';
import { startHoldExtension } from './dispositions/hold-extension.ts';
import { holdMetrics } from './dispositions/hold-metrics.ts';

/** What the archive app is given from outside. */
export type ArchiveDeps = ServiceDeps & {
  /** The store self-test the ingest obeys instead of the archive's own (tests). */
  storeGuard?: Pick<StoreGuard, 'assertSafe'>;
  /** A permanent record's retention ahead of ingest, ms (tests; default 100 years, README "Packages"). */
  permanentHorizonMs?: number;
  /** Fixity's schedule: between two looks for due objects, ms (tests; default README "Fixity"). */
  fixityTickMs?: number;
  /** What the evidence ingest trusts instead of signing's CA (tests). */
  evidenceTrust?: EvidenceTrustSource;
  /** The validation time of the evidence checks (tests pin it to their PKI's time). */
  evidenceCheckTime?: () => Date;
  /** How far ahead a legal hold extends a record's retention, ms (tests; default LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS). */
  holdExtensionMs?: number;
  /** The TSA of the audit checkpoints instead of signing's (tests). */
  auditTsa?: ArchiveTsa;
};

/** Builds the archive app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: ArchiveConfig, deps: ArchiveDeps = {}): Promise<ServiceApp> {
  // Made once the app has its logger; until it has passed a check, /readyz fails (archive-store).
  let guard: StoreGuard | undefined;
  const app = await createServiceApp({
    name: 'archive',
    version: pkg.version,
    config,
    description: 'lienthong archive: records in object storage, search, fixity, retention and holds.',
    ...deps,
    checks: [...(deps.checks ?? []), ...(deps.platform === undefined ? [] : [storeReadiness(() => guard)])],
  });
  const platform = deps.platform;
  if (platform === undefined) return app;
  try {
    guard = await openStoreGuard({
      store: platform.store,
      bucket: config.bucket,
      intervalMs: config.storeCheckMs,
      logger: app.log,
    });
    const opened = guard;
    app.addHook('preClose', () => opened.stop());
    storeGuardMetrics(app.metrics.registry, guard);
    await app.register(recordRoutes, { pool: platform.pool });
    await app.register(auditRoutes, { pool: platform.pool });
    await app.register(retrievalRoutes, { pool: platform.pool, store: platform.store });
    await app.register(exportRoutes, { pool: platform.pool, store: platform.store });
    const keeper = startFixity(app, {
      config,
      platform,
      ...(deps.fixityTickMs === undefined ? {} : { tickMs: deps.fixityTickMs }),
    });
    await app.register(fixityRoutes, { pool: platform.pool, keeper });
    const holdExtensionMs = deps.holdExtensionMs ?? config.hold.extensionMs;
    await app.register(dispositionRoutes, {
      pool: platform.pool,
      store: platform.store,
      bucket: config.bucket,
      ...(deps.permanentHorizonMs === undefined ? {} : { certificateHorizonMs: deps.permanentHorizonMs }),
      holdExtensionMs,
    });
    await startArchiveIngest(app, {
      config,
      platform,
      guard: deps.storeGuard ?? opened,
      ...(deps.permanentHorizonMs === undefined ? {} : { permanentHorizonMs: deps.permanentHorizonMs }),
    });
    await startStatusUpdates(app, config, platform);
    const workers = archiveWorkers(app, config.workers);
    const parkedEvidence = await startEvidenceIngest(app, {
      config,
      platform,
      workers,
      guard: deps.storeGuard ?? opened,
      ...(deps.evidenceTrust === undefined ? {} : { trust: deps.evidenceTrust }),
      ...(deps.evidenceCheckTime === undefined ? {} : { checkTime: deps.evidenceCheckTime }),
    });
    const unpark = startUnparkLoop({
      pool: platform.pool,
      handlers: {
        [statusConsumer]: (envelope) => applyParkedStatus(platform.pool, envelope),
        [evidenceConsumer]: parkedEvidence,
      },
      intervalMs: config.parkedRetryMs,
      logger: app.log,
    });
    app.addHook('preClose', () => unpark.stop());
    startRenewal(app, config, platform, deps.storeGuard ?? opened, workers);
    holdMetrics(app.metrics.registry, platform.pool, holdExtensionMs);
    const holds = startHoldExtension({
      pool: platform.pool,
      store: platform.store,
      bucket: config.bucket,
      extensionMs: holdExtensionMs,
      intervalMs: config.hold.checkMs,
      logger: app.log,
    });
    app.addHook('preClose', () => holds.stop());
    const checkpoints = startAuditCheckpoints({
      pool: platform.pool,
      tsa: deps.auditTsa ?? archiveTsaOf(config.ingest),
      intervalMs: config.auditCheckpointMs,
      logger: app.log,
    });
    app.addHook('preClose', () => checkpoints.stop());
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
