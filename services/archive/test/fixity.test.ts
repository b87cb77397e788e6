/**
 * Fixity on the real PostgreSQL, over a folder store (the embedded mode's: a version's bytes
 * edited or removed on disk behind the service's back) and over the real MinIO (a version's
 * bytes cannot be changed there under Object Lock, so an `archived_object` row is pointed at
 * a version that does not exist, and at another object's version of the same length): the
 * next run finds each, records it (`fixity_check`, `fixity_event`, the package's state), tells
 * it (`archive.fixity-failed` in the outbox, `record.fixity-failed` in the audit log of every
 * office of the record, the metrics), and the archivists of those offices see it; another
 * office neither sees it nor checks it; two processes never lease the same object; hostile
 * requests are 4xx and start nothing.
 */
import t from 'tap';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveFixityFailed } from '@lienthong/records';
import { checkObject } from '../src/fixity/check-object.ts';
import { claimDueObjects, seedChecks } from '../src/fixity/fixity-repository.ts';
import { createTokenBucket } from '../src/fixity/token-bucket.ts';
import { callerOf } from './support.ts';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import type { PackageArchive } from './package-support.ts';
import { waitFor } from '../../../test/support/env.ts';

const d = await packageArchiveForFile(t);
const archivist = callerOf('VPTU-CM', 'archivist');

/** The folder store's file of a version (libs/storage folder layout). */
const versionFile = (a: PackageArchive, key: string, versionId: string, ext: 'bin' | 'json') =>
  join(a.dir, 'buckets', a.bucket, 'objects', createHash('sha256').update(key).digest('hex'), `${versionId}.${ext}`);

/** Asks a run of the caller's office's records and waits (bounded) for its end. */
async function runFor(headers: Record<string, string>) {
  const started = await d.app.inject({ method: 'POST', url: '/v1/fixity/runs', headers });
  if (started.statusCode !== 202) throw new Error(`run refused: ${started.statusCode} ${started.body}`);
  const id = started.json().id as string;
  let run: Record<string, unknown> = {};
  await waitFor(`fixity run ${id}`, async () => {
    run = (await d.app.inject({ method: 'GET', url: `/v1/fixity/runs/${id}`, headers })).json();
    return run.finishedAt !== null;
  });
  return run;
}

const outcomes = async (recordId: string) =>
  (
    await d.pool.query<{ name: string; outcome: string }>(
      'SELECT name, outcome FROM fixity_check WHERE record_id = $1 AND outcome IS NOT NULL ORDER BY name',
      [recordId],
    )
  ).rows;
const stateOf = async (recordId: string) =>
  (await d.pool.query<{ s: string | null }>('SELECT fixity_state AS s FROM package WHERE record_id = $1', [recordId]))
    .rows[0]?.s;

const mine = await writeTestPackage(d, 'VPTU-CM', ['VPTU-HN']);
const theirs = await writeTestPackage(d, 'VPTU-BL', ['VPTU-HN']);

await t.test('an intact package passes; only the caller office’s records are checked', async (t) => {
  const run = await runFor(archivist);
  t.match(run, { office: 'VPTU-CM', requestedBy: 'system:archivist-vptu-cm', checked: 2, failed: 0, error: null });
  t.equal(run.bytesRead, 70_300, 'every byte read back');
  t.same(await outcomes(mine.recordId), [
    { name: 'document.pdf', outcome: 'ok' },
    { name: 'metadata.json', outcome: 'ok' },
  ]);
  t.equal(await stateOf(mine.recordId), 'ok');
  t.same(await outcomes(theirs.recordId), [], "another office's records are not its run's (only seeded)");
  const overview = (await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: archivist })).json();
  t.same(overview.failures, []);
  t.equal(overview.lastRun.id, run.id);
});

await t.test('bytes edited and a version removed on disk behind the service are found by the next run', async (t) => {
  const pdf = mine.objects.find((o) => o.name === 'document.pdf')!;
  const metadata = mine.objects.find((o) => o.name === 'metadata.json')!;
  const file = versionFile(d, pdf.key, pdf.versionId, 'bin');
  const bytes = await readFile(file);
  bytes[1000] = bytes[1000]! ^ 0xff;
  await writeFile(file, bytes);
  await rm(versionFile(d, metadata.key, metadata.versionId, 'json'));
  await rm(versionFile(d, metadata.key, metadata.versionId, 'bin'));

  const run = await runFor(archivist);
  t.match(run, { checked: 2, failed: 2, error: null });
  t.same(await outcomes(mine.recordId), [
    { name: 'document.pdf', outcome: 'mismatch' },
    { name: 'metadata.json', outcome: 'missing' },
  ]);
  t.equal(await stateOf(mine.recordId), 'failed', 'the package is marked');
  const found = createHash('sha256').update(bytes).digest('hex');

  const events = await d.pool.query<{ name: string; outcome: string; found_sha256: string | null; run_id: string }>(
    'SELECT name, outcome, found_sha256, run_id::text AS run_id FROM fixity_event WHERE record_id = $1 ORDER BY name',
    [mine.recordId],
  );
  t.same(events.rows, [
    { name: 'document.pdf', outcome: 'mismatch', found_sha256: found, run_id: run.id },
    { name: 'metadata.json', outcome: 'missing', found_sha256: null, run_id: run.id },
  ]);

  const outbox = await d.pool.query<{
    topic: string;
    key: string;
    envelope: { type: string; data: ArchiveFixityFailed };
  }>('SELECT topic, key, envelope FROM outbox ORDER BY id');
  t.equal(outbox.rows.length, 2, 'one event per failed object');
  for (const row of outbox.rows) {
    t.match(row.topic, /\.lienthong\.archive\.fixity-failed\.v1$/);
    t.equal(row.key, mine.recordId);
    t.equal(row.envelope.type, 'archive.fixity-failed');
  }
  t.match(
    outbox.rows.map((r) => r.envelope.data).sort((a, b) => a.object.localeCompare(b.object)),
    [
      {
        recordId: mine.recordId,
        object: 'document.pdf',
        location: 'primary',
        outcome: 'mismatch',
        expected: { sha256: pdf.sha256, size: pdf.size },
        found: { sha256: found, size: pdf.size },
      },
      {
        object: 'metadata.json',
        outcome: 'missing',
        expected: { sha256: metadata.sha256, size: metadata.size },
        found: { sha256: null, size: null },
      },
    ],
  );

  for (const office of ['VPTU-CM', 'VPTU-HN']) {
    const audit = await d.pool.query<{ action: string; actor: string; detail: string }>(
      'SELECT action, actor, detail FROM audit_entry WHERE office = $1 AND record_id = $2 ORDER BY seq',
      [office, mine.recordId],
    );
    t.same(
      audit.rows.map((r) => [r.action, r.actor, (JSON.parse(r.detail) as { object: string }).object]),
      [
        ['record.fixity-failed', 'service:archive-fixity', 'document.pdf'],
        ['record.fixity-failed', 'service:archive-fixity', 'metadata.json'],
      ],
      `${office}'s audit log tells it`,
    );
  }
  t.equal(
    (await d.pool.query("SELECT 1 FROM audit_entry WHERE office = 'VPTU-BL'")).rowCount,
    0,
    'not an office of the record',
  );

  const overview = (await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: archivist })).json();
  t.match(overview.failures, [
    { recordId: mine.recordId, location: 'primary' },
    { recordId: mine.recordId, location: 'primary' },
  ]);
  const failures = overview.failures as Array<{ name: string }>;
  t.match(
    failures.find((f) => f.name === 'document.pdf'),
    { outcome: 'mismatch', expected: { sha256: pdf.sha256, size: pdf.size }, found: { sha256: found } },
  );
  const receiver = callerOf('VPTU-HN', 'archivist');
  t.equal((await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: receiver })).json().failures.length, 2);
  const other = callerOf('VPTU-BL', 'archivist');
  t.same((await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: other })).json().failures, []);

  const metrics = (await d.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(
    metrics,
    /lienthong_archive_fixity_failures_total\{outcome="mismatch",location="primary",service="archive"\} 1/,
  );
  t.match(
    metrics,
    /lienthong_archive_fixity_failures_total\{outcome="missing",location="primary",service="archive"\} 1/,
  );
  t.match(metrics, /lienthong_archive_fixity_objects\{outcome="mismatch",location="primary",service="archive"\} 1/);
  t.match(metrics, /lienthong_archive_fixity_objects\{outcome="unchecked",location="primary",service="archive"\} 2/);
  t.match(metrics, /lienthong_archive_fixity_bytes_read_total\{location="primary",service="archive"\} \d+/);
  t.match(metrics, /lienthong_archive_fixity_oldest_check_seconds\{location="primary",service="archive"\} [\d.e+-]+/);
});

await t.test(
  'an object the store cannot read is unreadable: kept and listed, but no event and no loss told',
  async (t) => {
    const pkg = await writeTestPackage(d, 'VPTU-QN', [], { files: { 'document.pdf': Buffer.from('%PDF-1.7 x') } });
    const o = pkg.objects[0]!;
    // The version's bytes replaced by a directory: the store finds the version and fails to read it.
    const file = versionFile(d, o.key, o.versionId, 'bin');
    await rm(file);
    await mkdir(file);
    const events = async () => Number((await d.pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n);
    const before = await events();
    const run = await runFor(callerOf('VPTU-QN', 'archivist'));
    t.match(run, { checked: 1, failed: 1, error: null });
    t.same(await outcomes(pkg.recordId), [{ name: 'document.pdf', outcome: 'unreadable' }]);
    t.equal(await events(), before, 'an unreadable object is not told as lost');
    t.not(await stateOf(pkg.recordId), 'failed', 'nor is its package marked');
    const overview = (
      await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: callerOf('VPTU-QN', 'archivist') })
    ).json();
    t.match(overview.failures, [{ recordId: pkg.recordId, outcome: 'unreadable', found: { sha256: null } }]);
  },
);

await t.test('a read stopped by the archive closing gives no outcome; a whole read gives one', async (t) => {
  const pkg = await writeTestPackage(d, 'VPTU-QN', []);
  const o = { ...pkg.objects[0]!, recordId: pkg.recordId };
  const budget = createTokenBucket({ ratePerSecond: 1e12 });
  const stop = new AbortController();
  stop.abort();
  t.equal(await checkObject(d.store, budget, o, stop.signal), undefined);
  t.match(await checkObject(d.store, budget, o), { outcome: 'ok', bytesRead: o.size });
});

await t.test('two processes claiming at once never lease the same object', async (t) => {
  const pkgs = await Promise.all([1, 2, 3].map(() => writeTestPackage(d, 'VPTU-TN', [])));
  await seedChecks(d.pool, 'primary');
  const now = new Date();
  const claim = (holder: string) =>
    claimDueObjects(d.pool, {
      location: 'primary',
      checkedBefore: now,
      office: 'VPTU-TN',
      holder,
      leaseUntil: new Date(now.getTime() + 60_000),
      now,
      limit: 4,
    });
  const [a, b] = await Promise.all([claim('a'), claim('b')]);
  const keys = [...a, ...b].map((o) => `${o.recordId}/${o.name}`);
  t.equal(new Set(keys).size, keys.length, 'no object twice');
  t.equal(keys.length, 6, 'every object to one of them');
  t.same(await claim('c'), [], 'all leased');
  const later = new Date(now.getTime() + 61_000);
  const again = await claimDueObjects(d.pool, {
    location: 'primary',
    checkedBefore: now,
    office: 'VPTU-TN',
    holder: 'c',
    leaseUntil: new Date(later.getTime() + 60_000),
    now: later,
    limit: 10,
  });
  t.equal(again.length, 6, 'a lease that ran out is taken over');
  t.ok(pkgs.every((p) => again.some((o) => o.recordId === p.recordId)));
});

await t.test('hostile and foreign requests are 4xx and start nothing', async (t) => {
  const runs = async () => Number((await d.pool.query('SELECT count(*) AS n FROM fixity_run')).rows[0].n);
  const before = await runs();
  const post = (headers: Record<string, string>, payload?: string | Record<string, unknown>) =>
    d.app.inject({ method: 'POST', url: '/v1/fixity/runs', headers, ...(payload === undefined ? {} : { payload }) });
  t.equal((await post({})).statusCode, 401);
  t.equal((await post(callerOf('VPTU-CM', 'registry'))).statusCode, 403);
  t.equal((await post(callerOf('VPTU-CM', 'office-system'))).statusCode, 403);
  const extra = await post(archivist, { office: 'VPTU-BL' });
  t.equal(extra.statusCode, 400, 'naming an office is not a thing a run takes');
  t.match(extra.headers['content-type'], /application\/problem\+json/);
  t.equal((await post({ ...archivist, 'content-type': 'application/json' }, '{"a":')).statusCode, 400);
  t.equal(await runs(), before, 'no run started');
  for (const url of ['/v1/fixity?limit=0', '/v1/fixity?limit=abc', '/v1/fixity?office=VPTU-BL'])
    t.equal((await d.app.inject({ method: 'GET', url, headers: archivist })).statusCode, 400, url);
  t.equal(
    (await d.app.inject({ method: 'GET', url: '/v1/fixity', headers: callerOf('VPTU-CM', 'registry') })).statusCode,
    403,
  );
  for (const id of ['not-a-uuid', randomUUID(), '..%2F..%2Fetc'])
    t.equal(
      (await d.app.inject({ method: 'GET', url: `/v1/fixity/runs/${id}`, headers: archivist })).statusCode,
      404,
      id,
    );
  const theirRun = await runFor(callerOf('VPTU-BL', 'archivist'));
  const foreign = await d.app.inject({
    method: 'GET',
    url: `/v1/fixity/runs/${String(theirRun.id)}`,
    headers: archivist,
  });
  t.equal(foreign.statusCode, 404, "another office's run is not found");
  t.match(foreign.json(), { code: 'FIXITY_RUN_NOT_FOUND' });
});

await t.test(
  'on MinIO: the schedule checks new objects; a missing version and another object’s bytes are found',
  async (t) => {
    const s3 = await packageArchiveForFile(t, { s3: true, deps: { fixityTickMs: 200 } });
    const same = randomBytes(5000);
    const intact = await writeTestPackage(s3, 'VPTU-CM', [], { files: { 'document.pdf': same } });
    const broken = await writeTestPackage(s3, 'VPTU-CM', [], {
      files: { 'document.pdf': randomBytes(5000), 'metadata.json': randomBytes(100) },
    });
    // Behind the service's back: the rows point at a version that is not there and at another object's bytes.
    await s3.pool.query(`UPDATE archived_object SET version_id = $2 WHERE record_id = $1 AND name = 'metadata.json'`, [
      broken.recordId,
      randomUUID(),
    ]);
    const other = intact.objects[0]!;
    await s3.pool.query(
      `UPDATE archived_object SET key = $2, version_id = $3 WHERE record_id = $1 AND name = 'document.pdf'`,
      [broken.recordId, other.key, other.versionId],
    );
    const outcomesOf = async (id: string) =>
      (
        await s3.pool.query<{ name: string; outcome: string | null }>(
          'SELECT name, outcome FROM fixity_check WHERE record_id = $1 ORDER BY name',
          [id],
        )
      ).rows;
    await waitFor('the scheduled run', async () => {
      const rows = [...(await outcomesOf(intact.recordId)), ...(await outcomesOf(broken.recordId))];
      return rows.length === 3 && rows.every((r) => r.outcome !== null);
    });
    t.same(await outcomesOf(intact.recordId), [{ name: 'document.pdf', outcome: 'ok' }]);
    t.same(await outcomesOf(broken.recordId), [
      { name: 'document.pdf', outcome: 'mismatch' },
      { name: 'metadata.json', outcome: 'missing' },
    ]);
    const { rows } = await s3.pool.query<{ found_sha256: string; expected_sha256: string }>(
      `SELECT found_sha256, expected_sha256 FROM fixity_event WHERE record_id = $1 AND name = 'document.pdf'`,
      [broken.recordId],
    );
    t.equal(rows[0]?.found_sha256, other.sha256, "the other object's bytes were read");
    t.equal(rows[0]?.expected_sha256, broken.objects[0]!.sha256);
    const run = await s3.pool.query('SELECT office, requested_by FROM fixity_run');
    t.same(run.rows, [{ office: null, requested_by: null }], 'one scheduled run of every record');
  },
);
