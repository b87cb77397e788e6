/**
 * A signing app for tests on a schema of its own: the real PostgreSQL (pool + migrations),
 * the Postgres-backed bus on its own schema, a folder store or the real MinIO — assembled here because
 * `connectService` binds the schema to the service name, and tests must not share CA state.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { checkDatabase, createPool, migrate } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { createPostgresBus } from '@lienthong/bus';
import { createFolderStore, createS3Store } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { createLogger } from '@lienthong/service';
import type { Logger, Platform, ServiceApp } from '@lienthong/service';
import type { KeyObject } from 'node:crypto';
import { buildApp } from '../src/app.ts';
import { decryptWithKek, deriveKek } from '../src/ca/key-encryption.ts';
import { loadSigningConfig } from '../src/config.ts';
import type { SigningConfig } from '../src/config.ts';
import { signingMigrations } from '../src/migrations.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { dropSchema, testEnv, uniqueName } from '../../../test/support/env.ts';

export const testKek = 'signing-test-kek-0123456789abcdefghijklmnop';

/** Decrypts a key a test app stored under its KEK (derived from `testKek` with the schema's salt). */
export async function decryptWithTestKek(pool: Pool, encrypted: Uint8Array): Promise<KeyObject> {
  return decryptWithKek(encrypted, await deriveKek(pool, testKek));
}

/** The offices registered in every test app (LIENTHONG_SIGNING_OFFICES_FILE), by code. */
export const testOffices = {
  'VPTU-CM': { code: 'VPTU-CM', name: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy', locality: 'Cà Mau' },
  'VPTU-HN': { code: 'VPTU-HN', name: 'Thành ủy Hà Nội', unit: 'Văn phòng Thành ủy', locality: 'Hà Nội' },
  'VPTU-BL': { code: 'VPTU-BL', name: 'Tỉnh ủy Bạc Liêu', unit: 'Văn phòng Tỉnh ủy' },
} as const;

/** Writes the test offices file into `dir`; returns its path. */
export async function writeTestOffices(dir: string): Promise<string> {
  const path = join(dir, 'offices.json');
  await writeFile(path, JSON.stringify({ offices: Object.values(testOffices) }));
  return path;
}

/** The signing config for tests (embedded-shaped: only the database is real here). */
export function testConfig(storageDir: string, extra: Record<string, string> = {}): SigningConfig {
  return loadSigningConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: storageDir,
    LIENTHONG_LOG_LEVEL: 'debug',
    LIENTHONG_SIGNING_KEK: testKek,
    ...testAuthEnv,
    ...extra,
  });
}

/** A logger whose lines are kept in `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ name: 'signing', level: 'debug', destination }), lines };
}

/** Where a test app keeps objects: a folder, or the real MinIO that infra/local runs. */
export type TestObjects = 'folder' | 'minio';

/** Connects a platform on `schema` (migrated) with real components. */
export async function connectTestPlatform(
  schema: string,
  logger: Logger,
  storageDir: string,
  objects: TestObjects = 'folder',
): Promise<Platform> {
  const pool = createPool({ url: testEnv.databaseUrl, schema });
  await migrate(pool, schema, signingMigrations, logger);
  const busPool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  const bus = createPostgresBus({ pool: busPool, schema: `${schema}_bus`, listen: false });
  const store = objects === 'minio' ? createS3Store(testEnv.s3) : createFolderStore({ dir: storageDir });
  return {
    pool,
    bus,
    store,
    checks: [{ name: 'database', check: () => checkDatabase(pool) }],
    close: async () => {
      await bus.close();
      await busPool.end();
      await pool.end();
    },
  };
}

/** A signing app on a fresh schema; `close` closes it and drops the schemas and folder. */
export interface TestSigning {
  app: ServiceApp;
  pool: Pool;
  /** The app's object store (a folder). */
  store: ObjectStore;
  schema: string;
  lines: string[];
  close(): Promise<void>;
}

/** Builds the signing app on a new schema, or on `schema` when given (to test a second instance). */
export async function startTestSigning(
  schema = uniqueName('signing_test'),
  env: Record<string, string> = {},
  objects: TestObjects = 'folder',
): Promise<TestSigning> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-signing-'));
  const { logger, lines } = capturingLogger();
  const platform = await connectTestPlatform(schema, logger, dir, objects);
  const officesFile = await writeTestOffices(dir);
  const app = await buildApp(testConfig(dir, { LIENTHONG_SIGNING_OFFICES_FILE: officesFile, ...env }), {
    platform,
    logger,
  });
  return {
    app,
    pool: platform.pool,
    store: platform.store,
    schema,
    lines,
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Drops a test's schemas. */
export async function dropTestSchemas(schema: string): Promise<void> {
  await dropSchema(schema);
  await dropSchema(`${schema}_bus`);
}

/** A signing app for one test file on its own schema, closed and dropped when the file's tests end. */
export async function signingForFile(
  t: { teardown(fn: () => Promise<void> | void): void },
  env: Record<string, string> = {},
  objects: TestObjects = 'folder',
): Promise<TestSigning> {
  const signing = await startTestSigning(undefined, env, objects);
  t.teardown(async () => {
    await signing.close();
    await dropTestSchemas(signing.schema);
  });
  return signing;
}
