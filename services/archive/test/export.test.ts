/**
 * Export as BagIt (README "Export (BagIt)") on the real PostgreSQL and a folder store: the
 * tar unpacked by GNU tar and judged by bagit-python (`bagit.py --validate`); a file (hồ sơ)
 * of several records, a range of dates, one record; the scope, malformed selections, and an
 * object corrupted behind the service's back (the archive is cut short).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { runTool, skipUnless } from '../../../test/support/judges/tools.ts';
import { archiveForFile, callerOf } from './support.ts';
import { archiveTestRecord, corruptStoredObject, pdfBytes } from './retrieval-support.ts';

const archive = await archiveForFile(t);
const { app } = archive;
const archivist = callerOf('TU-HN', 'archivist');
const filed = [
  await archiveTestRecord(archive, { issuing: 'TU-HN', receiving: ['HU-BD'], file: 'HS-2015-01', date: '2015-01-10' }),
  await archiveTestRecord(archive, { issuing: 'TU-HN', receiving: ['HU-CG'], file: 'HS-2015-01', date: '2015-02-11' }),
  await archiveTestRecord(archive, {
    issuing: 'HU-BD',
    receiving: ['TU-HN'],
    file: 'HS-2015-01',
    date: '2015-03-12',
    pdf: pdfBytes(300_000),
  }),
];
const other = await archiveTestRecord(archive, { issuing: 'TU-HN', receiving: ['HU-BD'], date: '2016-05-05' });
const foreign = await archiveTestRecord(archive, {
  issuing: 'HU-XX',
  receiving: ['HU-YY'],
  file: 'HS-2015-01',
  date: '2015-02-01',
});

/** The bag of `query`, unpacked by GNU tar into a fresh folder. */
async function bagOf(t: Test, query: string): Promise<{ dir: string; records: string[] }> {
  const response = await app.inject({ method: 'GET', url: `/v1/exports/bag?${query}`, headers: archivist });
  t.equal(response.statusCode, 200, query);
  t.match(response.headers['content-type'], /^application\/x-tar/);
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bag-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bag.tar'), response.rawPayload);
  const bag = join(dir, 'bag');
  execFileSync('mkdir', [bag]);
  execFileSync('tar', ['-xf', join(dir, 'bag.tar'), '-C', bag]);
  return { dir: bag, records: (await readdir(join(bag, 'data'))).sort() };
}

void t.test(
  'a file (hồ sơ) of three records is one bag that bagit-python validates',
  { skip: skipUnless('bagit.py') },
  async (t) => {
    const { dir, records } = await bagOf(t, 'file=HS-2015-01');
    t.same(records, filed.map((r) => r.id).sort(), "the file's records the office may see, not another office's");
    const run = await runTool('bagit.py', ['--validate', dir]);
    t.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    for (const record of filed) {
      const pdf = await readFile(join(dir, 'data', record.id, 'document.pdf'));
      t.same(pdf, record.pdf);
      const history = JSON.parse(await readFile(join(dir, 'data', record.id, 'history.json'), 'utf8')) as {
        recordId: string;
        audit: Array<{ action: string }>;
        record: { id: string };
      };
      t.equal(history.record.id, record.id);
      t.ok(
        history.audit.some((e) => e.action === 'record.exported'),
        'the export is in the history it carries',
      );
    }
    const info = await readFile(join(dir, 'bag-info.txt'), 'utf8');
    t.match(info, /^Source-Organization: TU-HN$/m);
    t.match(
      info,
      /^Payload-Oxum: \d+\.12$/m,
      'three records of three objects (the manifest among them) and a history each',
    );
    t.match(info, /^Bag-Count: 1 of 1$/m);
  },
);

void t.test('a range of dates, and one record', { skip: skipUnless('bagit.py') }, async (t) => {
  const range = await bagOf(t, 'from=2015-02-01&to=2016-12-31');
  t.same(range.records, [filed[1]!.id, filed[2]!.id, other.id].sort());
  t.equal((await runTool('bagit.py', ['--validate', range.dir])).code, 0);
  const one = await bagOf(t, `record=${other.id}`);
  t.same(one.records, [other.id]);
  t.equal((await runTool('bagit.py', ['--validate', one.dir])).code, 0);
});

void t.test('the scope: archivists only; a record of another office is 404', async (t) => {
  const clerk = await app.inject({
    method: 'GET',
    url: `/v1/exports/bag?record=${other.id}`,
    headers: callerOf('TU-HN', 'office-system'),
  });
  t.equal(clerk.statusCode, 403);
  const theirs = await app.inject({ method: 'GET', url: `/v1/exports/bag?record=${foreign.id}`, headers: archivist });
  t.equal(theirs.statusCode, 404);
  t.equal(theirs.json().code, 'RECORD_NOT_FOUND');
});

void t.test('malformed selections are 400 and export nothing', async (t) => {
  for (const query of [
    '',
    `record=${other.id}&file=HS-2015-01`,
    'from=2015-01-01',
    'from=2015-02-30&to=2015-03-01',
    'from=2016-01-01&to=2015-01-01',
    'record=../../etc',
    'file=HS%00x',
    'office=HU-XX&file=HS-2015-01',
  ]) {
    const response = await app.inject({ method: 'GET', url: `/v1/exports/bag?${query}`, headers: archivist });
    t.equal(response.statusCode, 400, query);
    t.match(response.json().code, /^(EXPORT_SELECTION_INVALID|VALIDATION_FAILED)$/, query);
  }
});

void t.test('more records than one bag takes is 400, and nothing is audited', async (t) => {
  // 10,001 catalog rows with packages, written straight in SQL: only the selection reads them.
  await archive.pool.query(
    `WITH r AS (
       INSERT INTO record (id, kind, issuing_office, receiving_offices, number, symbol, document_type, issued_date,
         signer_name, signer_subject, signer_folded, status, file_code, subject, subject_folded, search_tsv)
       SELECT gen_random_uuid(), 'issued', 'HU-MANY', ARRAY['TU-HN'], n, n || '-CV/HU', 'CV', DATE '2017-01-01',
         'A', 'person:a', 'a', 'issued', 'HS-MANY', 'Công văn', 'cong van', 'cong:1 van:2'::tsvector
       FROM generate_series(1, $1::int) AS n RETURNING id)
     INSERT INTO package (record_id, bucket, manifest_key, manifest_version_id, manifest_sha256, retention_class,
       retain_until, locked_until, legal_hold, validation_indication, source_event_id, ingested_at)
     SELECT id, 'lienthong-archive', 'k', 'v', repeat('0', 64), '5-years', now(), now(), false, 'TOTAL_PASSED', 'e', now()
     FROM r`,
    [10_001],
  );
  const many = callerOf('HU-MANY', 'archivist');
  const response = await app.inject({ method: 'GET', url: '/v1/exports/bag?file=HS-MANY', headers: many });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'EXPORT_SELECTION_INVALID');
  t.match(response.json().detail, /10000/);
  const { rows } = await archive.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM audit_entry WHERE office = 'HU-MANY'`,
  );
  t.equal(rows[0]!.n, '0');
});

void t.test('an object corrupted behind the service cuts the archive short', async (t) => {
  const bad = await archiveTestRecord(archive, { issuing: 'TU-HN', receiving: ['HU-BD'], file: 'HS-BAD' });
  await corruptStoredObject(
    archive,
    bad.objects.find((o) => o.name === 'document.pdf')!,
  );
  await t.rejects(
    app.inject({ method: 'GET', url: '/v1/exports/bag?file=HS-BAD', headers: archivist }),
    /destroyed|aborted|premature/i,
  );
});
