/**
 * Issue 16's crash and outage checks at the HTTP level, with the REAL signing service:
 *
 * - intake as a process of its own (issue-child.ts: the app on the test's schema and the real
 *   MinIO bucket) killed with SIGKILL half-way through a burst of issues, then started again
 *   on the same database and store: the same requests again complete every document; each
 *   number left reserved by the killed process is resumed with that number; no gap, no
 *   duplicate, one `document.issued` each;
 * - signing unreachable for a while during a burst (its listener stopped): the requests it
 *   cuts answer 503 SIGNING_UNAVAILABLE saying so, their numbers stay reserved and are listed
 *   as such; signing back, the same requests complete with the same numbers, except one
 *   the registry cancelled meanwhile with a reason (409 REGISTER_NUMBER_CANCELLED).
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { callers, issueAs, issueWorld, signedDocument } from './issue-support.ts';
import { issuedEvents, numbersBySeries, oneTo } from './register-support.ts';

const world = await issueWorld(t, { objects: 'minio' });
const { pool } = world.intake;
const period = String(new Date(Date.now() + 7 * 3_600_000).getUTCFullYear());
const childScript = join(import.meta.dirname, 'issue-child.ts');

/** Waits until `check` holds (polling; the bound only keeps a broken run from hanging). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`never: ${what}`);
}

/** Starts intake as a child process on the world's schema and bucket; resolves with its base URL. */
async function startIntake() {
  const child = spawn(process.execPath, [childScript, world.intake.schema, world.intake.bucket, world.signingUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...testAuthEnv },
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /listening (\d+)\n/.exec(buffered);
      if (match !== null) resolve(Number(match[1]));
    });
    void exited.then((how) => reject(new Error(`intake ended before listening (${String(how)})`)));
  });
  t.teardown(() => void child.kill('SIGKILL'));
  return { child, exited, base: `http://127.0.0.1:${port}` };
}

/** `POST /v1/documents/{id}/issue` over HTTP as VPTU-CM's registry: its status and number, or `gone`. */
async function issueAt(base: string, id: string): Promise<{ id: string; status: number | 'gone'; number?: number }> {
  try {
    const response = await fetch(`${base}/v1/documents/${id}/issue`, { method: 'POST', headers: callers.registry });
    const body = (await response.json()) as { number?: number };
    return { id, status: response.status, ...(body.number === undefined ? {} : { number: body.number }) };
  } catch {
    return { id, status: 'gone' };
  }
}

/** The register's entries by document: number and state. */
async function entries(): Promise<Map<string, { series: string; number: number; state: string }>> {
  const { rows } = await pool.query<{ document_id: string; series: string; number: number; state: string }>(
    "SELECT document_id, series, number, state FROM register_entry WHERE register = 'outgoing'",
  );
  return new Map(rows.map((r) => [r.document_id, { series: r.series, number: r.number, state: r.state }]));
}

await t.test('intake SIGKILLed half-way through 12 issues, started again: every document once', async (t) => {
  const docs: string[] = [];
  for (const type of ['CT', 'NQ']) for (const _ of oneTo(6)) docs.push(await signedDocument(world, { type }));
  const first = await startIntake();
  let answered = 0;
  const burst = docs.map((id) =>
    issueAt(first.base, id).then((a) => {
      if (a.status === 200) answered++;
      return a;
    }),
  );
  const reservedNow = async () => [...(await entries()).values()].some((e) => e.state === 'reserved');
  await until(async () => answered >= 3 && (await reservedNow()), 'three issued and another reserved');
  first.child.kill('SIGKILL');
  t.equal(await first.exited, 'SIGKILL');
  const before = await Promise.all(burst);
  const atKill = await entries();
  const leftReserved = [...atKill].filter(([, e]) => e.state === 'reserved');
  t.comment(
    `killed after ${before.filter((a) => a.status === 200).length} issues; ${leftReserved.length} numbers left reserved`,
  );
  t.ok(leftReserved.length >= 1, 'the kill left numbers reserved, not issued');
  t.ok(
    before.some((a) => a.status === 'gone'),
    'requests cut by the kill',
  );

  const second = await startIntake();
  const after = await Promise.all(docs.map((id) => issueAt(second.base, id)));
  t.same(
    after.filter((a) => a.status !== 200),
    [],
    'every document issued by the same requests again',
  );
  for (const [id, entry] of leftReserved)
    t.equal(
      after.find((a) => a.id === id)?.number,
      entry.number,
      `${entry.series} ${entry.number} resumed with its number`,
    );
  for (const a of before.filter((b) => b.status === 200))
    t.equal(after.find((b) => b.id === a.id)?.number, a.number, 'an issued document answers as before');
  const series = await numbersBySeries(pool);
  t.same(series.get(`VPTU-CM/CT/${period}`), oneTo(6), 'CT: 1..6, no gap, no duplicate');
  t.same(series.get(`VPTU-CM/NQ/${period}`), oneTo(6), 'NQ: 1..6, no gap, no duplicate');
  t.same(
    [...(await entries()).values()].filter((e) => e.state !== 'issued'),
    [],
    'nothing left reserved',
  );
  const events = await issuedEvents(pool);
  t.same(
    docs.filter((id) => events.get(id) !== 1),
    [],
    'one document.issued each',
  );
  second.child.kill('SIGKILL');
  await second.exited;
});

await t.test('signing unreachable during a burst: 503, numbers reserved; back: the same numbers', async (t) => {
  const docs: string[] = [];
  for (const _ of oneTo(8)) docs.push(await signedDocument(world, { type: 'KL' }));
  let issued = 0;
  const burst = docs.map((id) =>
    issueAs(world, id).then((res) => {
      if (res.statusCode === 200) issued++;
      return { id, res };
    }),
  );
  await until(async () => issued >= 2, 'two issued');
  await world.stopSigning();
  let answers;
  try {
    answers = await Promise.all(burst);
  } finally {
    await world.startSigning();
  }
  const failed = answers.filter((a) => a.res.statusCode !== 200);
  t.comment(`${answers.length - failed.length} issued before signing went away, ${failed.length} cut`);
  t.ok(failed.length >= 2, 'some issues met signing gone');
  for (const { res } of failed) {
    t.equal(res.statusCode, 503, res.body);
    t.match(res.json(), {
      code: 'SIGNING_UNAVAILABLE',
      title: 'Signing service unavailable',
      detail: /signing service .* (could not be reached|cut off)/,
    });
  }
  const listed = await world.intake.app.inject({
    method: 'GET',
    url: '/v1/registers/outgoing?series=KL&state=reserved',
    headers: callers.registry,
  });
  const reserved = listed.json<{ entries: Array<{ documentId: string; number: number; state: string }> }>().entries;
  t.same(
    reserved.map((e) => e.documentId).sort(),
    failed.map((a) => a.id).sort(),
    'every cut issue keeps its number reserved, listed for the registry',
  );
  // The registry gives one of them up: cancelled with a reason, the others resumed.
  const given = reserved[0]!;
  const cancelled = await world.intake.app.inject({
    method: 'POST',
    url: `/v1/registers/outgoing/KL/${period}/${given.number}/cancellation`,
    headers: { ...callers.registry, 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: 'Văn bản không ban hành nữa sau sự cố ký số' }),
  });
  t.equal(cancelled.statusCode, 200, cancelled.body);
  for (const { id } of failed) {
    const retry = await issueAs(world, id);
    if (id === given.documentId) {
      t.equal(retry.statusCode, 409, retry.body);
      t.equal(retry.json<{ code: string }>().code, 'REGISTER_NUMBER_CANCELLED', 'its number is not issued after all');
      continue;
    }
    t.equal(retry.statusCode, 200, retry.body);
    t.equal(
      retry.json<{ number: number }>().number,
      reserved.find((e) => e.documentId === id)?.number,
      'the retry completes with the reserved number',
    );
  }
  t.same((await numbersBySeries(pool)).get(`VPTU-CM/KL/${period}`), oneTo(8), 'KL: 1..8, the cancelled one kept');
  const states = await entries();
  t.equal(states.get(given.documentId)?.state, 'cancelled');
  t.same(
    docs.filter((id) => id !== given.documentId && states.get(id)?.state !== 'issued'),
    [],
    'every other number issued',
  );
  const events = await issuedEvents(pool);
  t.same(
    docs.filter((id) => events.get(id) !== (id === given.documentId ? undefined : 1)),
    [],
    'one document.issued each, none for the cancelled',
  );
});
