/**
 * A directive to every commune office of the country (3,321) on the real Kafka: every inbox
 * holds it exactly once; the same event delivered again changes nothing; a Hỏa tốc document
 * issued after it is consigned while the ordinary legs are still draining (its own topic
 * and consumer group).
 */
import t from 'tap';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  nationalCommunes,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t, { bus: 'kafka' });
const { pool } = d;
const communes = nationalCommunes();
const count = async (sql: string, params: unknown[] = []) =>
  Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

await t.test('3,321 communes, each inbox once; redelivery changes nothing; urgent overtakes', async (t) => {
  t.equal(communes.length, 3321);
  const directive = await issueDocument(d, communes);
  const envelope = issuedEnvelope(directive);
  await publishIssued(d, envelope);
  const last = communes.at(-1)!;
  const flash = await issueDocument(d, [last], { urgency: 'flash', office: 'VPTU-B' });
  await publishIssued(d, issuedEnvelope(flash));
  await waitForConsigned(pool, directive.documentId, 3321, 300_000);
  await waitForConsigned(pool, flash.documentId, 1);

  const legs = await pool.query<{ n: string; recipients: string; consigned: string; seqs: string }>(
    `SELECT count(*) AS n, count(DISTINCT recipient) AS recipients, count(*) FILTER (WHERE status = '01') AS consigned,
       count(DISTINCT inbox_seq) AS seqs
     FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1`,
    [directive.documentId],
  );
  t.same(legs.rows[0], { n: '3321', recipients: '3321', consigned: '3321', seqs: '3321' });
  t.equal(
    await count(
      `SELECT count(*) AS n FROM leg_event e JOIN delivery_leg l ON l.id = e.leg_id JOIN delivery d ON d.id = l.delivery_id
       WHERE d.document_id = $1 AND e.event = 'consigned'`,
      [directive.documentId],
    ),
    3321,
    'consigned once each',
  );
  const overtaken = await count(
    `SELECT count(*) AS n FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE d.document_id = $1 AND l.inbox_seq > (SELECT l2.inbox_seq FROM delivery_leg l2 JOIN delivery d2 ON d2.id = l2.delivery_id WHERE d2.document_id = $2)`,
    [directive.documentId, flash.documentId],
  );
  t.ok(overtaken > 0, `the Hỏa tốc leg was consigned before ${overtaken} ordinary legs issued before it`);

  await publishIssued(d, envelope);
  const marker = await issueDocument(d, [last]);
  await publishIssued(d, issuedEnvelope(marker));
  await waitForConsigned(pool, marker.documentId, 1);
  t.equal(await count('SELECT count(*) AS n FROM delivery_leg'), 3321 + 2, 'redelivery made no leg');
  t.equal(
    await count('SELECT count(*) AS n FROM outbox WHERE topic = $1', [d.topics.sent]),
    3321 + 1,
    'nor a delivery.sent',
  );
  t.same(
    (
      await pool.query(
        `SELECT e.event, count(*)::int AS n, count(DISTINCT coalesce(e.recipient_office, '-'))::int AS legs
         FROM evidence e JOIN delivery d ON d.id = e.delivery_id WHERE d.document_id = $1 GROUP BY e.event ORDER BY 1`,
        [directive.documentId],
      )
    ).rows,
    [
      { event: 'ContentConsignment', n: 3321, legs: 3321 },
      { event: 'SubmissionAcceptance', n: 1, legs: 1 },
    ],
    'one evidence row per act, none twice after the redelivery',
  );
});
