/**
 * An intake app for tests on a schema of its own (test/support/platform.ts), closed and
 * dropped when the file's tests end; and the callers and directories the tests use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from '@lienthong/db';
import { createLogger } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { createS3Store, type ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadIntakeConfig } from '../src/config.ts';
import { intakeMigrations } from '../src/migrations.ts';
import { authHeader, testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

/** An intake app on a fresh schema. */
export interface TestIntake {
  app: ServiceApp;
  pool: Pool;
  schema: string;
  /** The object store the app keeps PDFs in, and the bucket (one per test file). */
  store: ObjectStore;
  bucket: string;
}

/** Where a test app keeps objects: a folder, or the real MinIO that infra/local runs. */
export type TestObjects = 'folder' | 'minio';

/** Builds the intake app on a new schema (and bucket) for one test file; closed and dropped at its end. */
export async function intakeForFile(
  t: { teardown(fn: () => Promise<void> | void): void },
  objects: TestObjects = 'folder',
  env: Record<string, string> = {},
): Promise<TestIntake> {
  const schema = uniqueName('intake_test');
  const bucket = uniqueName('lt-intake').replaceAll('_', '-');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-intake-'));
  const logger = createLogger({ name: 'intake', level: 'warn' });
  const folder = await connectTestPlatform(schema, intakeMigrations, logger, dir);
  const platform = objects === 'minio' ? { ...folder, store: createS3Store(testEnv.s3) } : folder;
  const config = loadIntakeConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_INTAKE_DOCUMENT_BUCKET: bucket,
    ...testAuthEnv,
    ...env,
  });
  const app = await buildApp(config, { platform, logger });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  return { app, pool: platform.pool, schema, store: platform.store, bucket };
}

/** The headers of a directory administrator of `office`. */
export const adminOf = (office: string) =>
  authHeader({ subject: `person:admin-${office.toLowerCase()}`, office, roles: ['directory-admin'] });

/** The small tree most tests start from: the centre, two provinces, their offices, districts and communes. */
export const baseDirectory = {
  offices: [
    { code: 'TW', name: 'Ban Chấp hành Trung ương', abbreviation: 'TW', level: 'centre' },
    { code: 'VPTW', name: 'Văn phòng Trung ương Đảng', abbreviation: 'VPTW', level: 'centre', parent: 'TW' },
    { code: 'TU-A', name: 'Tỉnh ủy An Giang', abbreviation: 'TU', level: 'province', parent: 'TW' },
    { code: 'VPTU-A', name: 'Văn phòng Tỉnh ủy An Giang', abbreviation: 'VPTU', level: 'province', parent: 'TU-A' },
    { code: 'HU-A1', name: 'Huyện ủy Châu Thành', abbreviation: 'HU', level: 'district', parent: 'TU-A' },
    { code: 'DU-A11', name: 'Đảng ủy xã Vĩnh Hanh', abbreviation: 'ĐU', level: 'commune', parent: 'HU-A1' },
    { code: 'DU-A12', name: 'Đảng ủy xã Cần Đăng', abbreviation: 'ĐU', level: 'commune', parent: 'HU-A1' },
    { code: 'TU-B', name: 'Tỉnh ủy Bạc Liêu', abbreviation: 'TU', level: 'province', parent: 'TW' },
    { code: 'VPTU-B', name: 'Văn phòng Tỉnh ủy Bạc Liêu', abbreviation: 'VPTU', level: 'province', parent: 'TU-B' },
    { code: 'HU-B1', name: 'Huyện ủy Hồng Dân', abbreviation: 'HU', level: 'district', parent: 'TU-B' },
  ],
  people: [
    {
      office: 'VPTU-A',
      subject: 'person:nhung',
      name: 'Nguyễn Thị Hồng Nhung',
      title: 'Chánh Văn phòng',
      roles: ['signer', 'directory-admin'],
    },
    { office: 'VPTU-B', subject: 'person:bao', name: 'Trần Quốc Bảo', title: 'Văn thư', roles: ['registry'] },
  ],
  groups: [
    {
      code: 'A-HUYEN',
      office: 'VPTU-A',
      name: 'Các huyện ủy trực thuộc Tỉnh ủy An Giang',
      rules: [{ under: 'TU-A', level: 'district' }],
    },
    {
      code: 'A-XA',
      office: 'VPTU-A',
      name: 'Các xã của Châu Thành',
      offices: ['TU-B'],
      rules: [{ under: 'HU-A1', level: 'commune' }],
    },
  ],
};

/** How many rows of `schema`'s outbox carry `directory.changed`. */
export async function outboxCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM outbox WHERE topic = 'lienthong.directory.changed.v1'",
  );
  return Number(rows[0]!.n);
}

/** Everything the directory holds, for "nothing changed" comparisons. */
export async function directoryState(pool: Pool): Promise<string> {
  const offices = await pool.query('SELECT * FROM office ORDER BY code');
  const people = await pool.query('SELECT * FROM person ORDER BY office, subject');
  const groups = await pool.query('SELECT * FROM recipient_group ORDER BY code');
  return JSON.stringify([offices.rows, people.rows, groups.rows, await outboxCount(pool)]);
}
