/**
 * PDF uploads on a budget per caller: a client that goes away mid-upload leaves no
 * temporary file behind, and one caller cannot hold more uploads in flight than
 * LIENTHONG_SIGNING_UPLOADS_PER_CALLER (the next is 429 before its body is read; other
 * callers are not affected).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { PDFDocument } from 'pdf-lib';
import { authHeader } from '../../../test/support/auth.ts';
import { scratchPrefix } from '../src/routes/pdf-body.ts';
import { signingForFile } from './support.ts';

// The scratch folders of this file's app go to a temporary folder of its own, so they can be counted.
const temp = await mkdtemp(join(tmpdir(), 'lienthong-uploads-test-'));
process.env.TMPDIR = temp;
t.teardown(() => rm(temp, { recursive: true, force: true }));

const clerk = authHeader({ subject: 'person:clerk', office: 'VPTU-CM', roles: ['archivist'] });
const other = authHeader({ subject: 'person:other', office: 'VPTU-CM', roles: ['archivist'] });

const document = await PDFDocument.create();
document.addPage([595, 842]).drawText('Cong van', { x: 50, y: 780 });
const pdf = Buffer.from(await document.save());

const { app } = await signingForFile(t, { LIENTHONG_SIGNING_UPLOADS_PER_CALLER: '1' });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as AddressInfo).port;

const scratchFolders = async (): Promise<string[]> =>
  (await readdir(temp)).filter((name) => name.startsWith(scratchPrefix));

/** Polls `check` until it holds, for at most ~10 s (a wait for an effect, not a timing assertion). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

/** Starts an upload that announces 8 MiB and sends only its first 256 KiB; `abort` cuts the connection. */
function startHangingUpload(headers: Record<string, string>) {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/verify/pdf',
    headers: { ...headers, 'content-type': 'application/pdf', 'content-length': String(8 * 1024 * 1024) },
  });
  req.on('error', () => {});
  req.write(Buffer.concat([pdf, Buffer.alloc(256 * 1024 - pdf.length, 0x20)]));
  return { abort: () => req.destroy() };
}

const verify = (headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: pdf,
  });

void t.test('a client that aborts its upload leaves no temporary file', async (t) => {
  const upload = startHangingUpload(clerk);
  t.ok(await eventually(async () => (await scratchFolders()).length === 1), 'the upload is being written to a file');
  upload.abort();
  t.ok(await eventually(async () => (await scratchFolders()).length === 0), 'its folder is gone once the client is');
});

void t.test('a finished verification leaves no temporary file either', async (t) => {
  const res = await verify(clerk);
  t.equal(res.statusCode, 200, res.body.slice(0, 300));
  t.ok(await eventually(async () => (await scratchFolders()).length === 0), 'nothing left in the temporary folder');
});

void t.test('one caller has at most LIENTHONG_SIGNING_UPLOADS_PER_CALLER uploads in flight', async (t) => {
  const upload = startHangingUpload(clerk);
  t.ok(await eventually(async () => (await scratchFolders()).length === 1), 'the first upload is in flight');

  const refused = await verify(clerk);
  t.equal(refused.statusCode, 429, 'the second upload of the same caller is refused');
  t.equal(refused.json<{ code: string }>().code, 'TOO_MANY_REQUESTS');
  t.equal(refused.headers['retry-after'], '1', 'with Retry-After');
  t.equal((await scratchFolders()).length, 1, 'before its body was written anywhere');

  const another = await verify(other);
  t.equal(another.statusCode, 200, 'another caller of the same office is not held back');

  upload.abort();
  t.ok(
    await eventually(async () => (await verify(clerk)).statusCode === 200),
    'once the first upload is over, the caller may upload again',
  );
});
