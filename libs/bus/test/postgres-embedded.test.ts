import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@lienthong/db';
import t from 'tap';
import { postgresHarness } from './suites/postgres-harness.ts';
import { batchSuite } from './suites/batch-suite.ts';
import { busSuite } from './suites/bus-suite.ts';
import { deadLetterSuite } from './suites/dead-letter-suite.ts';

// The embedded mode: PGlite served over a socket by libs/db's multiplexer, where
// transactions take turns; the same suite must pass there.
let server: EmbeddedPostgres | undefined;
let dir = '';
t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-bus-'));
  server = await startEmbeddedPostgres({ dataDir: dir });
});
t.teardown(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const harness = postgresHarness('postgres-embedded', () => server!.url);
busSuite(t, harness);
batchSuite(t, harness);
deadLetterSuite(t, harness);
