/**
 * Issue 16's concurrency check at the HTTP level: a burst of `POST /v1/documents/{id}/issue`
 * across 5 offices × 3 series through intake listening on a loopback port, each seal made by
 * the REAL signing service (B-LTA, the office's seal, signing at its default limit of 2
 * uploads in flight per caller): every document gets exactly one number, each series is
 * exactly 1..N, nothing deadlocks, no request fails for signing's per-caller limit (intake's
 * gate queues them), one `document.issued` per document in the outbox. One document in ten
 * is asked twice at once.
 *
 * NOT 1,000 here, on purpose: each issue stamps and seals a PDF with a time-stamp and
 * long-term validation data (B-LTA) at signing, and each document must first be signed there
 * (B-T). On the two shared cores of the test machine 60 documents took about 40 s to submit
 * and sign and 13 s to issue (66 requests at once, about 5 issues/s): 1,000 would take some
 * 11 minutes to sign and 3 to issue. So the test issues `perSeries` (4) documents in each of
 * the 15 series — 60, all at once, 10 seals in flight at signing, each registry's others
 * queued by intake's gate — and the 1,000 concurrent issues across 5 offices × 3 series stay
 * at the numbering layer (register-numbering.test.ts), where the seal is not the cost.
 */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { callersOf, issueWorld, signedDocument } from './issue-support.ts';
import { issuedEvents, numbersBySeries, oneTo } from './register-support.ts';

const offices = ['VPTU-CM', 'VPTU-BL', 'VPTU-HN', 'VPTU-AG', 'VPTU-KG'];
const types = ['CT', 'NQ', 'KL'];
const perSeries = 4;

const world = await issueWorld(t, {
  offices: offices.slice(1),
  signingEnv: { LIENTHONG_SIGNING_UPLOADS_PER_CALLER: '2' },
});
await world.intake.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(world.intake.app.server.address() as AddressInfo).port}`;
const period = String(new Date(Date.now() + 7 * 3_600_000).getUTCFullYear());

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

/** `POST /v1/documents/{id}/issue` over HTTP as `office`'s registry. */
async function issue(office: string, id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/v1/documents/${id}/issue`, {
    method: 'POST',
    headers: callersOf(office).registry,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

await t.test(
  `${offices.length * types.length * perSeries} issues at once over HTTP, 5 offices × 3 series`,
  async (t) => {
    const plan = offices.flatMap((office) => types.flatMap((type) => oneTo(perSeries).map(() => ({ office, type }))));
    const started = performance.now();
    const docs = await inBatches(plan, 6, async ({ office, type }) => ({
      office,
      type,
      id: await signedDocument(world, { type }, office),
    }));
    t.comment(
      `${docs.length} documents submitted and signed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const burst = performance.now();
    const asked = docs.flatMap((d, i) => (i % 10 === 0 ? [d, d] : [d]));
    const answers = await Promise.all(asked.map(async (d) => ({ ...d, ...(await issue(d.office, d.id)) })));
    t.comment(`${asked.length} issue requests answered in ${((performance.now() - burst) / 1000).toFixed(1)} s`);

    const failed = answers.filter((a) => a.status !== 200);
    t.same(
      failed.map((a) => `${a.status} ${String(a.body.code)}`),
      [],
      'every request issued: none refused for signing’s limit, none deadlocked',
    );
    const numberOf = new Map<string, number>();
    for (const a of answers) {
      const seen = numberOf.get(a.id);
      if (seen !== undefined) t.equal(a.body.number, seen, 'both requests of a document answer its one number');
      numberOf.set(a.id, a.body.number as number);
    }
    const bySeries = await numbersBySeries(world.intake.pool);
    for (const office of offices)
      for (const type of types) {
        const numbers = docs
          .filter((d) => d.office === office && d.type === type)
          .map((d) => numberOf.get(d.id)!)
          .sort((x, y) => x - y);
        t.same(numbers, oneTo(perSeries), `${office} ${type}: the answers are 1..${perSeries}`);
        t.same(
          bySeries.get(`${office}/${type}/${period}`),
          oneTo(perSeries),
          `${office} ${type}: the register is 1..N`,
        );
      }
    const { rows } = await world.intake.pool.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM register_entry WHERE register = 'outgoing' GROUP BY state",
    );
    t.same(rows, [{ state: 'issued', n: docs.length }], 'every entry issued, none left reserved');
    const events = await issuedEvents(world.intake.pool);
    t.equal(events.size, docs.length, 'an event for every document');
    t.same(
      docs.filter((d) => events.get(d.id) !== 1),
      [],
      'exactly one document.issued per document',
    );
  },
);
