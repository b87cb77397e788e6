/**
 * The legal hold enforced by the store itself, on Versity S3 Gateway (`hold-lock-suite.ts`): the
 * gateway deletes a held version once its retention expired, so the extended retention is what
 * keeps a held record there.
 */
import t from 'tap';
import { holdLockSuite } from './hold-lock-suite.ts';

await holdLockSuite(t, 'versity');
