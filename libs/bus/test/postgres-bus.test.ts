import t from 'tap';
import { testDatabaseUrl } from './env.ts';
import { busSuite } from './suites/bus-suite.ts';
import { postgresHarness } from './suites/postgres-harness.ts';

busSuite(t, postgresHarness('postgres', () => testDatabaseUrl));
