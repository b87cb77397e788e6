/**
 * The sealer loop on its own (the app built without sealing configured, so its rows wait for
 * this loop alone): signing down for several rounds is one warning, not one per round; back,
 * one line says so and the rows are sealed; closing waits for the round in progress.
 */
import t from 'tap';
import { waitFor } from '../../../test/support/env.ts';
import { startSealer } from '../src/evidence/sealer.ts';
import { createEvidenceSigner } from '../src/evidence/signing-client.ts';
import { startEvidenceSigning } from './evidence-signing.ts';
import { deliveryForFile, issueDocument, issuedEnvelope, publishIssued, waitForConsigned } from './support.ts';

const signing = await startEvidenceSigning();
t.teardown(() => signing.close());
const d = await deliveryForFile(t);
const { pool } = d;

await t.test('signing down is logged once, back once; then every row is sealed', async (t) => {
  const doc = await issueDocument(d, ['HU-A1', 'HU-B1', 'TU-B']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 3);
  const lines: Array<{ level: string; message: string }> = [];
  const logger = {
    warn: (_obj: unknown, message?: string) => lines.push({ level: 'warn', message: message ?? String(_obj) }),
    info: (obj: unknown) => lines.push({ level: 'info', message: String(obj) }),
  };
  signing.down = true;
  const sealer = startSealer({
    pool,
    signer: createEvidenceSigner({
      signingUrl: signing.url,
      key: signing.keyPem,
      tsaUrl: `${signing.url}/v1/tsa`,
      timeoutMs: 5000,
    }),
    retryMinMs: 1,
    retryMaxMs: 5,
    pollMs: 20,
    logger,
  });
  t.teardown(() => sealer.close());
  await waitFor('five rounds refused', async () => {
    const { rows } = await pool.query<{ n: number }>('SELECT max(attempts)::int AS n FROM evidence');
    return rows[0]!.n >= 5;
  });
  t.same(
    lines.map((l) => l.level),
    ['warn'],
    'one warning for five failed rounds',
  );
  t.match(lines[0]!.message, /sealing failed; rows wait/);
  signing.down = false;
  await waitFor('all sealed', async () => {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence WHERE cms IS NULL');
    return rows[0]!.n === 0;
  });
  t.same(
    lines.map((l) => l.level),
    ['warn', 'info'],
    'and one line when it works again',
  );
  t.match(lines[1]!.message, /works again/);
  await sealer.close();
  sealer.wake();
  t.equal(
    (await pool.query('SELECT count(*)::int AS n FROM evidence')).rows[0].n,
    4,
    'the submission and three consignments',
  );
});
