/**
 * Crash safety of numbering (issue 16's check, the numbering layer): an intake process
 * killed with SIGKILL while it holds a series' counter lock, or half-way through a batch of
 * issues, and a signing service unreachable for a while: the next reservations proceed, the
 * resumed issues keep their numbers, no gap, no duplicate, one `document.issued` each.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTransaction } from '@lienthong/db';
import { reserveNumber } from '../src/registers/numbering.ts';
import { intakeForFile } from './support.ts';
import { testEnv } from '../../../test/support/env.ts';
import {
  callerOf,
  issuedEvents,
  issueFlow,
  numbersBySeries,
  oneTo,
  request,
  seedRegisterOffices,
} from './register-support.ts';

const { app, pool, schema } = await intakeForFile(t);
await seedRegisterOffices(pool);
const dir = t.testdir({});
const childScript = join(import.meta.dirname, 'register-child.ts');

/** Starts the child; resolves `ready` when it has printed `lines` lines. */
function startChild(mode: string, file: string, lines: number) {
  const child = spawn(process.execPath, [childScript, testEnv.databaseUrl, schema, mode, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const seen: string[] = [];
  const ready = new Promise<string[]>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      seen.push(...parts);
      if (seen.length >= lines) resolve(seen.slice());
    });
    void exited.then(() => reject(new Error(`the child ended after ${seen.length} lines`)));
  });
  return { child, ready, exited };
}

await t.test('a process killed while holding the counter lock: the next reservation proceeds, no gap', async (t) => {
  const first = request('TU-A', 'CT', { date: new Date('2040-03-01T00:00:00Z') });
  const file = join(dir, 'hold.json');
  await writeFile(file, JSON.stringify(first));
  const { child, ready, exited } = startChild('hold', file, 1);
  t.same(await ready, ['reserved 01-CT/TU'], 'the child holds number 1 in an open transaction');
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL');
  // Blocks on the counter row until PostgreSQL has seen the dead connection and rolled it back.
  const next = await withTransaction(pool, (c) =>
    reserveNumber(c, request('TU-A', 'CT', { date: new Date('2040-03-02T00:00:00Z') })),
  );
  t.equal(next.symbol, '01-CT/TU', 'number 1 again: the killed reservation never committed');
  const again = await withTransaction(pool, (c) => reserveNumber(c, first));
  t.equal(again.number, 2, 'the killed document asks again and gets the next number');
});

await t.test('intake killed half-way through 200 issues, then restarted: no gap, no duplicate', async (t) => {
  const requests = oneTo(200).map((i) =>
    request(i % 2 === 0 ? 'HU-A1' : 'TU-B', i % 3 === 0 ? 'NQ' : 'KL', { date: new Date('2041-06-01T00:00:00Z') }),
  );
  const file = join(dir, 'issue.json');
  await writeFile(file, JSON.stringify(requests));
  const { child, ready, exited } = startChild('issue', file, 60);
  const done = await ready;
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL');
  t.ok(done.length >= 60 && done.length < 200, `killed after ${done.length} issues`);

  // The restarted intake resumes every document of the batch (what it cannot know is done: all).
  const resumed = await Promise.all(requests.map((req) => issueFlow(pool, req)));
  const bySeries = [...(await numbersBySeries(pool))].filter(([key]) => key.endsWith('/2041'));
  t.equal(bySeries.length, 4);
  let total = 0;
  for (const [key, numbers] of bySeries) {
    t.same(numbers, oneTo(numbers.length), `${key}: 1..${numbers.length}`);
    total += numbers.length;
  }
  t.equal(total, 200, 'each document one number');
  t.ok(resumed.filter((r) => r.published).length <= 200 - done.length + 1, 'the finished ones did not publish again');
  const events = await issuedEvents(pool);
  t.ok(
    requests.every((r) => events.get(r.documentId) === 1),
    'exactly one document.issued per document',
  );
});

await t.test('the signing service unreachable for a while: reserved numbers wait, then complete', async (t) => {
  const requests = oneTo(30).map(() => request('VPTU-A', 'KH', { date: new Date('2042-01-10T00:00:00Z') }));
  let reachable = false;
  const seal = async () => {
    if (!reachable) throw new Error('ECONNREFUSED signing');
  };
  const first = await Promise.allSettled(requests.map((req) => issueFlow(pool, req, seal)));
  t.ok(
    first.every((r) => r.status === 'rejected'),
    'every issue failed at the seal',
  );
  const { rows } = await pool.query(
    "SELECT state, count(*)::int AS n FROM register_entry WHERE period = '2042' GROUP BY 1",
  );
  t.same(rows, [{ state: 'reserved', n: 30 }], 'their numbers stay reserved, none lost');
  const reserved = await pool.query<{ document_id: string; symbol: string }>(
    "SELECT document_id, symbol FROM register_entry WHERE period = '2042'",
  );
  const symbolOf = new Map(reserved.rows.map((r) => [r.document_id, r.symbol]));
  const other = await issueFlow(pool, request('VPTU-A', 'KH', { date: new Date('2042-01-11T00:00:00Z') }));
  t.equal(other.symbol, '31-KH/VPTU', 'a new document takes the next number meanwhile');

  const stuck = await app.inject({
    method: 'GET',
    url: '/v1/registers/outgoing?state=reserved&period=2042',
    headers: callerOf('VPTU-A', 'registry'),
  });
  t.equal(stuck.json<{ entries: unknown[] }>().entries.length, 30, 'the registry sees the numbers waiting');
  // A person gives up on one of them: cancelled with a reason, never given again.
  const abandoned = requests.pop()!;
  const number = Number(symbolOf.get(abandoned.documentId)!.split('-')[0]);
  const cancel = await app.inject({
    method: 'POST',
    url: `/v1/registers/outgoing/KH/2042/${number}/cancellation`,
    headers: { ...callerOf('VPTU-A', 'registry'), 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: 'Văn bản không ban hành nữa' }),
  });
  t.equal(cancel.statusCode, 200, cancel.body);

  reachable = true;
  await t.rejects(issueFlow(pool, abandoned, seal), { code: 'REGISTER_NUMBER_CANCELLED' }, 'its issue stays refused');
  const retried = await Promise.all(requests.map((req) => issueFlow(pool, req, seal)));
  t.same(
    retried.map((r) => r.symbol),
    requests.map((r) => symbolOf.get(r.documentId)),
    'each retry issued with the number it reserved first',
  );
  const numbers = (await numbersBySeries(pool)).get('VPTU-A/KH/2042');
  t.same(numbers, oneTo(31));
  const events = await issuedEvents(pool);
  t.ok(
    requests.every((r) => events.get(r.documentId) === 1),
    'one document.issued each',
  );
});
