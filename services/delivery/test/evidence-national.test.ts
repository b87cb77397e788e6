/**
 * Evidence of a directive to every commune office (3,321): the sealer seals the submission
 * and 3,321 consignments through the stand-in of signing's evidence route (500 statements a
 * request) and the stamper stamps them in batches, each CMS linking to the submission. The
 * seconds it took are printed, not asserted (the machine is shared).
 */
import t from 'tap';
import { evidenceDigest } from '@lienthong/evidence';
import { waitFor } from '../../../test/support/env.ts';
import { startEvidenceSigning } from './evidence-signing.ts';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  nationalCommunes,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const signing = await startEvidenceSigning();
t.teardown(() => signing.close());
const d = await deliveryForFile(t, {
  env: {
    LIENTHONG_DELIVERY_SIGNING_URL: signing.url,
    LIENTHONG_DELIVERY_EVIDENCE_KEY: signing.keyPem,
    LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: '100',
  },
});
const { pool } = d;

await t.test('3,321 consignments sealed and time-stamped, each linked to the submission', async (t) => {
  const communes = nationalCommunes();
  const directive = await issueDocument(d, communes);
  const started = performance.now();
  await publishIssued(d, issuedEnvelope(directive));
  await waitForConsigned(pool, directive.documentId, 3321, 300_000);
  const consigned = performance.now();
  const state = async () =>
    (
      await pool.query<{ n: number; sealed: number; stamped: number }>(
        `SELECT count(*)::int AS n, count(e.cms)::int AS sealed, count(b.token)::int AS stamped
         FROM evidence e JOIN delivery d ON d.id = e.delivery_id LEFT JOIN evidence_batch b ON b.id = e.batch_id
         WHERE d.document_id = $1`,
        [directive.documentId],
      )
    ).rows[0]!;
  await waitFor('every evidence sealed', async () => (await state()).sealed === 3322, 300_000);
  const sealed = performance.now();
  await waitFor('every evidence stamped', async () => (await state()).stamped === 3322, 300_000);
  const stamped = performance.now();
  t.same(await state(), { n: 3322, sealed: 3322, stamped: 3322 });
  const s = (ms: number) => (ms / 1000).toFixed(2);
  t.comment(
    `from publish: consigned ${s(consigned - started)} s, sealed ${s(sealed - started)} s, stamped ${s(stamped - started)} s; ` +
      `signing requests ${signing.sealed.length} (largest ${Math.max(...signing.sealed)}), TSA requests ${signing.stamps}`,
  );
  const { rows } = await pool.query<{ cms: Buffer; statement: Buffer; recipient_office: string | null }>(
    `SELECT e.cms, e.statement, e.recipient_office FROM evidence e JOIN delivery d ON d.id = e.delivery_id
     WHERE d.document_id = $1`,
    [directive.documentId],
  );
  const submission = rows.find((r) => r.recipient_office === null)!;
  const link = Buffer.from(evidenceDigest(submission.cms)).toString('hex');
  t.equal(
    rows.filter((r) => r.recipient_office !== null && JSON.parse(r.statement.toString()).previous === link).length,
    3321,
    'every consignment links to the submission',
  );
});
