import t from 'tap';
import { testDatabaseUrl } from './env.ts';
import { outboxSuite } from './suites/outbox-suite.ts';

outboxSuite(t, testDatabaseUrl);
