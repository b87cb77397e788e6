/**
 * A change of a package's lock while an object is added to it (the evidence ingest, a renewal
 * committing during the store pass): the transaction finds the new row, the pass reaches the new
 * version too, so no object the package names is left without the hold or the extended lock. On
 * the real PostgreSQL and a folder store (the embedded mode's, which enforces Object Lock).
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '@lienthong/storage';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import { changePackageLock } from '../src/dispositions/hold-lock.ts';
import { addPackageObjects } from '../src/packages/package-additions.ts';
import { listArchivedObjects } from '../src/packages/package-repository.ts';
import { packageKey } from '../src/packages/archive-package.ts';

const d = await packageArchiveForFile(t);
const { pool, store, bucket } = d;

await t.test('an object added during the pass is reached before the change is recorded', async (t) => {
  const end = new Date(Date.now() + 3_600_000);
  const p = await writeTestPackage(d, 'VPTU-CM', [], {
    retention: { retentionClass: '5-years', retainUntil: end, lockedUntil: end, legalHold: false },
  });
  let added: { key: string; versionId: string } | undefined;
  // The first hold the pass sets lets an addition commit first, as the evidence ingest would.
  const racing: ObjectStore = {
    ...store,
    async setLegalHold(b, key, versionId, on) {
      if (added === undefined) {
        const key2 = packageKey(p.recordId, 'evidence/d/b.json');
        const put = await store.put(bucket, key2, randomBytes(50), {
          retention: { mode: 'COMPLIANCE', retainUntil: end },
        });
        added = { key: key2, versionId: put.versionId };
        const object = { name: 'evidence/d/b.json', bucket, key: key2, versionId: put.versionId, sha256: put.sha256 };
        await addPackageObjects(
          pool,
          p.recordId,
          [],
          { ...object, size: put.size, mediaType: 'application/json' },
          new Date(),
        );
      }
      return store.setLegalHold(b, key, versionId, on);
    },
  };
  const until = new Date(Date.now() + 7_200_000);
  const versions = await changePackageLock(
    { pool, store: racing, bucket },
    p.recordId,
    { hold: true, until },
    async (_client, n) => n,
  );
  t.equal(versions, p.objects.length + 1, 'every version, the added one too');
  t.equal((await listArchivedObjects(pool, p.recordId)).length, p.objects.length + 1);
  t.equal(await store.getLegalHold(bucket, added!.key, added!.versionId), true, 'the added version held');
  t.same((await store.getRetention(bucket, added!.key, added!.versionId))?.retainUntil, until, 'and locked');
  for (const o of p.objects) t.equal(await store.getLegalHold(bucket, o.key, o.versionId), true);
});
