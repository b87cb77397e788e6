/**
 * Intake as a process of its own for the crash tests, killed with SIGKILL by the test:
 *
 *   LIENTHONG_AUTH_JWKS=<the test's keys> node issue-child.ts <schema> <bucket> <signingUrl>
 *
 * builds the intake app (`buildApp`, every route as `server.ts` serves them) on the test's
 * schema, the real MinIO bucket and the signing service at `signingUrl`, listens on a free
 * loopback port and prints `listening <port>`. Not `src/server.ts` itself: it binds the
 * database schema to the service's name (`intake`), which the tests must not share; and
 * the outbox is left unrelayed, as in every intake test, so the test counts its rows.
 */
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadIntakeConfig } from '../src/config.ts';
import { intakeMigrations } from '../src/migrations.ts';
import { testEnv } from '../../../test/support/env.ts';
import { connectTestPlatform } from '../../../test/support/platform.ts';

const [schema, bucket, signingUrl] = process.argv.slice(2) as [string, string, string];
const dir = await mkdtemp(join(tmpdir(), 'lienthong-intake-child-'));
const logger = createLogger({ name: 'intake', level: 'warn' });
const folder = await connectTestPlatform(schema, intakeMigrations, logger, dir);
const config = loadIntakeConfig({
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
  LIENTHONG_STORAGE_DIR: dir,
  LIENTHONG_LOG_LEVEL: 'warn',
  LIENTHONG_INTAKE_DOCUMENT_BUCKET: bucket,
  LIENTHONG_INTAKE_SIGNING_URL: signingUrl,
  // The parent's token issuer key (test/support/auth.ts makes one per process).
  LIENTHONG_AUTH_JWKS: process.env.LIENTHONG_AUTH_JWKS ?? '',
});
const app = await buildApp(config, { platform: { ...folder, store: createS3Store(testEnv.s3) }, logger });
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${(app.server.address() as AddressInfo).port}\n`);
