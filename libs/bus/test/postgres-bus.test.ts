import t from 'tap';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { batchSuite } from './suites/batch-suite.ts';
import { busSuite } from './suites/bus-suite.ts';
import { backlogSuite } from './suites/backlog-suite.ts';
import { deadLetterSuite } from './suites/dead-letter-suite.ts';
import { postgresHarness } from './suites/postgres-harness.ts';

const harness = postgresHarness('postgres', () => testDatabaseUrl);
busSuite(t, harness);
batchSuite(t, harness);
deadLetterSuite(t, harness);
backlogSuite(t, harness);
