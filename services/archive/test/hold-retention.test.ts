/**
 * `extendRetention` on a folder store (the embedded mode's, which enforces Object Lock itself):
 * no retention or GOVERNANCE becomes COMPLIANCE until the date asked, a later COMPLIANCE
 * retain-until is kept (never shortened, nothing asked of the store), an earlier one extended.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderStore } from '@lienthong/storage';
import { extendRetention } from '../src/dispositions/hold-lock.ts';

const dir = await mkdtemp(join(tmpdir(), 'lienthong-hold-retention-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
let now = new Date('2026-06-01T00:00:00Z');
const store = createFolderStore({ dir, clock: () => now });
await store.ensureBucket('archive', { objectLocking: true });
const at = (days: number) => new Date(now.getTime() + days * 86_400_000);
const put = async (retention?: Parameters<typeof store.setRetention>[3]) =>
  store.put('archive', 'records/x/a.json', Buffer.from('{}'), retention === undefined ? {} : { retention });

await t.test('none and GOVERNANCE become COMPLIANCE until the date asked', async (t) => {
  for (const v of [await put(), await put({ mode: 'GOVERNANCE', retainUntil: at(1) })]) {
    t.same(await extendRetention(store, 'archive', 'records/x/a.json', v.versionId, at(10)), at(10));
    t.same(await store.getRetention('archive', 'records/x/a.json', v.versionId), {
      mode: 'COMPLIANCE',
      retainUntil: at(10),
    });
  }
});

await t.test('a later COMPLIANCE retain-until is kept, an earlier one extended', async (t) => {
  const later = await put({ mode: 'COMPLIANCE', retainUntil: at(30) });
  t.same(await extendRetention(store, 'archive', 'records/x/a.json', later.versionId, at(10)), at(30));
  t.same((await store.getRetention('archive', 'records/x/a.json', later.versionId))?.retainUntil, at(30));
  const earlier = await put({ mode: 'COMPLIANCE', retainUntil: at(2) });
  t.same(await extendRetention(store, 'archive', 'records/x/a.json', earlier.versionId, at(10)), at(10));
  now = at(5);
  await t.rejects(
    store.delete('archive', 'records/x/a.json', { versionId: earlier.versionId }),
    { code: 'OBJECT_LOCKED' },
    'locked past its first date',
  );
});

await t.test('an expired retention is extended again', async (t) => {
  const v = await put({ mode: 'COMPLIANCE', retainUntil: at(1) });
  now = at(3);
  t.same(await extendRetention(store, 'archive', 'records/x/a.json', v.versionId, at(10)), at(10));
  await t.rejects(store.delete('archive', 'records/x/a.json', { versionId: v.versionId }), { code: 'OBJECT_LOCKED' });
});
