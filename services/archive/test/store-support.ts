/**
 * What the store self-test's tests share: the three stores they run on (the real MinIO and
 * Versity S3 Gateway of infra/local, and a folder store), bucket names of their own, a logger
 * that keeps its lines, and doubles of a misbehaving S3: a real store with some calls answered
 * differently, every other call going to the real store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LibLogger } from '@lienthong/kit';
import { createFolderStore, createS3Store } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { testEnv, versityTestServer } from '../../../test/support/env.ts';

/** A store the tests run on. */
export interface StoreTarget {
  name: string;
  /** Throws (failing the test) when the server's variables are missing, as libs/storage's tests do. */
  make: () => Promise<ObjectStore>;
  s3: boolean;
}

export const storeTargets: StoreTarget[] = [
  { name: 'MinIO', s3: true, make: async () => createS3Store(testEnv.s3) },
  { name: 'Versity S3 Gateway', s3: true, make: async () => createS3Store(versityTestServer()) },
  {
    name: 'the folder store',
    s3: false,
    make: async () => createFolderStore({ dir: await mkdtemp(join(tmpdir(), 'lienthong-archive-store-')) }),
  },
];

/** A bucket name no other test uses (libs/storage's `lt-test-*`: left with short-lived locked canaries). */
export function testBucket(): string {
  return `lt-test-archive-${randomBytes(5).toString('hex')}`;
}

/** A logger keeping each line with its level. */
export interface RecordingLogger extends LibLogger {
  lines: { level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string | undefined }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at =
    (level: RecordingLogger['lines'][number]['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** `real` with `overrides` in place of some calls; every other call is the real store's own. */
export function misbehaving(real: ObjectStore, overrides: Partial<ObjectStore>): ObjectStore {
  const bound = Object.fromEntries(
    Object.entries(real).map(([name, call]) => [name, (call as (...args: unknown[]) => unknown).bind(real)]),
  ) as unknown as ObjectStore;
  return { ...bound, ...overrides };
}

/**
 * A store that, while `lets()` is true, answers a delete or a retention change as done
 * without doing it: what an S3 implementation that ignores Object Lock looks like to a client.
 */
export function ignoringLocks(real: ObjectStore, lets: () => boolean = () => true): ObjectStore {
  return misbehaving(real, {
    delete: (bucket, key, options) => (lets() ? Promise.resolve() : real.delete(bucket, key, options)),
    setRetention: (bucket, key, versionId, retention) =>
      lets() ? Promise.resolve() : real.setRetention(bucket, key, versionId, retention),
  });
}
