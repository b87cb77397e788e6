/**
 * The sealer loop on its own (the app built without sealing configured, so its rows wait for
 * this loop alone): signing down for several rounds is one warning, not one per round; back,
 * one line says so and the rows are sealed. The signing client: an answer too large (chunked),
 * not JSON, a redirect or a problem is a failure saying what.
 */
import t from 'tap';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTransaction } from '@lienthong/db';
import { waitFor } from '../../../test/support/env.ts';
import { claimUnsealed, storeSealed } from '../src/evidence/evidence-repository.ts';
import { sealRound, startSealer } from '../src/evidence/sealer.ts';
import type { EvidenceSigner } from '../src/evidence/signing-client.ts';
import { createEvidenceSigner, EvidenceCallFailure } from '../src/evidence/signing-client.ts';
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
    leaseMs: 30_000,
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

await t.test('the signing client: hostile answers are failures, never thrown past it unexplained', async (t) => {
  const answers: Record<string, (res: ServerResponse) => void> = {
    '/huge': (res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const more = (): void => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      more();
    },
    '/not-json': (res) => res.writeHead(201, { 'content-type': 'application/json' }).end('<html>'),
    '/redirect': (res) => res.writeHead(307, { location: 'http://127.0.0.1:1/' }).end(),
    '/problem': (res) =>
      res
        .writeHead(409, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ code: 'OFFICE_HAS_NO_SEAL', detail: 'no seal' })),
  };
  const server = createServer((req, res) => {
    req.resume();
    answers[req.url!.replace('/v1/evidence/signatures', '')]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const expected: Record<string, RegExp> = {
    '/huge': /ANSWER_TOO_LARGE/,
    '/not-json': /ANSWER_MALFORMED/,
    '/redirect': /HTTP_307/,
    '/problem': /OFFICE_HAS_NO_SEAL/,
  };
  for (const [path, code] of Object.entries(expected)) {
    const client = createEvidenceSigner({
      signingUrl: `${base}${path}`,
      key: signing.keyPem,
      tsaUrl: `${base}/tsa`,
      timeoutMs: 10_000,
    });
    const error = await client.seal('VPTU-A', [new Uint8Array([1])]).then(
      () => undefined,
      (e: unknown) => e as EvidenceCallFailure,
    );
    t.ok(error instanceof EvidenceCallFailure, `${path}: a failure`);
    t.match(`${error?.code} ${error?.message}`, code, `${path}: ${error?.message.slice(0, 120)}`);
  }
});

await t.test(
  'a round holds no lock or transaction while signing answers; leased rows are not taken twice',
  async (t) => {
    const doc = await issueDocument(d, ['HU-C1', 'HU-C2']);
    await publishIssued(d, issuedEnvelope(doc));
    await waitForConsigned(pool, doc.documentId, 2);
    const real = createEvidenceSigner({
      signingUrl: signing.url,
      key: signing.keyPem,
      tsaUrl: `${signing.url}/v1/tsa`,
      timeoutMs: 5000,
    });
    const ofDoc = `SELECT e.id FROM evidence e JOIN delivery x ON x.id = e.delivery_id WHERE x.document_id = $1`;
    let during: { lockedBy: number; second: number } | undefined;
    const watching: EvidenceSigner = {
      stamp: (request, office) => real.stamp(request, office),
      async seal(office, statements) {
        // While signing "works": the rows can be locked by anyone else at once, and a second round takes none.
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const locked = await client.query(`${ofDoc} FOR UPDATE NOWAIT`, [doc.documentId]);
          await client.query('ROLLBACK');
          const second = await sealRound({ pool, signer: real, retryMinMs: 1, retryMaxMs: 5, leaseMs: 30_000 });
          during = { lockedBy: locked.rowCount ?? 0, second: second.sealed + second.deferred };
        } finally {
          client.release();
        }
        return real.seal(office, statements);
      },
    };
    const round = await sealRound({ pool, signer: watching, retryMinMs: 1, retryMaxMs: 5, leaseMs: 30_000 });
    t.equal(round.sealed, 1, 'the submission first (its successors wait for it)');
    t.ok(during !== undefined && during.lockedBy >= 1, 'the rows were not locked while signing answered');
    t.equal(during?.second, 0, 'a round meanwhile takes none of the leased rows');

    // A lease run out: two rounds seal the same rows; the first evidence stored stays.
    const next = await withTransaction(pool, (c) => claimUnsealed(c, new Date(), 500, new Date(Date.now() - 1000)));
    t.equal(next.length, 2, 'the two consignments, leased with a lease already over');
    const first = await sealRound({ pool, signer: real, retryMinMs: 1, retryMaxMs: 5, leaseMs: 30_000 });
    t.equal(first.sealed, 2);
    const stored = await pool.query<{ id: string; cms: Buffer }>(
      `SELECT e.id, e.cms FROM evidence e JOIN delivery x ON x.id = e.delivery_id
     WHERE x.document_id = $1 AND e.event = 'ContentConsignment' ORDER BY e.id`,
      [doc.documentId],
    );
    t.equal(
      await storeSealed(
        pool,
        next.map((r) => ({ id: r.id, statement: new Uint8Array([1]), cms: new Uint8Array([2]) })),
        new Date(),
      ),
      0,
      'a late second round stores nothing',
    );
    const after = await pool.query<{ id: string; cms: Buffer }>(
      `SELECT e.id, e.cms FROM evidence e JOIN delivery x ON x.id = e.delivery_id
     WHERE x.document_id = $1 AND e.event = 'ContentConsignment' ORDER BY e.id`,
      [doc.documentId],
    );
    t.same(after.rows, stored.rows, 'the first evidence stays');
  },
);
