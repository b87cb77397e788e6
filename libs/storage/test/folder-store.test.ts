import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createFolderStore } from '../src/index.ts';
import { runStoreContract } from './contract.ts';
import { storageError } from './helpers.ts';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-storage-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every path under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

void t.test('contract', async (t) => {
  const dir = await tempDir();
  let now = new Date('2026-11-23T09:00:00Z');
  runStoreContract(t, async () => ({
    store: createFolderStore({ dir, clock: () => now }),
    now: () => now,
    shortRetainUntil: () => new Date(now.getTime() + 60_000),
    passUntil: async (date) => {
      now = new Date(date.getTime() + 1);
    },
    legalHoldAfterRetention: 'blocks',
  }));
});

void t.test('hostile keys write nothing outside the folder', async (t) => {
  const outer = await tempDir();
  const dir = join(outer, 'store');
  const store = createFolderStore({ dir });
  await store.ensureBucket('docs', { versioning: true });
  const before = await tree(outer);
  for (const key of ['../../outside', '../docs2/x', '/tmp/abs', 'a/../../../x', 'c:\\windows', '..', '.', 'a\u0000b']) {
    await t.rejects(store.put('docs', key, Buffer.from('evil')), storageError('INVALID_KEY'));
    await t.rejects(store.get('docs', key), storageError('INVALID_KEY'));
    await t.rejects(store.delete('docs', key), storageError('INVALID_KEY'));
  }
  for (const bucket of ['..', '../x', 'a/b', '.hidden', 'UPPER']) {
    await t.rejects(store.ensureBucket(bucket), storageError('INVALID_KEY'));
  }
  t.same(await tree(outer), before);
  await store.put('docs', '..x/..y/.../z', Buffer.from('fine: dots inside names are not path tricks'));
  t.same((await readdir(outer)).sort(), ['store'], 'only the store folder exists in its parent');
  t.same(await readdir(join(dir, 'buckets')), ['docs']);
});

void t.test('a refused checksum leaves no temp file behind', async (t) => {
  const dir = await tempDir();
  const store = createFolderStore({ dir });
  await store.ensureBucket('docs', { versioning: true });
  await t.rejects(
    store.put('docs', 'a.pdf', Buffer.from('a'), { expectedSha256: '00'.repeat(32) }),
    storageError('CHECKSUM_MISMATCH'),
  );
  const files = (await tree(dir)).filter(
    (p) => p.includes('.tmp-') || p.endsWith('.bin') || (p.endsWith('.json') && !p.endsWith('bucket.json')),
  );
  t.same(files, []);
});

void t.test('COMPLIANCE retention expires only when the clock passes it', async (t) => {
  const dir = await tempDir();
  let now = new Date('2026-01-01T00:00:00Z');
  const store = createFolderStore({ dir, clock: () => now });
  await store.ensureBucket('archive', { objectLocking: true });
  const retainUntil = new Date('2036-01-01T00:00:00Z');
  const { versionId } = await store.put('archive', 'r.pdf', Buffer.from('r'), {
    retention: { mode: 'COMPLIANCE', retainUntil },
  });
  now = new Date('2035-12-31T23:59:59.999Z');
  await t.rejects(store.delete('archive', 'r.pdf', { versionId }), storageError('OBJECT_LOCKED'));
  now = new Date('2036-01-01T00:00:00.001Z');
  await store.delete('archive', 'r.pdf', { versionId });
  t.same(await store.listVersions('archive', ''), []);
});

void t.test('an unversioned bucket keeps one version, named null', async (t) => {
  const store = createFolderStore({ dir: await tempDir() });
  await store.ensureBucket('plain');
  await store.put('plain', 'a', Buffer.from('one'));
  const second = await store.put('plain', 'a', Buffer.from('two'));
  t.equal(second.versionId, 'null');
  t.equal((await store.listVersions('plain', '')).length, 1);
  await store.delete('plain', 'a');
  await t.rejects(store.stat('plain', 'a'), storageError('OBJECT_NOT_FOUND'));
});

void t.test('a folder that cannot be used is STORAGE_UNAVAILABLE on ping', async (t) => {
  const dir = await tempDir();
  const file = join(dir, 'not-a-folder');
  await writeFile(file, 'x');
  const store = createFolderStore({ dir: join(file, 'store') });
  await t.rejects(store.ping(), { ...storageError('STORAGE_UNAVAILABLE'), status: 503, cause: { code: 'ENOTDIR' } });
});
