/**
 * The legs on `/metrics`: `lienthong_delivery_consigned_total` counts each leg put into an
 * inbox once (a redelivered event adds nothing), `lienthong_delivery_legs{status}` counts the
 * legs by status, and `lienthong_delivery_oldest_waiting_seconds{office}` says, per recipient
 * office, how long its oldest leg not yet handed over has waited, the office's series gone
 * once its inbox was fetched.
 */
import t from 'tap';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t);
const { pool, app } = d;

/** The value of the sample of `name` whose labels include `labels` (undefined: none). */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  for (const line of body.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

await t.test('nothing delivered: no leg counted, no office waiting', async (t) => {
  t.equal(await sample('lienthong_delivery_consigned_total', { service: 'delivery' }), 0);
  t.equal(await sample('lienthong_delivery_legs'), undefined);
  t.equal(await sample('lienthong_delivery_oldest_waiting_seconds'), undefined);
});

await t.test('consigned legs counted once, by status, each office waiting until it fetches', async (t) => {
  const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'DU-A11']);
  const envelope = issuedEnvelope(data);
  await publishIssued(d, envelope);
  await waitForConsigned(pool, data.documentId, 3);
  await publishIssued(d, envelope); // redelivered: consigns nothing
  const marker = await issueDocument(d, ['DU-A12']);
  await publishIssued(d, issuedEnvelope(marker));
  await waitForConsigned(pool, marker.documentId, 1);

  t.equal(await sample('lienthong_delivery_consigned_total'), 4, 'four legs, each once');
  t.equal(await sample('lienthong_delivery_legs', { status: '01' }), 4, 'all four arrived');
  // The legs sent ten minutes ago: the waiting time comes from the database, not the scrape.
  await pool.query(`UPDATE delivery_leg SET sent_at = now() - interval '10 minutes' WHERE recipient <> 'DU-A12'`);
  for (const office of ['HU-A1', 'HU-B1', 'DU-A11']) {
    t.ok((await sample('lienthong_delivery_oldest_waiting_seconds', { office }))! >= 600, `${office} waits`);
  }
  t.ok((await sample('lienthong_delivery_oldest_waiting_seconds', { office: 'DU-A12' }))! < 600, 'DU-A12 since now');

  const { rows } = await pool.query<{ id: string }>(
    "SELECT l.id FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1 AND l.recipient = 'HU-A1'",
    [data.documentId],
  );
  const res = await app.inject({
    method: 'GET',
    url: `/v1/inbox/${rows[0]!.id}/content`,
    headers: callerOf('HU-A1', 'office-system'),
  });
  t.equal(res.statusCode, 200);
  // The hand-over is recorded once the last byte went out, just after the answer.
  for (let i = 0; i < 200; i++) {
    const handed = await pool.query('SELECT 1 FROM delivery_leg WHERE id = $1 AND handed_over_at IS NOT NULL', [
      rows[0]!.id,
    ]);
    if (handed.rowCount === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.equal(await sample('lienthong_delivery_oldest_waiting_seconds', { office: 'HU-A1' }), undefined, 'HU-A1 fetched');
  t.ok((await sample('lienthong_delivery_oldest_waiting_seconds', { office: 'HU-B1' }))! >= 600, 'HU-B1 still waits');
  t.equal(await sample('lienthong_delivery_legs', { status: '01' }), 4, 'fetched is still 01 (arrived)');
});
