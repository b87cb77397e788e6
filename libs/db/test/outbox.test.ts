import t from 'tap';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { outboxSuite } from './suites/outbox-suite.ts';

outboxSuite(t, testDatabaseUrl);
