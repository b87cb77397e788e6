/**
 * The upload spool (documents/upload-spool.ts): a PDF of ordinary size is kept in memory,
 * one beyond the per-upload share or the process's budget goes to a private temporary file;
 * either way the digest and length are those of the bytes, the budget is given back, and a
 * body over the limit is refused with 413 leaving no file behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { AppError } from '@lienthong/service';
import { memoryBudget, spoolUpload } from '../src/documents/upload-spool.ts';

// os.tmpdir() follows TMPDIR: the spool's files land in a folder of this test's own.
const previousTmp = process.env.TMPDIR;
const tmp = await mkdtemp(join(tmpdir(), 'lienthong-spool-test-'));
process.env.TMPDIR = tmp;
t.teardown(async () => {
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  await rm(tmp, { recursive: true, force: true });
});

/** A body of `size` random bytes arriving in chunks of `chunk`. */
function bodyOf(size: number, chunk = 16 * 1024): { bytes: Buffer; stream: () => Readable } {
  const bytes = randomBytes(size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return { bytes, stream: () => Readable.from(chunks) };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

await t.test('a body within the share stays in memory, counted against the budget until removed', async (t) => {
  const memory = memoryBudget(1024 * 1024, 256 * 1024);
  const { bytes, stream } = bodyOf(200_000);
  const upload = await spoolUpload(stream(), 10_000_000, memory);
  t.equal(upload.path, undefined);
  t.ok(upload.bytes?.buffer instanceof SharedArrayBuffer, 'one shared buffer, for the worker');
  t.ok(upload.bytes?.equals(bytes));
  t.equal(upload.size, bytes.length);
  t.equal(upload.sha256, sha256(bytes));
  t.equal(upload.body(), upload.bytes);
  t.equal(memory.held(), bytes.length);
  await upload.remove();
  await upload.remove();
  t.equal(memory.held(), 0, 'given back once');
  t.same(await readdir(tmp), [], 'no file');
});

await t.test('a body beyond the share goes to a file, and the memory it held is given back', async (t) => {
  const memory = memoryBudget(1024 * 1024, 64 * 1024);
  const { bytes, stream } = bodyOf(300_000);
  const upload = await spoolUpload(stream(), 10_000_000, memory);
  t.equal(upload.bytes, undefined);
  t.ok(upload.path);
  t.ok((await readFile(upload.path!)).equals(bytes));
  t.equal(upload.sha256, sha256(bytes));
  t.equal(upload.size, bytes.length);
  t.equal(memory.held(), 0);
  const streamed: Buffer[] = [];
  for await (const chunk of upload.body() as Readable) streamed.push(chunk as Buffer);
  t.ok(Buffer.concat(streamed).equals(bytes), 'the body to store is the file');
  await upload.remove();
  t.same(await readdir(tmp), [], 'the file and its folder are removed');
});

await t.test('when the budget is spent by other uploads, the next one goes to a file', async (t) => {
  const memory = memoryBudget(300_000, 256 * 1024);
  const first = bodyOf(200_000);
  const second = bodyOf(200_000);
  const a = await spoolUpload(first.stream(), 10_000_000, memory);
  const b = await spoolUpload(second.stream(), 10_000_000, memory);
  t.ok(a.bytes?.equals(first.bytes));
  t.equal(b.bytes, undefined);
  t.ok((await readFile(b.path!)).equals(second.bytes));
  t.equal(memory.held(), 200_000, 'only the first holds memory');
  await Promise.all([a.remove(), b.remove()]);
  t.equal(memory.held(), 0);
  t.same(await readdir(tmp), []);
});

await t.test('over the limit: 413 DOCUMENT_TOO_LARGE, in memory or on disk, nothing left', async (t) => {
  for (const perUpload of [1024 * 1024, 32 * 1024]) {
    const memory = memoryBudget(4 * 1024 * 1024, perUpload);
    const { stream } = bodyOf(500_000);
    const error = await spoolUpload(stream(), 100_000, memory).catch((e: unknown) => e);
    t.ok(error instanceof AppError);
    t.equal((error as AppError).code, 'DOCUMENT_TOO_LARGE');
    t.equal(memory.held(), 0, `budget given back (share ${perUpload})`);
    t.same(await readdir(tmp), [], `no file left (share ${perUpload})`);
  }
});

await t.test('a body that fails midway leaves nothing and gives the budget back', async (t) => {
  const memory = memoryBudget(4 * 1024 * 1024, 64 * 1024);
  const broken = new Readable({
    read() {
      this.push(randomBytes(48 * 1024));
      this.push(randomBytes(48 * 1024));
      this.destroy(new Error('client went away'));
    },
  });
  await t.rejects(spoolUpload(broken, 10_000_000, memory), /client went away/);
  t.equal(memory.held(), 0);
  t.same(await readdir(tmp), []);
});

await t.test('an empty body: size 0, the digest of nothing', async (t) => {
  const memory = memoryBudget(1024, 1024);
  const upload = await spoolUpload(Readable.from([]), 100, memory);
  t.equal(upload.size, 0);
  t.equal(upload.sha256, sha256(Buffer.alloc(0)));
  await upload.remove();
});
