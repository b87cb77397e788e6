/**
 * A verification on a parsing worker answers the same report, byte for byte once JSON, as the
 * same job run in process: what crosses the thread boundary (structured clone: dates, bytes)
 * changes nothing a route sends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { fixedClock, keySigner, signCades } from '@lienthong/pki';
import { createWorkerPool } from '@lienthong/service';
import { buildHierarchy, NOW } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import { verifyCmsJob, verifyPdfJob, type VerifyCmsJob, type VerifyPdfJob } from '../src/workers/verify-tasks.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-parsing-reports-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const h = await buildHierarchy();
const pool = createWorkerPool({
  script: new URL('../src/parsing-worker.ts', import.meta.url),
  size: 1,
  queueLimit: 1,
  timeLimitMs: 120_000,
});
t.teardown(() => pool.close());
const data = {
  trustAnchors: [h.root.certificate.der],
  intermediates: [h.intermediate.certificate.der],
  crls: [],
  now: NOW,
};

void t.test('a PDF report is the same from a worker as in process', async (t) => {
  const sink = memorySink();
  await signPdf(memorySource(await fixturePdf({ pages: 2 })), sink, {
    signer: keySigner(h.person.privateKey),
    certificate: h.person.certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
  });
  const path = join(dir, 'signed.pdf');
  writeFileSync(path, sink.bytes());
  const job: VerifyPdfJob = { ...data, path };
  const inProcess = await verifyPdfJob(job);
  t.equal(inProcess.signatures.length, 1, inProcess.message);
  t.equal(JSON.stringify(await pool.run('verifyPdf', job)), JSON.stringify(inProcess));
});

void t.test('a CMS report is the same from a worker as in process', async (t) => {
  const content = Buffer.from('Chỉ thị số 01-CT/TU');
  const signature = await signCades(content, keySigner(h.person.privateKey), {
    certificate: h.person.certificate,
    chain: [h.intermediate.certificate],
  });
  for (const job of [
    { ...data, signature, content },
    { ...data, signature: new Uint8Array([0x30, 0x00]) },
  ] satisfies VerifyCmsJob[]) {
    const inProcess = verifyCmsJob(job);
    t.equal(JSON.stringify(await pool.run('verifyCms', job)), JSON.stringify(inProcess), inProcess.indication);
  }
});
