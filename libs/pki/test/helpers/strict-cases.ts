// The edge cases of path-strict.test.ts: how each chain departs from a conforming one, our verdict and openssl's.
import type { PathFailureReason } from '../../src/index.ts';
import type { RawTemplate } from './edge-chains.ts';

export type Templates = { root: RawTemplate; ca: RawTemplate; leaf: RawTemplate };

export interface EdgeCase {
  name: string;
  change: (b: Templates) => Partial<Templates>;
  /** Our verdict: 'valid' or the reason. */
  ours: 'valid' | PathFailureReason;
  /** Does `openssl verify -x509_strict` accept the chain? */
  openssl: boolean;
  /** Why we are right where the verdicts differ. */
  why?: string;
  /** Which certificate fails: 0 leaf, 1 CA, 2 the anchor's own. */
  failedIndex?: number;
}

export const without = (x: RawTemplate, oid: string): RawTemplate => ({
  ...x,
  extensions: x.extensions.filter((e) => e.oid !== oid),
});
export const plus = (x: RawTemplate, ...e: RawTemplate['extensions']): RawTemplate => ({
  ...x,
  extensions: [...x.extensions, ...e],
});
export const caWith = (b: Templates, ...e: RawTemplate['extensions']): Partial<Templates> => ({ ca: plus(b.ca, ...e) });
export const leafWith = (b: Templates, ...e: RawTemplate['extensions']): Partial<Templates> => ({
  leaf: plus(b.leaf, ...e),
});
