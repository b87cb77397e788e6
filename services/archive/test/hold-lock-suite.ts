/**
 * The legal hold that the store itself enforces (README "Legal hold"), run on MinIO
 * (`hold-lock.test.ts`) and on Versity S3 Gateway (`hold-lock-versity.test.ts`). A package whose
 * class ends seconds from now is put under hold: every version (a stray one under the prefix
 * too) gets the hold and a COMPLIANCE retention extended `extensionMs` ahead; after the class
 * ended, a delete of its versions with the service's own credentials fails on both stores (on
 * Versity the hold alone would not stop it), while an unheld package of the same class goes.
 * Released: the hold lifted, the lock kept until the extended date, the record due with that
 * date. Held again and the schedule's pass run on a moved clock: extended again and audited.
 * Objects added while held get the held lock; one put under the lock read before the hold is
 * found stale. A short extension, so the test buckets are not locked for long.
 */
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { isStorageError } from '@lienthong/storage';
import { callerOf } from './support.ts';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import { waitFor } from '../../../test/support/env.ts';
import { putPackageObject } from '../src/ingest/package-writes.ts';
import { findPackage } from '../src/packages/package-repository.ts';
import { lockUnchanged } from '../src/packages/package-additions.ts';
import { extendHeldLocks } from '../src/dispositions/hold-extension.ts';
import { countHeldLocksEndingBefore } from '../src/dispositions/disposition-repository.ts';

/** Runs the suite on MinIO (`true`) or Versity. */
export async function holdLockSuite(t: Test, s3: true | 'versity'): Promise<void> {
  const extensionMs = 60_000;
  const d = await packageArchiveForFile(t, {
    s3,
    deps: { permanentHorizonMs: 3_600_000, holdExtensionMs: extensionMs },
  });
  const { app, pool, store, bucket } = d;
  const archivist = callerOf('VPTU-CM', 'archivist');
  const classEnd = new Date(Date.now() + 5_000);
  const retention = { retentionClass: '5-years', retainUntil: classEnd, lockedUntil: classEnd, legalHold: false };
  const held = await writeTestPackage(d, 'VPTU-CM', ['VPTU-HN'], { retention });
  const free = await writeTestPackage(d, 'VPTU-CM', [], { retention });
  // A version an interrupted write left under the prefix, named by no row.
  const stray = await store.put(bucket, `records/${held.recordId}/stray.json`, randomBytes(100), {
    retention: { mode: 'COMPLIANCE', retainUntil: classEnd },
  });
  const heldVersions = [...held.objects, { key: `records/${held.recordId}/stray.json`, versionId: stray.versionId }];
  const stale = (await findPackage(pool, held.recordId))!;
  const added: Array<{ key: string; versionId: string }> = [];
  t.teardown(async () => {
    for (const v of [...heldVersions, ...added])
      await store.setLegalHold(bucket, v.key, v.versionId, false).catch(() => {});
  });
  const hold = (method: 'PUT' | 'DELETE') =>
    app.inject({
      method,
      url: `/v1/records/${held.recordId}/hold`,
      headers: archivist,
      ...(method === 'PUT' ? { payload: { reason: 'Đang thanh tra' } } : {}),
    });
  const lockedUntilOf = async () =>
    (await pool.query<{ l: Date }>('SELECT locked_until AS l FROM package WHERE record_id = $1', [held.recordId]))
      .rows[0]!.l;
  // S3 keeps retain-until to the second at least; a version is locked as asked when it is no earlier than that.
  const lockedAtLeast = async (v: { key: string; versionId: string }, until: Date) => {
    const r = await store.getRetention(bucket, v.key, v.versionId);
    return r?.mode === 'COMPLIANCE' && r.retainUntil.getTime() >= Math.floor(until.getTime() / 1000) * 1000;
  };

  await t.test('a hold extends every version’s COMPLIANCE retention and sets the store’s hold', async (t) => {
    const before = Date.now();
    const placed = await hold('PUT');
    t.equal(placed.statusCode, 200, placed.body);
    const lockedUntil = new Date(placed.json().lockedUntil as string);
    t.ok(lockedUntil.getTime() >= before + extensionMs, 'locked a whole extension ahead');
    t.equal((await lockedUntilOf()).getTime(), lockedUntil.getTime(), 'the package row records it');
    for (const v of heldVersions) {
      t.ok(await lockedAtLeast(v, lockedUntil), `${v.key} locked until the extended date`);
      t.equal(await store.getLegalHold(bucket, v.key, v.versionId), true, `${v.key} held`);
    }
    const audit = await pool.query<{ detail: string }>(
      "SELECT detail::text AS detail FROM audit_entry WHERE record_id = $1 AND action = 'record.hold-placed' ORDER BY office",
      [held.recordId],
    );
    t.equal(audit.rowCount, 2, 'the issuing and the receiving office told');
    t.match(JSON.parse(audit.rows[0]!.detail), {
      versions: heldVersions.length,
      lockedUntil: lockedUntil.toISOString(),
    });
  });

  await t.test('after the class ended, the store refuses to delete the held record’s versions', async (t) => {
    await waitFor('the class to end', () => Date.now() > classEnd.getTime() + 1_000, 30_000, 200);
    const o = free.objects[0]!;
    await store.delete(bucket, o.key, { versionId: o.versionId });
    t.pass('an unheld version of the same class is deleted (its retention ended)');
    for (const v of heldVersions)
      await t.rejects(
        store.delete(bucket, v.key, { versionId: v.versionId }),
        { code: 'OBJECT_LOCKED' },
        `${v.key}: refused with the service's own credentials`,
      );
  });

  await t.test('released: the hold lifted, the lock kept until its extended date, due with that date', async (t) => {
    const lockedUntil = await lockedUntilOf();
    const released = await hold('DELETE');
    t.equal(released.statusCode, 200, released.body);
    t.match(released.json(), { legalHold: false, lockedUntil: lockedUntil.toISOString() });
    for (const v of heldVersions) {
      t.equal(await store.getLegalHold(bucket, v.key, v.versionId), false, `${v.key} no longer held`);
      t.ok(await lockedAtLeast(v, lockedUntil), `${v.key} still locked`);
    }
    const v = heldVersions[0]!;
    const refused = await store.delete(bucket, v.key, { versionId: v.versionId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(isStorageError(refused, 'OBJECT_LOCKED'), 'the store still refuses until the extended date');
    const due = await app.inject({ method: 'GET', url: '/v1/dispositions/due', headers: archivist });
    const listed = (due.json().records as Array<{ recordId: string; lockedUntil: string }>).find(
      (r) => r.recordId === held.recordId,
    );
    t.equal(listed?.lockedUntil, lockedUntil.toISOString(), 'due, with the date the store allows its deletion');
  });

  await t.test('held again: the schedule extends it once half the extension is left, audited', async (t) => {
    t.equal((await hold('PUT')).statusCode, 200);
    const first = await lockedUntilOf();
    const logger = { info() {}, warn() {} };
    t.equal(await extendHeldLocks({ pool, store, bucket, extensionMs, logger }), 0, 'not yet: more than half is left');
    const moved = new Date(Date.now() + extensionMs * 0.6);
    t.equal(
      await countHeldLocksEndingBefore(pool, new Date(moved.getTime() + extensionMs / 2)),
      1,
      'counted as ending at the moved clock',
    );
    t.equal(await extendHeldLocks({ pool, store, bucket, extensionMs, logger, now: () => moved }), 1);
    const second = await lockedUntilOf();
    t.equal(second.getTime(), moved.getTime() + extensionMs, 'extended from the moved clock');
    t.ok(second > first);
    for (const v of heldVersions) t.ok(await lockedAtLeast(v, second), `${v.key} extended`);
    const audit = await pool.query<{ actor: string; office: string }>(
      "SELECT actor, office FROM audit_entry WHERE record_id = $1 AND action = 'record.lock-extended'",
      [held.recordId],
    );
    t.same(audit.rows, [{ actor: 'service:archive', office: 'VPTU-CM' }]);
    t.equal(await countHeldLocksEndingBefore(pool, new Date(Date.now() + extensionMs / 4)), 0, 'the gauge counts none');
  });

  await t.test('objects added while held get the held lock; one put under the older lock is stale', async (t) => {
    const pkg = (await findPackage(pool, held.recordId))!;
    t.equal(pkg.legalHold, true);
    const o = await putPackageObject(
      { store, bucket },
      held.recordId,
      'evidence-added.json',
      Buffer.from('{}'),
      'application/json',
      pkg,
    );
    added.push(o);
    t.equal(await store.getLegalHold(bucket, o.key, o.versionId), true, 'held');
    t.ok(await lockedAtLeast(o, pkg.lockedUntil), 'locked until the extended date');
    t.equal(await lockUnchanged(pool, held.recordId, pkg), true, 'written under the package’s lock');
    t.equal(await lockUnchanged(pool, held.recordId, stale), false, 'the lock read before the hold is stale');
  });
}
