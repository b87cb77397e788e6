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
import { waitFor } from '../../../test/support/env.ts';
import { startSealer } from '../src/evidence/sealer.ts';
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
