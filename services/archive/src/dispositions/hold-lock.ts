/**
 * The store's side of a legal hold (README "Legal hold"): every version of a package (the
 * objects it names and any other version under its prefix) gets the hold set or lifted and its
 * COMPLIANCE retention extended to a date, never shortened. Versity S3 Gateway deletes a held
 * version once its retention expired, so a hold there keeps a record only with the retention
 * extended for as long as it stands. The store is changed first, outside any transaction; then
 * one transaction, the package locked, checks that no object was added meanwhile that the pass
 * did not reach (then reaches it and checks again) and records what the store now holds.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool, PoolClient } from '@lienthong/db';
import type { ObjectStore } from '@lienthong/storage';
import { lockPackage } from '../packages/package-additions.ts';
import { listArchivedObjects } from '../packages/package-repository.ts';

/** What a change of a package's lock needs. */
export interface HoldLockDeps {
  pool: Pool;
  store: ObjectStore;
  /** The archive bucket. */
  bucket: string;
}

/** What to do to every version: the hold on or off (undefined: left), the retention at least until (undefined: left). */
export interface LockChange {
  hold?: boolean;
  until?: Date;
}

/** The most passes over a package whose objects keep changing before the change gives up (and is asked again). */
const maxPasses = 5;

const versionKey = (v: { key: string; versionId: string }) => `${v.key}\u0000${v.versionId}`;

/**
 * Extends version `versionId`'s COMPLIANCE retention to at least `until`: a later one is kept
 * (COMPLIANCE cannot be shortened, and the archive never asks to); none, or GOVERNANCE, becomes
 * COMPLIANCE. Returns the retain-until the version has afterwards.
 */
export async function extendRetention(
  store: ObjectStore,
  bucket: string,
  key: string,
  versionId: string,
  until: Date,
): Promise<Date> {
  const current = await store.getRetention(bucket, key, versionId);
  if (current?.mode === 'COMPLIANCE' && current.retainUntil.getTime() >= until.getTime()) return current.retainUntil;
  const retainUntil =
    current !== undefined && current.retainUntil.getTime() > until.getTime() ? current.retainUntil : until;
  await store.setRetention(bucket, key, versionId, { mode: 'COMPLIANCE', retainUntil });
  return retainUntil;
}

/** Every version under `records/<recordId>/` and every object the package names, but those in `done`. */
async function versionsLeft(deps: HoldLockDeps, recordId: string, done: Set<string>) {
  const all = new Map<string, { key: string; versionId: string }>();
  for (const o of await listArchivedObjects(deps.pool, recordId)) all.set(versionKey(o), o);
  for (const v of await deps.store.listVersions(deps.bucket, `records/${recordId}/`))
    if (!v.isDeleteMarker) all.set(versionKey(v), { key: v.key, versionId: v.versionId });
  return [...all.entries()].filter(([k]) => !done.has(k)).map(([, v]) => v);
}

/**
 * Applies `change` to every version of record `recordId`'s package, then runs `record` in one
 * transaction with the package locked, once every object the package names has been reached
 * (an object added during a pass is reached by the next; after `maxPasses` the change throws
 * and is to be asked again). `record` gets how many versions were changed.
 */
export async function changePackageLock<T>(
  deps: HoldLockDeps,
  recordId: string,
  change: LockChange,
  record: (client: PoolClient, versions: number) => Promise<T>,
): Promise<T> {
  const done = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass += 1) {
    for (const v of await versionsLeft(deps, recordId, done)) {
      if (change.until !== undefined) await extendRetention(deps.store, deps.bucket, v.key, v.versionId, change.until);
      if (change.hold !== undefined) await deps.store.setLegalHold(deps.bucket, v.key, v.versionId, change.hold);
      done.add(versionKey(v));
    }
    const outcome = await withTransaction(deps.pool, async (client) => {
      if (!(await lockPackage(client, recordId))) throw new Error(`record ${recordId} has no package`);
      const named = await listArchivedObjects(client, recordId);
      if (named.some((o) => !done.has(versionKey(o)))) return { reached: false as const };
      return { reached: true as const, value: await record(client, done.size) };
    });
    if (outcome.reached) return outcome.value;
  }
  throw new Error(`the objects of record ${recordId} kept changing during a change of its lock; ask again`);
}
