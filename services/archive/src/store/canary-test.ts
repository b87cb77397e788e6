/**
 * The canary: a small object put under COMPLIANCE retention in the archive bucket, then
 * everything that must not happen to a locked record tried on it with the service's own
 * credentials (S3 User Guide, "Locking objects with Object Lock": a COMPLIANCE version
 * cannot be deleted, nor its retention shortened or its mode changed, by any user).
 * Some S3 implementations accept such calls; this finds out before a record depends on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isStorageError } from '@lienthong/storage';
import type { ObjectStore, Retention } from '@lienthong/storage';

/** Where canaries are written in the archive bucket: `canary/<ISO time>-<random>`. */
export const canaryPrefix = 'canary/';

/** What one run of the canary test needs. */
export interface CanaryTestOptions {
  store: ObjectStore;
  bucket: string;
  /** The time the canary is written at; its retention runs from here. */
  now: Date;
  /** How long the canary stays under COMPLIANCE retention. */
  retentionMs: number;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const describe = (retention: Retention | undefined): string =>
  retention === undefined ? 'no retention' : `${retention.mode} until ${retention.retainUntil.toISOString()}`;

async function digestOf(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Puts a canary and tries to delete its version, shorten its retention, switch it to
 * GOVERNANCE (which a privileged user may bypass) and overwrite it; then checks that its
 * version, bytes and retention are as written. Returns what the store let through, in words
 * an operator understands; empty when the store refused everything. Never throws.
 */
export async function runCanaryTest(options: CanaryTestOptions): Promise<string[]> {
  const { store, bucket, now, retentionMs } = options;
  const key = `${canaryPrefix}${now.toISOString()}-${randomBytes(6).toString('hex')}`;
  const bytes = Buffer.from(`${JSON.stringify({ canary: true, writtenAt: now.toISOString(), key })}\n`);
  const digest = sha256(bytes);
  const retention: Retention = { mode: 'COMPLIANCE', retainUntil: new Date(now.getTime() + retentionMs) };
  const canary = `the canary ${bucket}/${key}`;

  let versionId: string;
  try {
    ({ versionId } = await store.put(bucket, key, bytes, {
      contentType: 'application/json',
      expectedSha256: digest,
      retention,
    }));
  } catch (error) {
    // Both stores answer RangeError for retention asked of a bucket made without Object Lock.
    if (error instanceof RangeError) {
      return [`the bucket ${bucket} has no Object Lock: a version cannot be put under retention (${error.message})`];
    }
    return [`a canary could not be written under COMPLIANCE retention in ${bucket}: ${messageOf(error)}`];
  }
  if (versionId === 'null') {
    return [`the bucket ${bucket} does not keep versions: a put over a record's key would replace it`];
  }

  const problems: string[] = [];
  /** Runs a step; an unexpected error is a problem too, since the store could not be shown safe. */
  const step = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      problems.push(`${what} failed: ${messageOf(error)}`);
    }
  };
  /** An attempt the store must refuse as Object Lock does (OBJECT_LOCKED). */
  const mustRefuse = async (what: string, attempt: () => Promise<unknown>): Promise<void> => {
    try {
      await attempt();
      problems.push(`${what} was allowed`);
    } catch (error) {
      if (!isStorageError(error, 'OBJECT_LOCKED')) {
        problems.push(`${what} was not refused as Object Lock refuses it: ${messageOf(error)}`);
      }
    }
  };

  await step(`reading the retention of ${canary}`, async () => {
    const held = await store.getRetention(bucket, key, versionId);
    // S3 keeps retain-until dates to the second or millisecond depending on the server.
    if (held?.mode !== 'COMPLIANCE' || held.retainUntil.getTime() < retention.retainUntil.getTime() - 1000) {
      problems.push(`${canary} was put under ${describe(retention)} but the store holds ${describe(held)}`);
    }
  });
  await mustRefuse(`deleting the locked version of ${canary}`, () => store.delete(bucket, key, { versionId }));
  const shorter = new Date(now.getTime() + Math.max(1000, Math.floor(retentionMs / 2)));
  await mustRefuse(`shortening the COMPLIANCE retention of ${canary}`, () =>
    store.setRetention(bucket, key, versionId, { mode: 'COMPLIANCE', retainUntil: shorter }),
  );
  await mustRefuse(`switching the COMPLIANCE retention of ${canary} to GOVERNANCE`, () =>
    store.setRetention(bucket, key, versionId, { mode: 'GOVERNANCE', retainUntil: retention.retainUntil }),
  );

  let overwrite: string | undefined;
  await step(`overwriting ${canary}`, async () => {
    const other = await store.put(bucket, key, Buffer.from('overwrite attempt\n'));
    if (other.versionId === versionId) {
      problems.push(`a put over the key of ${canary} replaced its locked version instead of adding a new one`);
    } else {
      overwrite = other.versionId;
    }
  });
  await step(`reading ${canary} back by its version`, async () => {
    const read = await store.get(bucket, key, { versionId }).catch((error: unknown) => {
      if (isStorageError(error, 'OBJECT_NOT_FOUND')) return undefined;
      throw error;
    });
    if (read === undefined) {
      problems.push(`the locked version of ${canary} is gone: a record could be deleted`);
      return;
    }
    const { body } = read;
    if ((await digestOf(body)) !== digest) {
      problems.push(`the bytes of the locked version of ${canary} changed: a record could be altered`);
    }
    const held = await store.getRetention(bucket, key, versionId);
    if (held?.mode !== 'COMPLIANCE' || held.retainUntil.getTime() < retention.retainUntil.getTime() - 1000) {
      problems.push(`after the attempts ${canary} holds ${describe(held)} instead of ${describe(retention)}`);
    }
  });
  // The overwrite's version has no retention: it goes again (best effort; a bucket default retention would keep it).
  if (overwrite !== undefined) await store.delete(bucket, key, { versionId: overwrite }).catch(() => undefined);
  return problems;
}
