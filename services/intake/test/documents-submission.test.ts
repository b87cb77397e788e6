/**
 * The submission's order of work (documents/document-submission.ts), called directly with
 * the real MinIO behind a store that records what it is asked: the PDF's check on a worker
 * and its put run at once, so a PDF the check refuses was put and is deleted again before
 * the answer; a failing put with a refused PDF answers the PDF's refusal; a PDF beyond the
 * in-memory share is checked from its temporary file; the spool's memory is given back.
 */
import { Readable } from 'node:stream';
import t from 'tap';
import { PDFDocument } from 'pdf-lib';
import type { Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { submitDocument, type SubmissionDeps } from '../src/documents/document-submission.ts';
import { checkPdfJob, type PdfCheckJob } from '../src/documents/pdf-check.ts';
import { uploadMemory } from '../src/documents/upload-spool.ts';
import { metadataOf, plainPdf, seedDirectory, signedPdf, storedState } from './documents-support.ts';
import { intakeForFile } from './support.ts';

const intake = await intakeForFile(t, 'minio');
const { pool, store, bucket } = intake;
await seedDirectory(intake);

const principal: Principal = { subject: 'system:vptu-a', office: 'VPTU-A', roles: ['office-system'] };

/** The real store, recording the keys put and deleted; `failPut` makes every put fail after recording it. */
function recordingStore(inner: ObjectStore, failPut = false) {
  const puts: string[] = [];
  const deletes: string[] = [];
  const recorded: ObjectStore = Object.create(inner) as ObjectStore;
  recorded.put = async (b, key, body, opts) => {
    puts.push(key);
    if (failPut) throw new Error('the store is down');
    return inner.put(b, key, body, opts);
  };
  recorded.delete = async (b, key, opts) => {
    deletes.push(key);
    return inner.delete(b, key, opts);
  };
  return { store: recorded, puts, deletes };
}

/** The deps of the route, the check run in this thread (recording what it was given). */
function depsOf(recorded: ObjectStore, jobs: PdfCheckJob[] = []): SubmissionDeps {
  return {
    pool,
    store: recorded,
    bucket,
    maxDocumentBytes: 64 * 1024 * 1024,
    checkPdf: async (job) => {
      jobs.push(job);
      return checkPdfJob(job);
    },
  };
}

const submission = (pdf: Buffer) => ({
  metadataText: JSON.stringify(metadataOf()),
  content: async () => Readable.from([pdf]),
  finish: async () => undefined,
});

await t.test('a PDF the check refuses was put alongside and is deleted again: nothing stored', async (t) => {
  const before = await storedState(pool, store, bucket);
  for (const [pdf, code] of [
    [await signedPdf(), 'DOCUMENT_ALREADY_SIGNED'],
    [Buffer.from('%PDF-1.7\nnot really a PDF\n%%EOF\n'), 'DOCUMENT_NOT_PDF'],
  ] as const) {
    const { store: recorded, puts, deletes } = recordingStore(store);
    await t.rejects(submitDocument(depsOf(recorded), principal, submission(pdf)), { code });
    t.equal(puts.length, 1, `${code}: the put ran with the check`);
    t.match(puts[0], /^documents\/[0-9a-f-]{36}\/original\.pdf$/);
    t.same(deletes, puts, `${code}: the object put is deleted`);
    t.equal(await storedState(pool, store, bucket), before, `${code}: no row, no transition, no object`);
  }
  t.equal(uploadMemory.held(), 0, 'the spool gave its memory back');
});

await t.test('a refused PDF while the store fails: the PDF refusal is the answer', async (t) => {
  const before = await storedState(pool, store, bucket);
  const { store: recorded, deletes } = recordingStore(store, true);
  await t.rejects(submitDocument(depsOf(recorded), principal, submission(await signedPdf())), {
    code: 'DOCUMENT_ALREADY_SIGNED',
  });
  t.same(deletes, [], 'nothing was put, nothing to delete');
  t.equal(await storedState(pool, store, bucket), before);
});

await t.test('a good PDF while the store fails: the store error, no row', async (t) => {
  const before = await storedState(pool, store, bucket);
  const { store: recorded } = recordingStore(store, true);
  await t.rejects(submitDocument(depsOf(recorded), principal, submission(await plainPdf())), /the store is down/);
  t.equal(await storedState(pool, store, bucket), before);
});

await t.test('an accepted PDF: checked from memory, put once, nothing deleted', async (t) => {
  const jobs: PdfCheckJob[] = [];
  const { store: recorded, puts, deletes } = recordingStore(store);
  const answer = await submitDocument(depsOf(recorded, jobs), principal, submission(await plainPdf()));
  t.equal(answer.status, 201);
  t.same(puts, [`documents/${answer.body.id}/original.pdf`]);
  t.same(deletes, []);
  t.equal(jobs.length, 1);
  t.ok('bytes' in jobs[0]!, 'the worker reads the shared buffer, no file');
  const { rows } = await pool.query<{ from_state: string | null; to_state: string; action: string }>(
    'SELECT from_state, to_state, action FROM document_transition WHERE document = $1 ORDER BY seq',
    [answer.body.id],
  );
  t.same(rows, [
    { from_state: null, to_state: 'draft', action: 'create' },
    { from_state: 'draft', to_state: 'awaiting-signature', action: 'submit' },
  ]);
  t.equal(uploadMemory.held(), 0);
});

await t.test('a PDF beyond the in-memory share is checked from its file and stored whole', async (t) => {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Trang 1', { x: 50, y: 800 });
  // pdf-lib writes the subject as UTF-16 hex: four bytes per character, so about 5 MB.
  doc.setSubject('x'.repeat(1_300_000));
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  t.ok(pdf.length > uploadMemory.perUpload);
  const jobs: PdfCheckJob[] = [];
  const { store: recorded } = recordingStore(store);
  const answer = await submitDocument(depsOf(recorded, jobs), principal, submission(pdf));
  t.equal(answer.status, 201);
  t.ok('input' in jobs[0]!, 'the worker reads the temporary file');
  t.equal(answer.body.size, pdf.length);
  const { info, body } = await store.get(bucket, `documents/${answer.body.id}/original.pdf`);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  t.equal(info.size, pdf.length);
  t.ok(Buffer.concat(chunks).equals(pdf), 'the object is the PDF, byte for byte');
  t.equal(uploadMemory.held(), 0);
});
