/**
 * The issue flow when signing goes away and under concurrency, against a REAL signing app:
 * signing's listener stopped during an issue → 503, the number stays reserved (visible in
 * the register), nothing issued or published; back again, the retry completes with the
 * same number and one event. Two issues of one document at once: one number, one event.
 * Several documents of one series issued at once: numbers 1..N, one event each.
 */
import t from 'tap';
import { issuedEvents, numbersBySeries, oneTo } from './register-support.ts';
import { callers, contentOf, issueAs, issueWorld, signedDocument } from './issue-support.ts';

const world = await issueWorld(t);
const period = String(new Date(Date.now() + 7 * 3_600_000).getUTCFullYear());

await t.test('signing unreachable: 503, the number reserved; back again: the same number', async (t) => {
  const id = await signedDocument(world);
  await world.stopSigning();
  let res;
  try {
    res = await issueAs(world, id);
  } finally {
    await world.startSigning();
  }
  t.equal(res.statusCode, 503, res.body);
  t.equal(res.json<{ code: string }>().code, 'SIGNING_UNAVAILABLE');
  const reserved = await world.intake.app.inject({
    method: 'GET',
    url: '/v1/registers/outgoing?state=reserved',
    headers: callers.registry,
  });
  t.match(reserved.json(), { entries: [{ documentId: id, number: 1, state: 'reserved' }] }, 'visible as reserved');
  const gauge = /^lienthong_numbers_reserved_pending\{service="intake"\} (\d+)$/m;
  const metrics = async () => (await world.intake.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.equal(gauge.exec(await metrics())?.[1], '1', 'the reserved number on /metrics');
  t.notMatch(await metrics(), /^lienthong_documents_issued_total\{/m, 'nothing issued');
  const doc = await world.intake.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: callers.system });
  t.equal(doc.json<{ state: string }>().state, 'signed', 'still signed');
  t.equal((await issuedEvents(world.intake.pool)).get(id), undefined, 'nothing published');

  const retry = await issueAs(world, id);
  t.equal(retry.statusCode, 200, retry.body);
  t.match(retry.json(), { number: 1, symbol: '01-CT/VPTU' }, 'the reserved number, reused');
  t.equal(gauge.exec(await metrics())?.[1], '0', 'issued: no longer reserved');
  t.match(await metrics(), /^lienthong_documents_issued_total\{type="CT",service="intake"\} 1$/m);
  t.equal((await issuedEvents(world.intake.pool)).get(id), 1, 'one event');
  t.same((await numbersBySeries(world.intake.pool)).get(`VPTU-CM/CT/${period}`), [1], 'no number consumed twice');
});

await t.test('two issues of one document at once: one number, one event', async (t) => {
  const id = await signedDocument(world);
  const [a, b] = await Promise.all([issueAs(world, id), issueAs(world, id)]);
  t.equal(a.statusCode, 200, a.body);
  t.equal(b.statusCode, 200, b.body);
  t.same(a.json(), b.json(), 'the same answer');
  t.match(a.json(), { number: 2 });
  t.equal((await issuedEvents(world.intake.pool)).get(id), 1, 'one event');
  const pdf = await contentOf(world, id);
  t.equal(pdf.length, a.json<{ size: number }>().size, 'the issued PDF is the one the answer names');
});

await t.test('four documents of one series at once: numbers 3..6, one event each', async (t) => {
  const ids = await Promise.all(oneTo(4).map(() => signedDocument(world)));
  const answers = await Promise.all(ids.map((id) => issueAs(world, id)));
  for (const a of answers) t.equal(a.statusCode, 200, a.body);
  const numbers = answers.map((a) => a.json<{ number: number }>().number).sort((x, y) => x - y);
  t.same(numbers, [3, 4, 5, 6]);
  t.same((await numbersBySeries(world.intake.pool)).get(`VPTU-CM/CT/${period}`), oneTo(6), 'the series is 1..6');
  const events = await issuedEvents(world.intake.pool);
  for (const id of ids) t.equal(events.get(id), 1);
});
