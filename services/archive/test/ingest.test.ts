/**
 * The ingest of `document.issued` on the real PostgreSQL, Kafka and MinIO with the real
 * signing service: one package per record in the archive bucket (every object's SHA-256,
 * COMPLIANCE retention, legal hold for a permanent record, a delete refused with the store's
 * own credentials), the manifest, the package rows and the catalog row; the same event twice
 * and the same document under a second event id give one package; a PDF that is not the
 * event's, and an object key with path tricks, go to the dead-letter topic with nothing
 * archived; while the store guard says unsafe the event waits unacknowledged, then is archived;
 * while signing is down only the PDF is copied, once, and the next try's package names that copy
 * (unless its lock would end within half a day: then it is copied again);
 * a PDF signing refuses is a dead letter that leaves one locked copy of it, named by no package.
 * Each package is one `record.ingested` entry in the issuing office's audit chain (none in the
 * receiving offices'); a PDF too large to hold is streamed twice and archived the same; the
 * validator keeps to signing's limit of uploads in flight per caller.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t from 'tap';
import { PDFDocument } from 'pdf-lib';
import { verifyAuditChain } from '@lienthong/evidence';
import type { AuditEntry } from '@lienthong/evidence';
import { openDeadLetters } from '@lienthong/bus';
import { isStorageError } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { readAudit } from '../src/audit/audit-log.ts';
import { findRecord } from '../src/catalog/catalog-repository.ts';
import { isTransient } from '../src/ingest/ingest-errors.ts';
import { ingestActor, ingestIssued } from '../src/ingest/ingest-issued.ts';
import type { IngestCarry } from '../src/ingest/ingest-issued.ts';
import { inMemoryPdfLimit } from '../src/ingest/package-writes.ts';
import { createPdfValidator, ValidationUnavailable } from '../src/ingest/validation-client.ts';
import { findPackage, listArchivedObjects } from '../src/packages/package-repository.ts';
import { callerOf } from './support.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  sha256Of,
  signingPeerForFile,
  testPermanentHorizonMs,
  unsignedPdf,
} from './ingest-support.ts';
import { testEnv, waitFor } from '../../../test/support/env.ts';

const signing = await signingPeerForFile(t);
const d = await ingestForFile(t, signing);
const { app, pool, store, bucket, sourceBucket, guard } = d;

// The test's permanent packages are held: the holds are released at the end so the objects expire in an hour.
const held: Array<{ key: string; versionId: string }> = [];
t.teardown(async () => {
  for (const o of held) await store.setLegalHold(bucket, o.key, o.versionId, false).catch(() => {});
});

/**
 * A date `years` ago and a minute: such a record's class ends about now, so the test's objects
 * are locked only for `minimumRetentionDays`, not for years in the shared MinIO.
 */
function yearsAgo(years: number): string {
  const at = new Date(Date.now() + 60_000);
  at.setUTCFullYear(at.getUTCFullYear() - years);
  return at.toISOString();
}

const packageOf = async (id: string) => findPackage(pool, id);
const waitForPackage = (id: string) =>
  waitFor(`the package of ${id}`, async () => (await packageOf(id)) !== undefined, 90_000);

async function chainOf(office: string): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for (;;) {
    const { entries, more } = await readAudit(pool, office, all.at(-1)?.seq ?? 0, 1000);
    all.push(...entries);
    if (!more) return all;
  }
}

async function bytesOf(s: ObjectStore, key: string, versionId: string): Promise<Buffer> {
  const { body } = await s.get(bucket, key, { versionId });
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const deadLetters = openDeadLetters({ transport: 'kafka', brokers: testEnv.kafkaBrokers });
t.teardown(() => deadLetters.close());
const deadIds = async () => (await deadLetters.list({ topic: d.topics.issued })).map((l) => l.eventId);
/** `lienthong_archive_ingest_total{result}` on /metrics. */
const ingested = async (result: string): Promise<number> => {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = new RegExp(`^lienthong_archive_ingest_total\\{result="${result}",service="archive"\\} (\\d+)$`, 'm');
  return Number(line.exec(body)?.[1] ?? NaN);
};

const pdf = await unsignedPdf();
const issued = await issuedDocument(store, sourceBucket, pdf);
const envelope = issuedEnvelope(issued);

await t.test(
  'an issued document becomes one package: objects, hashes, retention, hold, manifest, catalog',
  async (t) => {
    const before = Date.now();
    await publishIssued(d, envelope);
    await waitForPackage(issued.documentId);
    const pkg = (await packageOf(issued.documentId))!;
    const objects = await listArchivedObjects(pool, issued.documentId);
    t.same(
      objects.map((o) => o.name),
      ['document.pdf', 'manifest.json', 'metadata.json', 'validation.json'],
    );
    for (const o of objects) held.push({ key: o.key, versionId: o.versionId });
    t.equal(pkg.retentionClass, 'permanent');
    t.equal(pkg.retainUntil, null, 'a permanent record has no end');
    t.equal(pkg.legalHold, true);
    t.ok(
      pkg.lockedUntil.getTime() >= before + testPermanentHorizonMs - 60_000 &&
        pkg.lockedUntil.getTime() <= Date.now() + testPermanentHorizonMs,
      'locked for the horizon ahead of the ingest',
    );
    for (const o of objects) {
      t.equal(o.key, `records/${issued.documentId}/${o.name}`);
      t.equal(o.bucket, bucket);
      const bytes = await bytesOf(store, o.key, o.versionId);
      t.equal(sha256Of(bytes), o.sha256, `${o.name}: the SHA-256 of what the store holds`);
      t.equal(bytes.length, o.size);
      const retention = await store.getRetention(bucket, o.key, o.versionId);
      t.equal(retention?.mode, 'COMPLIANCE', `${o.name}: COMPLIANCE retention`);
      t.equal(retention?.retainUntil.getTime(), pkg.lockedUntil.getTime(), `${o.name}: until the package's date`);
      t.equal(await store.getLegalHold(bucket, o.key, o.versionId), true, `${o.name}: under legal hold`);
    }
    const document = objects.find((o) => o.name === 'document.pdf')!;
    t.equal(document.sha256, issued.file.sha256, 'the PDF is the issued one');
    t.equal(document.mediaType, 'application/pdf');

    const manifestRow = objects.find((o) => o.name === 'manifest.json')!;
    t.same(
      { key: manifestRow.key, versionId: manifestRow.versionId, sha256: manifestRow.sha256 },
      { key: pkg.manifest.key, versionId: pkg.manifest.versionId, sha256: pkg.manifest.sha256 },
      'the package names its manifest',
    );
    const manifest = JSON.parse((await bytesOf(store, pkg.manifest.key, pkg.manifest.versionId)).toString('utf8'));
    t.match(manifest, {
      recordId: issued.documentId,
      retentionClass: 'permanent',
      retainUntil: null,
      legalHold: true,
      lockedUntil: pkg.lockedUntil.toISOString(),
      ingestedAt: pkg.ingestedAt.toISOString(),
    });
    t.same(
      manifest.objects,
      objects
        .filter((o) => o.name !== 'manifest.json')
        .sort(
          (a, b) =>
            ['document.pdf', 'metadata.json', 'validation.json'].indexOf(a.name) -
            ['document.pdf', 'metadata.json', 'validation.json'].indexOf(b.name),
        )
        .map(({ bucket: _b, ...o }) => o),
      'the manifest names every other object with its version, SHA-256, length and media type',
    );

    // The report is what signing says of these bytes.
    const direct = await signing.app.inject({
      method: 'POST',
      url: '/v1/verify/pdf',
      headers: { ...callerOf('VPTU-CM', 'archivist'), 'content-type': 'application/pdf' },
      payload: pdf,
    });
    const validationRow = objects.find((o) => o.name === 'validation.json')!;
    const validation = JSON.parse((await bytesOf(store, validationRow.key, validationRow.versionId)).toString('utf8'));
    t.equal(validation.indication, direct.json().indication, "signing's indication for this PDF");
    t.not(validation.indication, 'TOTAL_PASSED', 'an unsigned PDF does not pass');
    t.same(validation.report.signatures, [], 'the report as signing gave it');
    t.equal(validation.document.sha256, issued.file.sha256);
    t.equal(pkg.validation.indication, validation.indication, 'the indication is in the package row');
    const metadataRow = objects.find((o) => o.name === 'metadata.json')!;
    const metadata = JSON.parse((await bytesOf(store, metadataRow.key, metadataRow.versionId)).toString('utf8'));
    t.same(metadata.issued, issued, "the event's data");
    t.equal(metadata.event.id, envelope.id);

    const record = await findRecord(pool, 'VPTU-HN', issued.documentId);
    t.match(record, {
      kind: 'issued',
      issuingOffice: 'VPTU-CM',
      receivingOffices: ['VPTU-BL', 'VPTU-HN'],
      number: 12,
      symbol: '12-CT/TU',
      documentType: 'CT',
      issuedDate: '2026-03-02',
      signer: { name: 'nguyen-van-a', subject: 'person:nguyen-van-a' },
      status: 'issued',
      subject: issued.subject,
    });
    const search = await app.inject({
      method: 'GET',
      url: '/v1/records?q=luu tru ho so dien tu',
      headers: callerOf('VPTU-BL', 'archivist'),
    });
    t.equal(search.statusCode, 200);
    t.same(
      search.json<{ records: Array<{ id: string }> }>().records.map((r) => r.id),
      [issued.documentId],
      'found by search without diacritics, by a receiving office',
    );

    for (const o of objects) {
      try {
        await store.delete(bucket, o.key, { versionId: o.versionId });
        t.fail(`${o.name}: deleted`);
      } catch (error) {
        t.ok(
          isStorageError(error, 'OBJECT_LOCKED'),
          `${o.name}: the store refuses to delete it, with its own credentials`,
        );
      }
    }
  },
);

await t.test('the same event again, and the same document under another event id: still one package', async (t) => {
  const first = (await packageOf(issued.documentId))!;
  const again = issuedEnvelope(issued);
  // After these, on the same key (the office): a fresh document, archived only once they were handled.
  const next = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
    retention: '10-years',
    issuedAt: yearsAgo(10),
  });
  await publishIssued(d, envelope, again, issuedEnvelope(next));
  await waitForPackage(next.documentId);
  for (const o of await listArchivedObjects(pool, next.documentId)) held.push(o);
  const after = (await packageOf(issued.documentId))!;
  t.same(after, first, 'the package is unchanged');
  const { rows } = await pool.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM package) + (SELECT count(*) FROM record) AS n',
  );
  t.equal(Number(rows[0]!.n), 4, 'two packages and two catalog rows in all');
  const ten = (await packageOf(next.documentId))!;
  t.equal(ten.legalHold, false, 'a 10-year record is not held');
  const tenYears = new Date(next.issuedAt);
  tenYears.setUTCFullYear(tenYears.getUTCFullYear() + 10);
  t.equal(ten.retainUntil?.toISOString(), tenYears.toISOString(), 'its class ends ten years after its date');
  t.ok(
    ten.lockedUntil.getTime() >= ten.retainUntil!.getTime() + 86_400_000 - 120_000,
    'a class ending at ingest still gets a day of COMPLIANCE retention (minimumRetentionDays)',
  );
  t.notOk((await deadIds()).includes(again.id), 'the duplicate is no dead letter');
  t.equal(await ingested('archived'), 2, 'two archived on /metrics');
  t.equal(await ingested('duplicate'), 2, 'the redelivery and the other event id: duplicates');
  t.equal(await ingested('dead-lettered'), 0);
});

await t.test("each package is one record.ingested entry in the issuing office's chain, which verifies", async (t) => {
  const chain = await chainOf('VPTU-CM');
  t.equal(verifyAuditChain(chain, { office: 'VPTU-CM' }).valid, true, 'the chain verifies (libs/evidence)');
  const ingested = chain.filter((e) => e.recordId === issued.documentId);
  t.equal(ingested.length, 1, 'one entry for the record, though its event came three times');
  const pkg = (await packageOf(issued.documentId))!;
  t.match(ingested[0], {
    office: 'VPTU-CM',
    actor: ingestActor,
    action: 'record.ingested',
    recordId: issued.documentId,
    detail: {
      eventId: envelope.id,
      symbol: '12-CT/TU',
      document: { sha256: issued.file.sha256, size: issued.file.byteLength },
      manifest: { key: pkg.manifest.key, versionId: pkg.manifest.versionId, sha256: pkg.manifest.sha256 },
      indication: pkg.validation.indication,
      receivingOffices: 2,
    },
  });
  t.equal(ingested[0]!.at, pkg.ingestedAt.toISOString(), 'at the time of the ingest');
  const packages = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM package');
  t.equal(
    chain.filter((e) => e.action === 'record.ingested').length,
    packages.rows[0]!.n,
    'one entry per package, no more',
  );
  for (const office of ['VPTU-HN', 'VPTU-BL'])
    t.same(await chainOf(office), [], `${office} received it: nothing in its chain (its own reads will be)`);
});

await t.test(
  'a PDF that is not the one the event names, or a key with path tricks: dead letter, nothing archived',
  async (t) => {
    const wrongHash = await issuedDocument(store, sourceBucket, await unsignedPdf());
    const tampered = issuedEnvelope({
      ...wrongHash,
      file: { ...wrongHash.file, sha256: sha256Of(Buffer.from('other')) },
    });
    const wrongLength = issuedEnvelope({
      ...wrongHash,
      file: { ...wrongHash.file, byteLength: wrongHash.file.byteLength + 1 },
    });
    const tricky = await issuedDocument(store, sourceBucket, await unsignedPdf());
    const tricks = ['documents/../records/x/document.pdf', '../issued.pdf', 'documents//issued.pdf', '/etc/passwd'].map(
      (key) => issuedEnvelope({ ...tricky, file: { ...tricky.file, object: { ...tricky.file.object, key } } }),
    );
    const intoArchive = issuedEnvelope({
      ...tricky,
      file: { ...tricky.file, object: { bucket, key: tricky.file.object.key } },
    });
    // Hostile data the schema check (libs/records checkEvent) refuses, and an id the catalog cannot hold.
    const malformed = issuedEnvelope({ ...tricky, retention: 'forever' as 'permanent', deliverTo: ['../VPTU-HN'] });
    const notUuid = issuedEnvelope({ ...tricky, documentId: 'doc-1' });
    const refused = [tampered, wrongLength, ...tricks, intoArchive, malformed, notUuid];
    // Good events in the same batches: archived once each, never dead letters with the bad ones.
    const good = await Promise.all(
      [0, 1].map(async () =>
        issuedDocument(store, sourceBucket, await unsignedPdf(), { retention: '5-years', issuedAt: yearsAgo(5) }),
      ),
    );
    const [goodFirst, goodLast] = good.map((g) => issuedEnvelope(g));
    await publishIssued(d, goodFirst!, ...refused, goodLast!);
    await waitFor(
      'every refused event in the dead-letter topic',
      async () => {
        const dead = await deadIds();
        return refused.every((e) => dead.includes(e.id));
      },
      120_000,
    );
    t.equal(await packageOf(wrongHash.documentId), undefined, 'no package of the tampered document');
    t.equal(await packageOf(tricky.documentId), undefined, 'nor of the tricky one');
    t.equal(await findRecord(pool, 'VPTU-CM', wrongHash.documentId), undefined, 'no catalog row');
    const versions = await store.listVersions(bucket, `records/${wrongHash.documentId}/`);
    t.same(versions, [], 'no version of a PDF that did not hash as the event says');
    t.same(await store.listVersions(bucket, `records/${tricky.documentId}/`), [], 'nothing read through a tricky key');
    const letters = await deadLetters.list({ topic: d.topics.issued });
    t.match(letters.find((l) => l.eventId === tampered.id)?.reason, /FILE_MISMATCH/, 'the reason says why');
    t.match(letters.find((l) => l.eventId === tricks[0]!.id)?.reason, /SOURCE_OBJECT_INVALID/);
    t.match(letters.find((l) => l.eventId === malformed.id)?.reason, /retention|deliverTo/);
    t.match(letters.find((l) => l.eventId === notUuid.id)?.reason, /RECORD_ID_NOT_UUID/);
    t.same(await store.listVersions(bucket, 'records/doc-1/'), []);
    for (const g of good) {
      await waitForPackage(g.documentId);
      const entries = (await chainOf('VPTU-CM')).filter((e) => e.recordId === g.documentId);
      t.equal(entries.length, 1, 'a good event among refused ones is archived, once');
    }
    const dead = await deadIds();
    t.notOk(
      [goodFirst!.id, goodLast!.id].some((id) => dead.includes(id)),
      'and is no dead letter: a batch that fails is handed over one event at a time',
    );
    t.equal(await ingested('dead-lettered'), refused.length, 'each refused event counted dead-lettered once');
  },
);

await t.test(
  'while the store guard says unsafe, the event waits unacknowledged; once safe it is archived',
  async (t) => {
    guard.safe = false;
    const waiting = await issuedDocument(store, sourceBucket, await unsignedPdf());
    const event = issuedEnvelope(waiting);
    const asked = guard.calls;
    await publishIssued(d, event);
    const retried = await ingested('retried');
    await waitFor('the ingest to ask the guard again and again', () => guard.calls >= asked + 4, 60_000);
    t.ok((await ingested('retried')) > retried, 'the tries that could not archive counted retried');
    t.equal(await packageOf(waiting.documentId), undefined, 'nothing archived while unsafe');
    t.same(await store.listVersions(bucket, `records/${waiting.documentId}/`), [], 'nothing written to the bucket');
    t.notOk((await deadIds()).includes(event.id), 'not given up: no dead letter');
    guard.safe = true;
    await waitForPackage(waiting.documentId);
    for (const o of await listArchivedObjects(pool, waiting.documentId)) held.push(o);
    t.ok(await findRecord(pool, 'VPTU-CM', waiting.documentId), 'in the catalog');
  },
);

await t.test(
  'signing down: "not now", the PDF copied meanwhile; back up, the next try names that copy, none left unnamed',
  async (t) => {
    const later = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
      retention: '5-years',
      issuedAt: yearsAgo(5),
    });
    const event = issuedEnvelope(later);
    const deps = { pool, store, bucket, guard, permanentHorizonMs: testPermanentHorizonMs };
    const down = createPdfValidator({
      signingUrl: 'http://127.0.0.1:1',
      key: signing.key,
      keyId: 'archive-test',
      timeoutMs: 5_000,
    });
    // What the consumer keeps for the event between its tries.
    const carry: IngestCarry = {};
    for (const _try of [1, 2]) {
      const error = await ingestIssued({ ...deps, validator: down }, event, carry).catch((e: unknown) => e);
      t.ok(error instanceof ValidationUnavailable, 'signing unreachable');
      t.ok(isTransient(error), 'the consumer waits and tries the event again (not a dead letter)');
    }
    const meanwhile = await store.listVersions(bucket, `records/${later.documentId}/`);
    t.same(
      meanwhile.map((v) => v.key),
      [`records/${later.documentId}/document.pdf`],
      'only the PDF was written, once for both tries: the report, metadata and manifest wait for signing',
    );
    t.equal(carry.pdf?.object.versionId, meanwhile[0]!.versionId, 'the copy is kept for the next try');
    t.equal(
      (await store.getRetention(bucket, meanwhile[0]!.key, meanwhile[0]!.versionId))?.mode,
      'COMPLIANCE',
      'and locked already',
    );
    t.equal(await packageOf(later.documentId), undefined);
    t.equal(await findRecord(pool, 'VPTU-CM', later.documentId), undefined, 'nor in the catalog');
    const up = createPdfValidator({
      signingUrl: signing.url,
      key: signing.key,
      keyId: 'archive-test',
      timeoutMs: 60_000,
    });
    t.equal(await ingestIssued({ ...deps, validator: up }, event, carry), 'archived');
    t.equal(await ingestIssued({ ...deps, validator: up }, event), 'duplicate', 'and once only');
    const pkg = (await packageOf(later.documentId))!;
    const fiveYears = new Date(later.issuedAt);
    fiveYears.setUTCFullYear(fiveYears.getUTCFullYear() + 5);
    t.equal(pkg.retainUntil?.toISOString(), fiveYears.toISOString(), 'five years from its date');
    t.equal(pkg.legalHold, false);
    const objects = await listArchivedObjects(pool, later.documentId);
    t.equal(
      objects.find((o) => o.name === 'document.pdf')?.versionId,
      meanwhile[0]!.versionId,
      'the package names the copy written while signing was down',
    );
    const versions = await store.listVersions(bucket, `records/${later.documentId}/`);
    t.same(
      versions.map((v) => `${v.key} ${v.versionId}`).sort(),
      objects.map((o) => `${o.key} ${o.versionId}`).sort(),
      'every version in the bucket is one the package names',
    );
    for (const o of objects) {
      t.same(await store.getRetention(bucket, o.key, o.versionId), {
        mode: 'COMPLIANCE',
        retainUntil: pkg.lockedUntil,
      });
      t.equal(await store.getLegalHold(bucket, o.key, o.versionId), false);
    }
  },
);

await t.test(
  'a copy from an earlier try whose lock ends within half a day is not named: the PDF is written again',
  async (t) => {
    // A record whose class has ended gets the floor of a day from its ingest; a first try 20
    // hours ago (signing down since) locked its copy for 4 hours more only.
    const ended = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
      retention: '5-years',
      issuedAt: yearsAgo(5),
    });
    const event = issuedEnvelope(ended);
    const deps = { pool, store, bucket, guard, permanentHorizonMs: testPermanentHorizonMs };
    const down = createPdfValidator({ signingUrl: 'http://127.0.0.1:1', key: signing.key, timeoutMs: 5_000 });
    const carry: IngestCarry = {};
    const then = new Date(Date.now() - 20 * 3_600_000);
    const error = await ingestIssued({ ...deps, validator: down, now: () => then }, event, carry).catch(
      (e: unknown) => e,
    );
    t.ok(error instanceof ValidationUnavailable, 'signing unreachable');
    const first = carry.pdf!.object;
    const firstLock = await store.getRetention(bucket, first.key, first.versionId);
    t.ok(firstLock!.retainUntil.getTime() < Date.now() + 5 * 3_600_000, 'the first copy is locked for hours only');
    const up = createPdfValidator({
      signingUrl: signing.url,
      key: signing.key,
      keyId: 'archive-test',
      timeoutMs: 60_000,
    });
    const before = Date.now();
    t.equal(await ingestIssued({ ...deps, validator: up }, event, carry), 'archived', 'signing back: archived');
    const pkg = (await packageOf(ended.documentId))!;
    t.ok(pkg.lockedUntil.getTime() >= before + 86_400_000 - 60_000, 'the package is locked a day from this try');
    const document = (await listArchivedObjects(pool, ended.documentId)).find((o) => o.name === 'document.pdf')!;
    t.not(document.versionId, first.versionId, 'the package names a new copy');
    t.same(
      await store.getRetention(bucket, document.key, document.versionId),
      { mode: 'COMPLIANCE', retainUntil: pkg.lockedUntil },
      'locked as the package says',
    );
  },
);

await t.test(
  'signing refuses the PDF itself: a dead letter, nothing in the catalog, one locked copy of the PDF left unnamed',
  async (t) => {
    // A signing that refuses every PDF (422, as it does one over a parsing limit): the real one
    // reports on whatever it is given.
    const refusing = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(422, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ code: 'PDF_INVALID', detail: 'over a parsing limit' }));
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => refusing.close(() => resolve())));
    const r = await ingestForFile(t, {
      ...signing,
      url: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
    });
    const refused = await issuedDocument(r.store, r.sourceBucket, await unsignedPdf(), {
      retention: '5-years',
      issuedAt: yearsAgo(5),
    });
    const event = issuedEnvelope(refused);
    await publishIssued(r, event);
    await waitFor(
      'the refused event in the dead-letter topic',
      async () => (await deadLetters.list({ topic: r.topics.issued })).some((l) => l.eventId === event.id),
      120_000,
    );
    const letters = await deadLetters.list({ topic: r.topics.issued });
    t.match(letters.find((l) => l.eventId === event.id)?.reason, /answered 422/, "signing's refusal is the reason");
    t.equal(await findPackage(r.pool, refused.documentId), undefined, 'no package');
    t.equal(await findRecord(r.pool, 'VPTU-CM', refused.documentId), undefined, 'no catalog row');
    const versions = await r.store.listVersions(r.bucket, `records/${refused.documentId}/`);
    t.same(
      versions.map((v) => v.key),
      [`records/${refused.documentId}/document.pdf`],
      "the PDF copied while signing was asked, once over the bus's tries; nothing else",
    );
    t.equal(
      (await r.store.getRetention(r.bucket, versions[0]!.key, versions[0]!.versionId))?.mode,
      'COMPLIANCE',
      'locked: the bucket keeps it until its retain-until',
    );
  },
);

await t.test(
  'a crash between the writes and the commit: the next try makes one package, the leftovers stay locked',
  async (t) => {
    const crashed = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
      retention: '5-years',
      issuedAt: yearsAgo(5),
    });
    const event = issuedEnvelope(crashed);
    const validator = createPdfValidator({
      signingUrl: signing.url,
      key: signing.key,
      keyId: 'archive-test',
      timeoutMs: 60_000,
    });
    // Safe for the first ask, then not: everything is written, and the commit never comes.
    let asks = 0;
    const flaky = {
      assertSafe() {
        asks += 1;
        if (asks === 2) throw new Error('the canary was overwritten');
      },
    };
    const deps = { pool, store, bucket, validator, permanentHorizonMs: testPermanentHorizonMs };
    const error = await ingestIssued({ ...deps, guard: flaky }, event).catch((e: unknown) => e);
    t.ok(isTransient(error), 'unsafe before the commit: tried again later');
    t.equal(await packageOf(crashed.documentId), undefined, 'no package');
    t.equal(await findRecord(pool, 'VPTU-CM', crashed.documentId), undefined, 'no catalog row');
    const leftovers = await store.listVersions(bucket, `records/${crashed.documentId}/`);
    t.equal(leftovers.length, 4, 'the four objects of the first try are in the bucket');
    t.equal(await ingestIssued({ ...deps, guard: flaky }, event), 'archived', 'the next try');
    const objects = await listArchivedObjects(pool, crashed.documentId);
    const versions = await store.listVersions(bucket, `records/${crashed.documentId}/`);
    t.equal(versions.length, 8, 'written again as new versions');
    for (const o of objects) {
      const latest = versions.find((v) => v.key === o.key && v.isLatest);
      t.equal(latest?.versionId, o.versionId, `${o.name}: the package names the newest version`);
    }
    for (const v of leftovers) {
      const retention = await store.getRetention(bucket, v.key, v.versionId);
      t.equal(retention?.mode, 'COMPLIANCE', `${v.key}: a leftover stays locked`);
    }
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM package WHERE record_id = $1', [
      crashed.documentId,
    ]);
    t.equal(Number(rows[0]!.n), 1);
  },
);

await t.test('a PDF too large to hold is streamed twice, checked both times, and archived the same', async (t) => {
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText('Phu luc lon', { x: 50, y: 780 });
  await document.attach(randomBytes(inMemoryPdfLimit + 4096), 'phu-luc.bin', { mimeType: 'application/octet-stream' });
  const large = Buffer.from(await document.save());
  t.ok(large.length > inMemoryPdfLimit, 'over the limit of what is read once into memory');
  const data = await issuedDocument(store, sourceBucket, large, { retention: '5-years', issuedAt: yearsAgo(5) });
  const validator = createPdfValidator({
    signingUrl: signing.url,
    key: signing.key,
    keyId: 'archive-test',
    timeoutMs: 60_000,
  });
  const deps = { pool, store, bucket, guard, validator, permanentHorizonMs: testPermanentHorizonMs };
  const tampered = issuedEnvelope({ ...data, file: { ...data.file, sha256: sha256Of(Buffer.from('other')) } });
  const refusal = await ingestIssued(deps, tampered).catch((e: unknown) => e);
  t.match(String(refusal), /FILE_MISMATCH/, 'a large PDF of another SHA-256 is refused too');
  t.same(await store.listVersions(bucket, `records/${data.documentId}/`), [], 'and nothing of it kept');
  t.equal(await ingestIssued(deps, issuedEnvelope(data)), 'archived');
  const pdfRow = (await listArchivedObjects(pool, data.documentId)).find((o) => o.name === 'document.pdf')!;
  t.equal(pdfRow.sha256, data.file.sha256, "the archived copy is the event's bytes");
  t.equal(sha256Of(await bytesOf(store, pdfRow.key, pdfRow.versionId)), data.file.sha256, 'as the store holds them');
});

await t.test("the validator keeps to signing's uploads in flight per caller rather than meet 429", async (t) => {
  const validator = createPdfValidator({
    signingUrl: signing.url,
    key: signing.key,
    keyId: 'archive-test',
    timeoutMs: 60_000,
  });
  const pdfs = await Promise.all(Array.from({ length: 6 }, () => unsignedPdf()));
  const asked = await Promise.allSettled(pdfs.map((p) => validator.verifyPdf('VPTU-CM', Readable.from([p]), p.length)));
  t.same(
    asked.map((a) => a.status),
    pdfs.map(() => 'fulfilled'),
    'six at once for one office: every one answered (signing takes two of a caller at a time)',
  );
});
