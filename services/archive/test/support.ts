/**
 * An archive app for tests on a schema of its own (test/support/platform.ts), closed and
 * dropped when the file's tests end, and the callers the tests use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from '@lienthong/db';
import { createLogger } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { archiveMigrations } from '../src/migrations.ts';
import { authHeader, testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

/** An archive app on a fresh schema and its pool. */
export interface TestArchive {
  app: ServiceApp;
  pool: Pool;
  /** The app's folder store and its folder (tests that write packages or corrupt them). */
  store: ObjectStore;
  dir: string;
}

/** Builds the archive app on a new schema for one test file; closed and dropped at its end. */
export async function archiveForFile(t: { teardown(fn: () => Promise<void> | void): void }): Promise<TestArchive> {
  const schema = uniqueName('archive_test');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-'));
  const logger = createLogger({ name: 'archive', level: 'warn' });
  const platform = await connectTestPlatform(schema, archiveMigrations, logger, dir);
  const config = loadArchiveConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'warn',
    ...testAuthEnv,
  });
  const app = await buildApp(config, { platform, logger });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  return { app, pool: platform.pool, store: platform.store, dir };
}

/** The headers of a caller of `office` with `roles`. */
export const callerOf = (office: string, ...roles: string[]) =>
  authHeader({ subject: `system:${roles.join('-') || 'none'}-${office.toLowerCase()}`, office, roles });
