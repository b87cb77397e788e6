import t from 'tap';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { busSuite } from './suites/bus-suite.ts';
import { postgresHarness } from './suites/postgres-harness.ts';

busSuite(
  t,
  postgresHarness('postgres', () => testDatabaseUrl),
);
