/**
 * Uploads are parsed and judged on worker threads (issue 15): while a hostile PDF is being
 * verified, `/healthz` still answers; a job over the time or memory limit is refused (422
 * PARSING_TIME_LIMIT / PARSING_MEMORY_LIMIT) and the service keeps serving on a fresh
 * worker; with every worker busy and the queue full, 503 PARSING_QUEUE_FULL with
 * retry-after; closing the app ends every worker.
 *
 * The hostile file is genuinely slow within libs/pdf's budgets: 19,000 form fields (just
 * under maxFields), each in an object stream of its own (so every field costs a stream
 * inflation and parse), under one signature — seconds of work and about 100 MB of heap.
 * It also meets the memory limit: libs/pdf now refuses the small files that once needed
 * hundreds of MB (its `arrayBomb`, 15,000,000 numbers in a 48 KB file, is PDF_LIMIT_EXCEEDED
 * in a fraction of a second), so what a memory limit stops is a large file within the
 * budgets. A worker holds about 25 MB of heap once its modules are loaded; at 48 MB a
 * small job still runs, while this file's fields, read again in each revision examined,
 * need more than 64 MB.
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import t from 'tap';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { fixedClock, keySigner } from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';
import { buildHierarchy, NOW } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { arrayBomb, objectStreamBomb } from '../../../libs/pdf/test/support/hostile-files.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { signingForFile } from './support.ts';

const caller = authHeader({ subject: 'person:archivist', office: 'VPTU-CM', roles: ['archivist'] });

// Every worker thread the apps of this file start (process 'worker' event), to see them end.
const threads: { worker: Worker; exited: boolean }[] = [];
const onWorker = (worker: Worker): void => {
  const entry = { worker, exited: false };
  threads.push(entry);
  worker.once('exit', () => (entry.exited = true));
};
process.on('worker', onWorker);
t.teardown(() => void process.off('worker', onWorker));

const h = await buildHierarchy();
const hostile = await (async () => {
  const sink = memorySink();
  await signPdf(memorySource(objectStreamBomb({ fields: 19_000, streams: 19_000, inflated: 0 })), sink, {
    signer: keySigner(h.person.privateKey),
    certificate: h.person.certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
  });
  return Buffer.from(sink.bytes());
})();

const verifyPdf = (app: ServiceApp, pdf: Buffer) =>
  app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...caller, 'content-type': 'application/pdf' },
    payload: pdf,
  });

/** A CMS verification that costs nothing (not a SignedData): proof that verification is served. */
const verifyNothing = (app: ServiceApp) =>
  app.inject({ method: 'POST', url: '/v1/verify', headers: caller, payload: { signature: 'MAA=' } });

async function gauge(app: ServiceApp, name: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => new RegExp(`^signing_parsing_${name}[ {]`).test(l));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

void t.test('/healthz answers while a hostile PDF is being verified on a worker', async (t) => {
  const { app } = await signingForFile(t, { LIENTHONG_SIGNING_WORKERS: '1', LIENTHONG_SIGNING_JOB_QUEUE: '0' });
  let verified = false;
  const started = performance.now();
  const verification = verifyPdf(app, hostile).then((res) => {
    verified = true;
    return res;
  });
  while ((await gauge(app, 'workers_busy')) !== 1) {
    if (verified) {
      t.fail('the verification ended before it was seen on a worker', { body: (await verification).body });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const asked = performance.now();
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  const latency = performance.now() - asked;
  t.equal(health.statusCode, 200);
  t.notOk(verified, '/healthz answered before the verification finished');

  const busy = await verifyPdf(app, hostile);
  t.equal(busy.statusCode, 503, 'the one worker busy, no queue: refused at once');
  t.equal(busy.json().code, 'PARSING_QUEUE_FULL');
  t.equal(busy.headers['retry-after'], '5');
  t.notOk(verified, 'still verifying');

  const res = await verification;
  t.equal(res.statusCode, 200, 'the hostile file was verified');
  const report = res.json<{ signatures: { indication: string }[] }>();
  t.equal(report.signatures.length, 1, 'the hostile file was judged in full');
  t.equal(await gauge(app, 'workers_busy'), 0);
  t.comment(
    `/healthz answered in ${latency.toFixed(1)} ms while the verification ran; the verification took ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
});

void t.test('a verification over the time limit is refused, and the service keeps serving', async (t) => {
  const { app } = await signingForFile(t, {
    LIENTHONG_SIGNING_WORKERS: '1',
    LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS: '300',
  });
  const res = await verifyPdf(app, hostile);
  t.equal(res.statusCode, 422);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(res.json(), { code: 'PARSING_TIME_LIMIT', limitMs: 300, detail: /300 ms/ });
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  const next = await verifyNothing(app);
  t.equal(next.statusCode, 200, 'a fresh worker verifies');
  t.equal(next.json().subIndication, 'FORMAT_FAILURE');
  t.equal(await gauge(app, 'workers_lost'), 1);
});

void t.test('a verification over the memory limit is refused and its worker replaced', async (t) => {
  const { app } = await signingForFile(t, {
    LIENTHONG_SIGNING_WORKERS: '1',
    LIENTHONG_SIGNING_WORKER_MEMORY_MB: '48',
    LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS: '600000',
  });
  // 15,000,000 numbers in 48 KB: refused by libs/pdf's maxItems, a report, no worker lost.
  const bomb = await verifyPdf(app, Buffer.from(arrayBomb()));
  t.equal(bomb.statusCode, 200);
  t.match(bomb.json(), { subIndication: 'FORMAT_FAILURE', message: /maxItems/ });
  t.equal(await gauge(app, 'workers_lost'), 0);
  const res = await verifyPdf(app, hostile);
  t.equal(res.statusCode, 422);
  t.match(res.json(), { code: 'PARSING_MEMORY_LIMIT', limitMb: 48 });
  const next = await verifyNothing(app);
  t.equal(next.statusCode, 200, 'a fresh worker verifies');
  t.equal(await gauge(app, 'workers_lost'), 1);
});

void t.test('the workers end with the app', async (t) => {
  const signing = await signingForFile(t, { LIENTHONG_SIGNING_WORKERS: '2' });
  const { app } = signing;
  const before = threads.length;
  t.same(
    (await Promise.all([verifyNothing(app), verifyNothing(app)])).map((r) => r.statusCode),
    [200, 200],
  );
  const mine = threads.slice(before);
  t.ok(mine.length >= 1, 'the verifications ran on worker threads');
  t.ok(
    mine.every((w) => !w.exited),
    'alive while the app is',
  );
  await signing.app.close();
  t.ok(
    mine.every((w) => w.exited),
    'every worker thread has exited once the app is closed',
  );
});
