/**
 * Disposition on Versity S3 Gateway (the second S3 implementation): a record whose retention
 * ended is deleted after approval, its catalog row a tombstone, the certificate kept locked;
 * before its end the gateway refuses the delete with the service's credentials. Versity lets a
 * held version go once its retention expired (libs/storage README), so the hold extends the
 * record's retention (`hold-lock-versity.test.ts`) and the archive's own flag refuses it too: a
 * disposition approved after the hold refuses the record and deletes nothing.
 */
import t from 'tap';
import { isStorageError } from '@lienthong/storage';
import { callerOf } from './support.ts';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import type { TestPackage } from './package-support.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';

const d = await packageArchiveForFile(t, { s3: 'versity', deps: { permanentHorizonMs: 3_600_000 } });
const { app, store, bucket } = d;
const archivist = callerOf('VPTU-CM', 'archivist');
const approver = authHeader({ subject: 'person:chanh-van-phong', office: 'VPTU-CM', roles: ['archive-approver'] });

const endsIn = (ms: number) => {
  const end = new Date(Date.now() + ms);
  return { retentionClass: '5-years', retainUntil: end, lockedUntil: end, legalHold: false };
};
const a = await writeTestPackage(d, 'VPTU-CM', [], { retention: endsIn(5_000) });
const held = await writeTestPackage(d, 'VPTU-CM', [], { retention: endsIn(5_000) });
t.teardown(async () => {
  for (const o of held.objects) await store.setLegalHold(bucket, o.key, o.versionId, false).catch(() => {});
});

const present = async (p: TestPackage) => {
  let n = 0;
  for (const o of p.objects)
    await store.stat(bucket, o.key, { versionId: o.versionId }).then(
      () => (n += 1),
      (e: unknown) => {
        if (!isStorageError(e, 'OBJECT_NOT_FOUND')) throw e;
      },
    );
  return n;
};
const due = async () =>
  (await app.inject({ method: 'GET', url: '/v1/dispositions/due', headers: archivist }))
    .json<{ records: Array<{ recordId: string }> }>()
    .records.map((r) => r.recordId);

await t.test(
  'on Versity: refused before the end, deleted after approval, a held record kept by the archive',
  async (t) => {
    const o = a.objects[0]!;
    await t.rejects(store.delete(bucket, o.key, { versionId: o.versionId }), { code: 'OBJECT_LOCKED' });
    await waitFor('both records due', async () => (await due()).length === 2, 30_000, 200);
    const proposed = await app.inject({
      method: 'POST',
      url: '/v1/dispositions',
      headers: archivist,
      payload: { recordIds: [a.recordId, held.recordId], reason: 'Hết thời hạn bảo quản' },
    });
    t.equal(proposed.statusCode, 201, proposed.body);
    const hold = await app.inject({
      method: 'PUT',
      url: `/v1/records/${held.recordId}/hold`,
      headers: archivist,
      payload: { reason: 'Đang thanh tra' },
    });
    t.equal(hold.statusCode, 200, hold.body);
    const approved = await app.inject({
      method: 'POST',
      url: `/v1/dispositions/${proposed.json().id as string}/approve`,
      headers: approver,
    });
    t.equal(approved.statusCode, 200, approved.body);
    const outcomes = Object.fromEntries(
      (approved.json().records as Array<{ recordId: string; outcome: string }>).map((r) => [r.recordId, r.outcome]),
    );
    t.same(outcomes, { [a.recordId]: 'disposed', [held.recordId]: 'refused' });
    t.equal(await present(a), 0, 'deleted from the gateway');
    t.equal(await present(held), held.objects.length, 'the held record stays');
    const cert = approved.json().certificate as { key: string; versionId: string };
    t.equal((await store.getRetention(bucket, cert.key, cert.versionId))?.mode, 'COMPLIANCE');
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/records/${a.recordId}`, headers: archivist })).json().status,
      'disposed',
    );
  },
);
