/**
 * The intake service: the directory, documents (submitted, signed, issued), registers and
 * numbering.
 * Load order is the layout: external clients (the platform: database, bus, object store)
 * → repositories and rules → the metrics → routes, one plugin per resource. Without a platform (the
 * kit's own tests) only the shared routes are served.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { IntakeConfig } from './config.ts';
import { intakeMetrics } from './intake-metrics.ts';
import { directoryImportRoutes } from './routes/directory-import-routes.ts';
import { directoryRoutes } from './routes/directory-routes.ts';
import { pdfPool } from './documents/pdf-pool.ts';
import { createSigningClient } from './issue/signing-client.ts';
import { documentIssueRoutes } from './routes/document-issue-routes.ts';
import { documentRecallRoutes } from './routes/document-recall-routes.ts';
import { documentRoutes } from './routes/document-routes.ts';
import { documentSubmissionRoutes } from './routes/document-submission-routes.ts';
import { incomingRegisterRoutes } from './routes/incoming-register-routes.ts';
import { registerRoutes } from './routes/register-routes.ts';

/** What the intake app is given from outside. */
export type IntakeDeps = ServiceDeps;

/** Builds the intake app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: IntakeConfig, deps: IntakeDeps = {}): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'intake',
    version: pkg.version,
    config,
    description: 'lienthong intake: documents, registers, numbering and issue; the directory of offices.',
    ...deps,
  });
  const platform = deps.platform;
  if (platform === undefined) return app;
  try {
    await app.register(directoryRoutes, { pool: platform.pool });
    const { topicNamespace } = config;
    await app.register(directoryImportRoutes, { pool: platform.pool, topicNamespace });
    const { pool, store } = platform;
    const bucket = config.documentBucket;
    await store.ensureBucket(bucket);
    const { checkPdf, stampPdf } = pdfPool(app, config.workers);
    const counters = intakeMetrics(app.metrics.registry, pool);
    await app.register(documentSubmissionRoutes, {
      pool,
      store,
      bucket,
      checkPdf,
      maxDocumentBytes: config.maxDocumentBytes,
      onSubmitted: counters.submitted,
    });
    await app.register(documentRoutes, { pool, store, bucket, topicNamespace });
    const signing = createSigningClient(config.signingUrl);
    await app.register(documentIssueRoutes, {
      pool,
      store,
      bucket,
      signing,
      stampPdf,
      seals: config.seals,
      topicNamespace,
      onIssued: counters.issued,
    });
    await app.register(documentRecallRoutes, { pool, topicNamespace });
    await app.register(registerRoutes, { pool: platform.pool, topicNamespace });
    await app.register(incomingRegisterRoutes, { pool: platform.pool });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
