/**
 * The archive's heavy parsing on worker threads (README "Workers"), without services: a
 * stamped part of delivery's evidence (libs/evidence's test PKI) is checked on a worker, and
 * hostile parts — JSON nested a million deep, a row of 40 MB of base64, a CMS that is ten
 * thousand nested indefinite lengths — are refused as EVIDENCE_INVALID; while a worker is held
 * by a part that never ends, `/healthz` answers, and the part is then refused at the time
 * limit; a worker that dies mid-part is "not now" and the next part is checked by a fresh
 * one; the renewal's PDF is extended on a worker with the token asked of this thread, a PDF
 * that is not one is refused there, and a token that never comes ends at the time limit.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import t, { type Test } from 'tap';
import { PDFDocument } from 'pdf-lib';
import { encodeStampedPart, parseStatement } from '@lienthong/evidence';
import type { StampedPartRow } from '@lienthong/evidence';
import { readPdfSignatures } from '@lienthong/pades';
import { memorySource } from '@lienthong/pdf';
import {
  buildTimeStampRequest,
  fixedClock,
  issueTimeStampToken,
  keySigner,
  readSignedData,
  tokenFrom,
} from '@lienthong/pki';
import { buildApp } from '../src/app.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { checkEvidencePartOn, WorkerUnavailable } from '../src/evidence/evidence-check.ts';
import { isEvidenceTransient } from '../src/evidence/evidence-consumer.ts';
import type { ExpectedPart } from '../src/evidence/evidence-part.ts';
import { IngestRefused } from '../src/ingest/ingest-errors.ts';
import type { RenewPdfJob, TimestampCall } from '../src/renewal/pdf-renewal-job.ts';
import { testWorkers } from './worker-support.ts';
import { deliveryEvidence } from '../../../libs/evidence/test/helpers/bundle.ts';
import { buildOfficesPki, NOW } from '../../../libs/evidence/test/helpers/offices.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';

const pki = await buildOfficesPki();
const trust = {
  trustAnchors: [pki.h.root.certificate.der],
  intermediates: [pki.h.intermediate.certificate.der],
  crls: [pki.h.rootCrl.der, pki.h.intermediateCrl.der],
};
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pdf = new TextEncoder().encode('%PDF-1.7 the bytes the statements name\n');

/** A good part of a delivery of `pdf` and what it must be of; `rowsOf` may change its rows. */
async function part(rowsOf: (rows: StampedPartRow[]) => StampedPartRow[] = (r) => r) {
  const documentId = randomUUID();
  const delivery = await deliveryEvidence(pki, pdf, { documentId });
  const token = delivery.contents.evidence[0]!.stamp!.token;
  const rows = delivery.contents.evidence.map((e, i) => {
    const s = parseStatement(readSignedData(e.cms).content!);
    return {
      id: s.id,
      recipientOffice: s.recipientOffice ?? null,
      seq: i,
      event: s.event,
      cms: e.cms,
      proof: e.stamp!.proof,
    };
  });
  const expected: ExpectedPart = {
    documentId,
    deliveryId: randomUUID(),
    batchId: randomUUID(),
    documentSha256: sha256(pdf),
  };
  const head = { ...expected, document: { sha256: expected.documentSha256, length: pdf.length }, token };
  const chunks: Uint8Array[] = [];
  for await (const c of encodeStampedPart(head, rowsOf(rows))) chunks.push(c);
  return { bytes: Buffer.concat(chunks), expected };
}

const refusedAsInvalid = (t: Test, promise: Promise<unknown>, what: string) =>
  t.rejects(promise, { name: 'IngestRefused', code: 'EVIDENCE_INVALID' }, what);

await t.test('a good part is checked on a worker; hostile parts are refused there', async (t) => {
  const workers = testWorkers(t);
  const good = await part();
  t.equal(await checkEvidencePartOn(workers, good.bytes, good.expected, trust, NOW), 6, 'six rows verified');
  t.equal(workers.pool.stats().threads, 1, 'on a worker thread');

  const nested = Buffer.from(`{"format":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
  const huge = Buffer.from(
    good.bytes
      .toString('utf8')
      .replace(/"cms":"[^"]+"/, `"cms":"${Buffer.alloc(30 * 1024 * 1024, 0x41).toString('base64')}"`),
  );
  t.ok(huge.length > 40 * 1024 * 1024, 'a part of over 40 MB');
  const deep = new Uint8Array(20_000);
  for (let i = 0; i < deep.length; i += 2) deep.set([0x30, 0x80], i);
  const bomb = await part((rows) => [{ ...rows[0]!, cms: deep }, ...rows.slice(1)]);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  await refusedAsInvalid(
    t,
    checkEvidencePartOn(workers, nested, good.expected, trust, NOW),
    'JSON nested a million deep',
  );
  await refusedAsInvalid(t, checkEvidencePartOn(workers, huge, good.expected, trust, NOW), '40 MB of base64 in a row');
  await refusedAsInvalid(t, checkEvidencePartOn(workers, bomb.bytes, bomb.expected, trust, NOW), 'a DER bomb as CMS');
  delay.disable();
  // A loose look only, no assertion: the main thread's worst stall while the worker parsed (copying the part to it included).
  t.comment(`event-loop delay during the hostile parts: max ${(delay.max / 1e6).toFixed(1)} ms`);

  const after = await part();
  t.equal(await checkEvidencePartOn(workers, after.bytes, after.expected, trust, NOW), 6, 'the next part still checks');
});

await t.test('a part that holds its worker: /healthz answers meanwhile; refused at the time limit', async (t) => {
  const app = await buildApp(
    loadArchiveConfig({
      ...testAuthEnv,
      LIENTHONG_MODE: 'embedded',
      LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
      LIENTHONG_STORAGE_DIR: '/tmp/x',
      LIENTHONG_LOG_LEVEL: 'silent',
    }),
  );
  t.teardown(() => app.close());
  const workers = testWorkers(t, { timeLimitMs: 2_000 }, new URL('./fixtures/held-worker.ts', import.meta.url));
  const good = await part();
  t.equal(await checkEvidencePartOn(workers, good.bytes, good.expected, trust, NOW), 6, 'the thread is up');

  let settled = false;
  const held = checkEvidencePartOn(workers, good.bytes, { ...good.expected, documentId: 'hold' }, trust, NOW).finally(
    () => (settled = true),
  );
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(health.statusCode, 200, '/healthz answers');
  t.notOk(settled, 'while the part is still on its worker');
  t.equal(workers.pool.stats().busy, 1, 'which is busy');
  await refusedAsInvalid(t, held, 'refused at the time limit');
  t.equal(workers.pool.stats().lost, 1, 'its worker terminated');
  t.equal(
    await checkEvidencePartOn(workers, good.bytes, good.expected, trust, NOW),
    6,
    'a fresh worker checks the next',
  );
});

await t.test('a worker killed mid-part: not now; the next part is checked', async (t) => {
  const workers = testWorkers(t, {}, new URL('./fixtures/held-worker.ts', import.meta.url));
  const good = await part();
  const error = await checkEvidencePartOn(
    workers,
    good.bytes,
    { ...good.expected, documentId: 'crash' },
    trust,
    NOW,
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(error, WorkerUnavailable);
  t.ok(isEvidenceTransient(error), 'waited out and tried again, not dead-lettered');
  t.notOk(error instanceof IngestRefused, 'not refused for good');
  t.equal(await checkEvidencePartOn(workers, good.bytes, good.expected, trust, NOW), 6, 'the next part is checked');
});

let serial = 1n;
const stamp = async ({ imprint }: TimestampCall) =>
  tokenFrom(
    await issueTimeStampToken({
      request: buildTimeStampRequest({ hash: 'sha256', imprint, certReq: true }),
      tsaCertificate: pki.h.tsa.certificate,
      chain: [pki.h.intermediate.certificate],
      signer: keySigner(pki.h.tsa.privateKey),
      clock: fixedClock(NOW),
      serialNumber: serial++,
      policy: '1.3.6.1.4.1.99999.2.1',
    }),
  );

await t.test('the renewal PDF on a worker: stamped via this thread; a non-PDF and a hung TSA refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'archive-workers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText('Chi thi', { x: 50, y: 780 });
  const original = Buffer.from(await document.save());
  const input = join(dir, 'in.pdf');
  await writeFile(input, original);
  const workers = testWorkers(t, { timeLimitMs: 5_000 });
  const job = (output: string, from = input): RenewPdfJob => ({
    input: from,
    output: join(dir, output),
    certificates: [],
    crls: [],
  });

  let asked = 0;
  await workers.run('renewPdf', job('out.pdf'), { timestamp: (call: TimestampCall) => (asked++, stamp(call)) });
  const renewed = await readFile(join(dir, 'out.pdf'));
  t.equal(asked, 1, 'one token asked of the main thread');
  t.ok(renewed.subarray(0, original.length).equals(original), 'an incremental update');
  t.equal((await readPdfSignatures(memorySource(renewed))).length, 1, 'with a document time-stamp');

  const junk = join(dir, 'junk.pdf');
  await writeFile(junk, Buffer.from('%PDF-1.7\n' + '<<'.repeat(100_000)));
  await t.rejects(
    workers.run('renewPdf', job('junk-out.pdf', junk), { timestamp: stamp }),
    { name: /Error/ },
    'not a PDF',
  );
  t.equal((await stat(join(dir, 'junk-out.pdf')).catch(() => undefined))?.size ?? 0, 0, 'nothing renewed');

  await t.rejects(
    workers.run('renewPdf', job('hung.pdf'), { timestamp: () => new Promise(() => {}) }),
    { name: 'WorkerPoolError', reason: 'TIME_LIMIT' },
    'a token that never comes ends at the time limit',
  );
  await workers.run('renewPdf', job('again.pdf'), { timestamp: stamp });
  t.ok((await readFile(join(dir, 'again.pdf'))).length > original.length, 'the next renewal works');
});
