// Expired two-step sessions are purged with their prepared PDFs (issue 15 item 2): after the
// expiry and a grace period both go, from the table and from the real object store; a live
// session and a recently expired one stay.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { fixedClock } from '@lienthong/pki';
import { isStorageError } from '@lienthong/storage';
import { twoStepBucket } from '../src/signing/two-step-pdf.ts';
import { purgeExpiredTwoStepSessions, twoStepPurgeGraceMs } from '../src/signing/two-step-purge.ts';
import { insertTwoStepSession } from '../src/signing/two-step-repository.ts';
import { signingForFile } from './support.ts';

const { pool, store } = await signingForFile(t, {}, 'minio');
const now = new Date('2026-12-06T10:00:00Z');
const minutes = (n: number): Date => new Date(now.getTime() + n * 60_000);

async function prepared(expiresAt: Date, withPdf: boolean): Promise<{ id: string; objectKey: string | null }> {
  const id = randomUUID();
  const objectKey = withPdf ? `prepared/${id}.pdf` : null;
  if (objectKey !== null) await store.put(twoStepBucket, objectKey, Buffer.from('%PDF-1.7 prepared'));
  await insertTwoStepSession(pool, {
    id,
    office: 'VPTU-CM',
    owner: 'person:nhung',
    algorithm: 'RSA-SHA256',
    certificateDer: new Uint8Array([0x30, 0]),
    chainDer: [],
    contentDigest: new Uint8Array(32),
    signedAttributes: new Uint8Array([0x31, 0]),
    expiresAt,
    kind: withPdf ? 'pdf' : 'cms',
    ...(objectKey === null ? {} : { objectKey }),
  });
  return { id, objectKey };
}

const exists = async (id: string): Promise<boolean> =>
  (await pool.query('SELECT 1 FROM two_step_session WHERE id = $1', [id])).rowCount === 1;
const stored = async (key: string): Promise<boolean> =>
  store.stat(twoStepBucket, key).then(
    () => true,
    (error: unknown) => {
      if (isStorageError(error, 'OBJECT_NOT_FOUND')) return false;
      throw error;
    },
  );

void t.test('a session expired past the grace goes with its PDF; live and recent ones stay', async (t) => {
  const graceMinutes = twoStepPurgeGraceMs / 60_000;
  const old = await prepared(minutes(-graceMinutes - 5), true);
  const oldCms = await prepared(minutes(-graceMinutes - 1), false);
  const recent = await prepared(minutes(-1), true);
  const live = await prepared(minutes(5), true);
  const purged = await purgeExpiredTwoStepSessions({ pool, clock: fixedClock(now) }, store);
  t.equal(purged, 2, 'the two sessions expired longer ago than the grace');
  t.notOk(await exists(old.id), 'the old PDF session row is gone');
  t.notOk(await stored(old.objectKey!), 'and its prepared PDF');
  t.notOk(await exists(oldCms.id), 'an old CMS session (no PDF) is gone too');
  for (const [what, s] of [
    ['recently expired (inside the grace)', recent],
    ['live', live],
  ] as const) {
    t.ok(await exists(s.id), `${what}: the session stays`);
    t.ok(await stored(s.objectKey!), `${what}: its PDF stays`);
  }
  t.equal(
    await purgeExpiredTwoStepSessions({ pool, clock: fixedClock(now) }, store),
    0,
    'a second purge finds nothing',
  );
});

void t.test('a session whose PDF is already gone is purged all the same', async (t) => {
  const s = await prepared(minutes(-twoStepPurgeGraceMs / 60_000 - 3), true);
  await store.delete(twoStepBucket, s.objectKey!);
  t.equal(await purgeExpiredTwoStepSessions({ pool, clock: fixedClock(now) }, store), 1);
  t.notOk(await exists(s.id));
});
