/**
 * One caller's signatures and seals at signing (src/issue/caller-gate.ts): the gate itself
 * (so many run, the next wait in order, beyond the queue 503 ISSUE_QUEUE_FULL, a failure
 * frees its place, callers apart); through the issue route with a REAL signing app: a full
 * queue refuses at once with Retry-After and reserves nothing, the queued issue completes;
 * and signing's own per-caller limit (429 with Retry-After, met because another client of
 * the same registry holds signing's only upload place) waited out and the seal asked again;
 * and which 429s are retried: only signing's upload limit, only for a short Retry-After, at
 * most `maxBusyRetries` times (a stub HTTP server answering 429).
 */
import t from 'tap';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@lienthong/service';
import { createCallerGate } from '../src/issue/caller-gate.ts';
import { createSigningClient, maxBusyRetries } from '../src/issue/signing-client.ts';
import { callers, issueAs, issueWorld, signedDocument, type IssueWorld } from './issue-support.ts';
import { issuedEvents, numbersBySeries, oneTo } from './register-support.ts';

const period = String(new Date(Date.now() + 7 * 3_600_000).getUTCFullYear());

/** A promise and its resolver. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, no) => {
    resolve = ok;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Waits until `check` holds (polling; the bound only keeps a broken run from hanging). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`never: ${what}`);
}

await t.test('the gate: two run, one waits, the next refused; in order; a failure frees its place', async (t) => {
  const gate = createCallerGate({ perCaller: 2, queuePerCaller: 1 });
  const first = deferred<string>();
  const second = deferred<string>();
  const order: string[] = [];
  const a = gate.run('registry', () => first.promise.then((v) => (order.push(v), v)));
  const b = gate.run('registry', () => second.promise.then((v) => (order.push(v), v)));
  const c = gate.run('registry', async () => (order.push('c'), 'c'));
  t.same(gate.load('registry'), { running: 2, waiting: 1 });
  await t.rejects(
    gate.run('registry', async () => 'd'),
    { code: 'ISSUE_QUEUE_FULL', status: 503 },
    'refused',
  );
  t.equal(await gate.run('another', async () => 'e'), 'e', 'another caller has its own places');
  second.reject(new Error('signing failed'));
  await t.rejects(b, /signing failed/);
  t.equal(await c, 'c', 'the waiting call takes the failed one’s place');
  first.resolve('a');
  t.equal(await a, 'a');
  t.same(order, ['c', 'a']);
  t.same(gate.load('registry'), { running: 0, waiting: 0 }, 'nothing left behind');
});

await t.test('a queue of none: the second call of a caller is refused at once', async (t) => {
  const gate = createCallerGate({ perCaller: 1, queuePerCaller: 0 });
  const held = deferred();
  const a = gate.run('registry', () => held.promise);
  const error = await gate.run('registry', async () => undefined).catch((e: unknown) => e);
  t.ok(error instanceof AppError, 'an AppError');
  t.match(error, { code: 'ISSUE_QUEUE_FULL', extra: { retryAfterSeconds: 2 } });
  held.resolve();
  await a;
});

await t.test('through the route: a full queue is 503 with Retry-After and reserves nothing', async (t) => {
  const world: IssueWorld = await issueWorld(t, {
    relay: true,
    intakeEnv: { LIENTHONG_INTAKE_SEALS_PER_CALLER: '1', LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER: '1' },
  });
  const relay = world.relay!;
  const ids = [];
  for (const _ of oneTo(4)) ids.push(await signedDocument(world));
  relay.hold();
  const first = issueAs(world, ids[0]!);
  await until(() => relay.waiting() >= 1, 'the first issue at signing');
  const rest = ids.slice(1).map((id) => issueAs(world, id).then((res) => ({ id, res })));
  const refused: Array<{ id: string; res: Awaited<ReturnType<typeof issueAs>> }> = [];
  for (const answer of rest) void answer.then((a) => a.res.statusCode === 503 && refused.push(a));
  await until(() => refused.length >= 2, 'two refusals');
  for (const { res } of refused) {
    t.equal(res.json<{ code: string }>().code, 'ISSUE_QUEUE_FULL', res.body);
    t.equal(res.headers['retry-after'], '2', 'says when to come back');
  }
  const { rows } = await world.intake.pool.query<{ document_id: string }>('SELECT document_id FROM register_entry');
  const reserved = new Set(rows.map((r) => r.document_id));
  for (const { id } of refused) t.notOk(reserved.has(id), 'a refused issue reserved no number');
  relay.release();
  const firstAnswer = await first;
  t.equal(firstAnswer.statusCode, 200, firstAnswer.body);
  const answers = await Promise.all(rest);
  t.equal(answers.filter((a) => a.res.statusCode === 200).length, 1, 'the queued one completes');
  for (const { id } of refused) {
    const again = await issueAs(world, id);
    t.equal(again.statusCode, 200, again.body);
  }
  t.same((await numbersBySeries(world.intake.pool)).get(`VPTU-CM/CT/${period}`), oneTo(4), 'no gap');
  const events = await issuedEvents(world.intake.pool);
  for (const id of ids) t.equal(events.get(id), 1, 'one event each');
});

await t.test('signing’s per-caller limit met: intake waits its Retry-After and seals', async (t) => {
  const world = await issueWorld(t, { signingEnv: { LIENTHONG_SIGNING_UPLOADS_PER_CALLER: '1' } });
  const id = await signedDocument(world);
  // Another client of the same registry holds signing's one upload place: a body never finished.
  const url = new URL(`${world.signingUrl}/v1/keys/${world.keys.seal}/pdf-signatures`);
  const held = httpRequest(url, {
    method: 'POST',
    headers: { ...callers.registry, 'content-type': 'application/pdf', 'content-length': '1000000' },
  });
  held.on('error', () => undefined);
  held.write('%PDF-1.7\n');
  const tooMany = async () => {
    const metrics = await world.signing.app.inject({ method: 'GET', url: '/metrics' });
    const line = metrics.body
      .split('\n')
      .find((l) => l.startsWith('http_request_duration_seconds_count') && l.includes('status="429"'));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  const issuing = issueAs(world, id);
  await until(async () => (await tooMany()) >= 1, 'signing refused the seal with 429');
  held.destroy();
  const res = await issuing;
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { number: 1, symbol: '01-CT/VPTU' });
  t.ok((await tooMany()) >= 1, 'the seal was refused first, then asked again');
  t.equal((await issuedEvents(world.intake.pool)).get(id), 1);
});

await t.test('signing’s 429: retried only for its upload limit, only when it asks a short wait', async (t) => {
  const answers: Array<{ retryAfter: string; code: string }> = [];
  let calls = 0;
  const server = createServer((request, response) => {
    calls++;
    request.resume();
    const answer = answers[0]!;
    response.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': answer.retryAfter });
    response.end(JSON.stringify({ code: answer.code, status: 429, detail: 'busy' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = createSigningClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const cases = [
    { retryAfter: '0', code: 'TOO_MANY_REQUESTS', calls: maxBusyRetries + 1, expect: 'SIGNING_UNAVAILABLE' },
    { retryAfter: '3600', code: 'TOO_MANY_REQUESTS', calls: 1, expect: 'SIGNING_UNAVAILABLE' },
    { retryAfter: 'soon', code: 'TOO_MANY_REQUESTS', calls: maxBusyRetries + 1, expect: 'SIGNING_UNAVAILABLE' },
    { retryAfter: '0', code: 'SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED', calls: 1, expect: 'SIGNING_PIN_ATTEMPTS_EXCEEDED' },
  ];
  for (const c of cases) {
    answers.splice(0, 1, c);
    calls = 0;
    await t.rejects(client.keyOf('Bearer x', 'seal'), { code: c.expect, extra: { signingCode: c.code } }, c.code);
    t.equal(calls, c.calls, `Retry-After ${c.retryAfter}, ${c.code}: ${c.calls} call(s)`);
  }
});
