/** The legal hold enforced by the store itself, on the real MinIO (`hold-lock-suite.ts`). */
import t from 'tap';
import { holdLockSuite } from './hold-lock-suite.ts';

await holdLockSuite(t, true);
