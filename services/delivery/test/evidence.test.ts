/**
 * Signed evidence of every delivery event, on the real PostgreSQL, Kafka and MinIO with a real intake (the
 * incoming register) and a stand-in of signing's evidence route and TSA that answers the
 * contract with the test PKI (evidence-signing.ts): one row per act written with it (none
 * twice), the sealer's chains, signing down and back, the TSA down and back with the gauges,
 * offline checks (checkEvidence, checkTimestampedEvidence, openssl cms -verify, a bundle
 * from the export routes through verifyBundle, a byte changed anywhere), hostile input on
 * the export routes.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope } from '@lienthong/bus';
import {
  assembleBundle,
  checkEvidence,
  checkTimestampedEvidence,
  evidenceDigest,
  parseStatement,
  verifyBundle,
} from '@lienthong/evidence';
import type { EvidenceStatement } from '@lienthong/evidence';
import { eventDefinitions } from '@lienthong/records';
import { intakeForFile } from '../../intake/test/support.ts';
import { seedRegisterOffices } from '../../intake/test/register-support.ts';
import { waitFor } from '../../../test/support/env.ts';
import { sweepOverdue } from '../src/deliveries/overdue.ts';
import { countEvidenceBacklog } from '../src/evidence/evidence-repository.ts';
import { createEvidenceSigner } from '../src/evidence/signing-client.ts';
import { formBatch, stampDue } from '../src/evidence/stamper.ts';
import { startEvidenceSigning } from './evidence-signing.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const signing = await startEvidenceSigning();
t.teardown(() => signing.close());
const intake = await intakeForFile(t);
await seedRegisterOffices(intake.pool);
await intake.app.listen({ port: 0, host: '127.0.0.1' });
const intakeUrl = `http://127.0.0.1:${(intake.app.server.address() as AddressInfo).port}`;
const d = await deliveryForFile(t, {
  bus: 'kafka',
  objects: 'minio',
  env: {
    LIENTHONG_DELIVERY_INTAKE_URL: intakeUrl,
    LIENTHONG_DELIVERY_SIGNING_URL: signing.url,
    LIENTHONG_DELIVERY_EVIDENCE_KEY: signing.keyPem,
    LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-test',
    LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: '50',
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MIN_MS: '20',
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MAX_MS: '200',
    LIENTHONG_DELIVERY_TSA_RETRY_MIN_MS: '20',
    LIENTHONG_DELIVERY_TSA_RETRY_MAX_MS: '200',
  },
});
const { app, pool, topics } = d;
const root = signing.h.root.certificate;
const trust = { trustAnchors: [root], time: new Date() };

type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
const sender = callerOf('VPTU-A', 'registry');

interface Row {
  id: string;
  event: string;
  recipient_office: string | null;
  acting_office: string;
  seq: string;
  cms: Buffer | null;
  statement: Buffer | null;
  proof: { index: number; size: number; path: string[] } | null;
  token: Buffer | null;
}
const rowsOf = async (deliveryId: string): Promise<Row[]> =>
  (
    await pool.query<Row>(
      `SELECT e.id, e.event, e.recipient_office, e.acting_office, e.seq, e.cms, e.statement, e.proof, b.token
       FROM evidence e LEFT JOIN evidence_batch b ON b.id = e.batch_id
       WHERE e.delivery_id = $1 ORDER BY coalesce(e.recipient_office, ''), e.seq`,
      [deliveryId],
    )
  ).rows;
const deliveryOf = async (documentId: string): Promise<string> =>
  (await pool.query<{ id: string }>('SELECT id FROM delivery WHERE document_id = $1', [documentId])).rows[0]!.id;
const entryOf = async (office: string, documentId: string): Promise<string> =>
  (
    await pool.query<{ id: string }>(
      'SELECT l.id FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1 AND l.recipient = $2',
      [documentId, office],
    )
  ).rows[0]!.id;
const allSealed = (deliveryId: string) =>
  waitFor(`every evidence of ${deliveryId} sealed`, async () =>
    (await rowsOf(deliveryId)).every((r) => r.cms !== null),
  );
const allStamped = (deliveryId: string) =>
  waitFor(`every evidence of ${deliveryId} stamped`, async () =>
    (await rowsOf(deliveryId)).every((r) => r.token !== null),
  );

function recallEnvelope(documentId: string, reason: string) {
  const definition = eventDefinitions.documentRecalled;
  return createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'intake',
    subject: documentId,
    data: { documentId, office: 'VPTU-A', symbol: '12-CT/TU', reason, recalledAt: new Date().toISOString() },
  });
}

// One document through every act: consigned to four offices, handed over, accepted, refused,
// a processing status, two overdue, a recall, its answers.
const offices = ['HU-A1', 'HU-B1', 'TU-B', 'VPTU-A'];
const deadline = new Date(Date.now() + 1500);
const data = await issueDocument(d, offices, { deadline: deadline.toISOString() });
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 4);
const deliveryId = await deliveryOf(data.documentId);
const ids = Object.fromEntries(await Promise.all(offices.map(async (o) => [o, await entryOf(o, data.documentId)])));

await t.test('one evidence row per act, in the act’s transaction, none twice', async (t) => {
  const a1 = callerOf('HU-A1', 'registry');
  for (let i = 0; i < 2; i++) t.equal((await call('GET', `/v1/inbox/${ids['HU-A1']}/content`, a1)).statusCode, 200);
  t.equal((await call('POST', `/v1/inbox/${ids['HU-A1']}/acceptance`, a1)).statusCode, 200);
  t.equal((await call('POST', `/v1/inbox/${ids['HU-A1']}/acceptance`, a1)).statusCode, 409);
  t.equal((await call('POST', `/v1/inbox/${ids['HU-A1']}/status`, a1, { status: '04' })).statusCode, 200);
  const b1 = callerOf('HU-B1', 'registry');
  t.equal(
    (await call('POST', `/v1/inbox/${ids['HU-B1']}/refusal`, b1, { reason: 'Gửi nhầm nơi nhận' })).statusCode,
    200,
  );
  await waitFor('the deadline passed', () => Date.now() > deadline.getTime() + 10);
  t.equal(await sweepOverdue(pool, topics, new Date()), 2, 'TU-B and VPTU-A overdue');
  t.equal(await sweepOverdue(pool, topics, new Date()), 0);
  await d.bus.publish([
    { topic: topics.recalled, key: 'VPTU-A', envelope: recallEnvelope(data.documentId, 'Ban hành nhầm') },
  ]);
  await waitFor('the recall applied', async () => {
    const { rows } = await pool.query("SELECT 1 FROM delivery_leg WHERE delivery_id = $1 AND status = '13'", [
      deliveryId,
    ]);
    return rows.length === 3;
  });
  const tub = callerOf('TU-B', 'registry');
  t.equal((await call('POST', `/v1/inbox/${ids['TU-B']}/recall-answer`, tub, { accept: true })).statusCode, 200);
  const vp = callerOf('VPTU-A', 'registry');
  const refused = await call('POST', `/v1/inbox/${ids['VPTU-A']}/recall-answer`, vp, {
    accept: false,
    reason: 'Đã thực hiện',
  });
  t.equal(refused.statusCode, 200, refused.body);

  const rows = await rowsOf(deliveryId);
  const chains = new Map<string, string[]>();
  for (const r of rows)
    chains.set(r.recipient_office ?? '-', [...(chains.get(r.recipient_office ?? '-') ?? []), r.event]);
  t.same(Object.fromEntries(chains), {
    '-': ['SubmissionAcceptance'],
    'HU-A1': ['ContentConsignment', 'ContentHandover', 'AcceptanceByRecipient', 'RecallRequest'],
    'HU-B1': ['ContentConsignment', 'RejectionByRecipient'],
    'TU-B': ['ContentConsignment', 'AcceptanceRejectionExpiry', 'RecallRequest', 'RecallAcceptance'],
    'VPTU-A': ['ContentConsignment', 'AcceptanceRejectionExpiry', 'RecallRequest', 'RecallRejection'],
  });
  const acting = rows.map(
    (r) =>
      `${r.event}:${r.acting_office === 'VPTU-A' && r.recipient_office !== 'VPTU-A' ? 'sender' : r.acting_office === r.recipient_office ? 'recipient' : 'sender'}`,
  );
  t.ok(acting.includes('ContentHandover:recipient') && acting.includes('RecallRequest:sender'));
  t.equal(rows.filter((r) => r.event === 'ContentHandover').length, 1, 'two fetches, one hand-over');
});

await t.test('sealed: every CMS checks, each leg’s chain links, openssl verifies one', async (t) => {
  await allSealed(deliveryId);
  const rows = await rowsOf(deliveryId);
  const byId = new Map<string, Row>(rows.map((r) => [r.id, r]));
  let previous: Row | undefined;
  const submission = rows.find((r) => r.recipient_office === null)!;
  for (const r of rows) {
    const check = checkEvidence(r.cms!, trust);
    t.ok(check.ok, `${r.event} ${r.recipient_office}: ${check.message}`);
    const statement: EvidenceStatement = parseStatement(r.statement!);
    t.equal(statement.actingOffice, r.acting_office);
    t.equal(statement.documentSha256, data.file.sha256);
    t.equal(statement.deliveryId, deliveryId);
    const expected =
      r.recipient_office === null
        ? undefined
        : previous?.recipient_office === r.recipient_office
          ? previous
          : submission;
    t.equal(
      statement.previous,
      expected === undefined ? undefined : Buffer.from(evidenceDigest(expected.cms!)).toString('hex'),
      `${r.event} of ${r.recipient_office} links to its predecessor`,
    );
    t.ok(byId.has(statement.id));
    if (statement.event === 'AcceptanceByRecipient') t.match(statement.incomingNumber, /^\d+$/);
    if (statement.event === 'RejectionByRecipient') t.equal(statement.reason, 'Gửi nhầm nơi nhận');
    if (statement.event === 'AcceptanceRejectionExpiry')
      t.ok(statement.deadline!.getTime() <= statement.time.getTime());
    previous = r;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lt-evidence-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'e.p7s'), rows[1]!.cms!);
  await writeFile(join(dir, 'root.pem'), pemOf(root.der));
  const printed = execFileSync(
    'openssl',
    ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'e.p7s'), '-CAfile', join(dir, 'root.pem')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.same(Buffer.from(printed), rows[1]!.statement!, 'openssl prints the statement');
});

function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

await t.test('time-stamped in batches: checkTimestampedEvidence passes', async (t) => {
  await allStamped(deliveryId);
  for (const r of await rowsOf(deliveryId)) {
    const stamp = { proof: { ...r.proof!, path: r.proof!.path.map((h) => Buffer.from(h, 'hex')) }, token: r.token! };
    const check = checkTimestampedEvidence(r.cms!, stamp, trust);
    t.ok(check.ok, `${r.event}: ${check.message}`);
  }
});

await t.test('signing down: rows wait, delivery and answers go on; sealed once it is back', async (t) => {
  signing.down = true;
  const doc = await issueDocument(d, ['HU-A1', 'HU-B1']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 2);
  const id = await deliveryOf(doc.documentId);
  const b1 = callerOf('HU-B1', 'registry');
  const refused = await call('POST', `/v1/inbox/${await entryOf('HU-B1', doc.documentId)}/refusal`, b1, {
    reason: 'Không đúng thẩm quyền',
  });
  t.equal(refused.statusCode, 200, 'answers go on');
  await waitFor('a sealing attempt failed', async () => {
    const { rows } = await pool.query('SELECT 1 FROM evidence WHERE delivery_id = $1 AND last_error IS NOT NULL', [id]);
    return rows.length > 0;
  });
  t.ok(
    (await rowsOf(id)).every((r) => r.cms === null),
    'nothing sealed while signing is down',
  );
  t.ok((await countEvidenceBacklog(pool, new Date())).unsealed >= 4);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /lienthong_delivery_evidence_unsealed(\{[^}]*\})? [1-9]/);
  signing.down = false;
  await allSealed(id);
  await allStamped(id);
  t.equal((await rowsOf(id)).length, 4, 'submission, two consignments, a refusal');
});

await t.test('signing answering something else: nothing stored, the rows wait, then sealed', async (t) => {
  const modes = ['other-office', 'other-statement', 'not-cms', 'too-few'] as const;
  for (const mode of modes) {
    signing.tamper = mode;
    const doc = await issueDocument(d, ['HU-A1', 'HU-B1']);
    await publishIssued(d, issuedEnvelope(doc));
    await waitForConsigned(pool, doc.documentId, 2);
    const id = await deliveryOf(doc.documentId);
    const refusedRow = async () =>
      (
        await pool.query<{ last_error: string }>(
          'SELECT last_error FROM evidence WHERE delivery_id = $1 AND last_error IS NOT NULL',
          [id],
        )
      ).rows[0];
    await waitFor(`${mode}: refused by the sealer`, async () => (await refusedRow()) !== undefined);
    t.ok(
      (await rowsOf(id)).every((r) => r.cms === null),
      `${mode}: nothing stored`,
    );
    const said = (await refusedRow())!.last_error;
    t.match(said, mode === 'too-few' ? /without one CMS per statement/ : /unusable evidence/, `${mode}: ${said}`);
    signing.tamper = undefined;
    await pool.query('UPDATE evidence SET next_attempt_at = now() WHERE delivery_id = $1', [id]);
    await allSealed(id);
    for (const r of await rowsOf(id)) t.ok(checkEvidence(r.cms!, trust).ok, `${mode}: then sealed properly`);
  }
});

await t.test('TSA down: batches wait and the gauges show it; stamped once it is back', async (t) => {
  signing.tsaDown = true;
  const doc = await issueDocument(d, ['HU-A1', 'TU-B']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 2);
  const id = await deliveryOf(doc.documentId);
  await allSealed(id);
  await waitFor('its batches tried', async () => {
    const { rows } = await pool.query(
      `SELECT 1 FROM evidence e JOIN evidence_batch b ON b.id = e.batch_id
       WHERE e.delivery_id = $1 AND b.last_error IS NOT NULL`,
      [id],
    );
    return rows.length >= 1;
  });
  const backlog = await countEvidenceBacklog(pool, new Date(Date.now() + 60_000));
  t.ok(backlog.unstamped >= 1, 'unstamped counted');
  t.ok(backlog.oldestUnstampedSeconds >= 60, 'the oldest waits');
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /lienthong_delivery_evidence_unstamped(\{[^}]*\})? [1-9]/);
  t.match(metrics.body, /lienthong_delivery_evidence_oldest_unstamped_seconds(\{[^}]*\})? \d/);
  // A TSA that cannot be reached at all: the batch is put off, with the reason.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const unreachable = createEvidenceSigner({
    signingUrl: signing.url,
    key: signing.keyPem,
    tsaUrl: `http://127.0.0.1:${port}/v1/tsa`,
    timeoutMs: 2000,
  });
  // The app's own stamper takes batches too: ask as of 10 s on (past its backoff, not its lease) until one fails here.
  let failures: Array<{ batch: string; error: string }> = [];
  await waitFor('a batch tried against the closed port', async () => {
    const round = await stampDue({
      pool,
      signer: unreachable,
      timeoutMs: 2000,
      retryMinMs: 20,
      retryMaxMs: 20,
      now: () => new Date(Date.now() + 10_000),
    });
    failures = round.failures;
    return round.failures.length > 0 || round.stamped > 0;
  });
  t.match(failures[0]?.error ?? '', /could not be reached/, 'put off with the reason');
  signing.tsaDown = false;
  await pool.query('UPDATE evidence_batch SET next_attempt_at = now() WHERE token IS NULL');
  await allStamped(id);
  // The stamper wakes the handoff to the archive: every stamped batch is written and told.
  await waitFor('every stamped batch handed to the archive', async () => {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM evidence_batch WHERE token IS NOT NULL AND published_at IS NULL',
    );
    return rows[0]!.n === 0;
  });
  t.same(await countEvidenceBacklog(pool, new Date()), {
    unsealed: 0,
    oldestUnsealedSeconds: 0,
    unstamped: 0,
    oldestUnstampedSeconds: 0,
    unpublished: 0,
    oldestUnpublishedSeconds: 0,
  });
  const told = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND envelope->'data'->>'deliveryId' = $2`,
    [topics.evidenceStamped, id],
  );
  const pairs = await pool.query<{ n: number }>(
    'SELECT count(DISTINCT batch_id)::int AS n FROM evidence WHERE delivery_id = $1',
    [id],
  );
  t.equal(told.rows[0]!.n, pairs.rows[0]!.n, 'one delivery.evidence-stamped per batch of the delivery');
  t.equal(await formBatch(pool, new Date()), undefined, 'nothing left to batch');
});

interface EvidenceAnswer {
  delivery: { id: string; documentId: string; senderOffice: string; document: { sha256: string; length: number } };
  evidence: Array<{
    id: string;
    event: string;
    recipientOffice: string | null;
    actingOffice: string;
    sealed: boolean;
    cms: string | null;
    proof: { index: number; size: number; path: string[] } | null;
    timestamp: string | null;
  }>;
  timestamps: Array<{ id: string; token: string }>;
  nextAfter: string | null;
}

/** Every page of an export route, `limit` at a time. */
async function exportAll(url: string, headers: Headers, limit: number): Promise<EvidenceAnswer> {
  let after: string | null = null;
  const all: EvidenceAnswer = { delivery: undefined as never, evidence: [], timestamps: [], nextAfter: null };
  do {
    const res = await call(
      'GET',
      `${url}?limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
      headers,
    );
    if (res.statusCode !== 200) throw new Error(res.body);
    const page = res.json<EvidenceAnswer>();
    all.delivery = page.delivery;
    all.evidence.push(...page.evidence);
    for (const ts of page.timestamps) if (!all.timestamps.some((x) => x.id === ts.id)) all.timestamps.push(ts);
    after = page.nextAfter;
  } while (after !== null);
  return all;
}

await t.test('export: a bundle from the routes verifies offline; a changed byte anywhere fails it', async (t) => {
  const exported = await exportAll(`/v1/deliveries/${deliveryId}/evidence`, sender, 3);
  t.equal(exported.evidence.length, (await rowsOf(deliveryId)).length, 'every row, over pages of 3');
  t.same(
    exported.evidence.map((e) => e.id),
    (await rowsOf(deliveryId)).map((r) => r.id),
    'in chain order',
  );
  t.match(exported.delivery, { id: deliveryId, documentId: data.documentId, senderOffice: 'VPTU-A' });
  const content = await app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}/content`, headers: sender });
  t.equal(content.statusCode, 200);
  t.equal(content.rawPayload.length, data.file.byteLength);
  const handedOver = await pool.query('SELECT count(*)::int AS n FROM evidence WHERE delivery_id = $1 AND event = $2', [
    deliveryId,
    'ContentHandover',
  ]);
  t.equal(handedOver.rows[0].n, 1, 'the sender’s fetch is no hand-over');
  const tokens = new Map(exported.timestamps.map((ts) => [ts.id, Buffer.from(ts.token, 'base64')]));
  const files = assembleBundle({
    documentId: data.documentId,
    document: content.rawPayload,
    evidence: exported.evidence.map((e) => ({
      cms: Buffer.from(e.cms!, 'base64'),
      stamp: {
        proof: { ...e.proof!, path: e.proof!.path.map((h) => Buffer.from(h, 'hex')) },
        token: tokens.get(e.timestamp!)!,
      },
    })),
    certificates: [signing.h.intermediate.certificate.der, root.der],
  });
  const report = await verifyBundle(files, trust);
  t.ok(report.valid, JSON.stringify(report.pieces.filter((p) => !p.ok)));
  t.same(
    report.legs.map((l) => [l.recipientOffice ?? '(delivery)', l.ok]).sort(),
    [['(delivery)', true], ...offices.map((o) => [o, true])],
    'the delivery and its four legs, each chain holds',
  );
  for (const [path, bytes] of files) {
    const changed = new Map(files);
    const copy = Buffer.from(bytes);
    copy[copy.length >> 1]! ^= 0x01;
    changed.set(path, copy);
    t.notOk((await verifyBundle(changed, trust)).valid, `a byte changed in ${path}`);
  }

  const recipient = await exportAll(`/v1/inbox/${ids['HU-B1']}/evidence`, callerOf('HU-B1', 'office-system'), 1000);
  t.same(
    recipient.evidence.map((e) => [e.recipientOffice, e.event]),
    [
      [null, 'SubmissionAcceptance'],
      ['HU-B1', 'ContentConsignment'],
      ['HU-B1', 'RejectionByRecipient'],
    ],
    'the recipient sees the submission and its own leg',
  );
});

await t.test('export routes: hostile input, another office’s delivery', async (t) => {
  const other = callerOf('HU-A1', 'registry');
  const cases: Array<[string, Headers, number, string?]> = [
    [`/v1/deliveries/${deliveryId}/evidence`, other, 404, 'DELIVERY_NOT_FOUND'],
    [`/v1/deliveries/${deliveryId}/content`, other, 404, 'DELIVERY_NOT_FOUND'],
    [`/v1/inbox/${ids['HU-B1']}/evidence`, other, 404, 'INBOX_ENTRY_NOT_FOUND'],
    [`/v1/deliveries/not-a-uuid/evidence`, sender, 404, 'DELIVERY_NOT_FOUND'],
    [`/v1/deliveries/${'9'.repeat(200)}/evidence`, sender, 400],
    [`/v1/inbox/00000000-0000-0000-0000-000000000000/evidence`, other, 404, 'INBOX_ENTRY_NOT_FOUND'],
    [`/v1/deliveries/${deliveryId}/evidence?limit=0`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence?limit=1001`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence?limit=abc`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence?after=x`, sender, 400, 'BAD_REQUEST'],
    [`/v1/deliveries/${deliveryId}/evidence?after=${encodeURIComponent("'; DROP TABLE evidence;--~1")}`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence?after=A~99999999999999999999`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence?extra=1`, sender, 400],
    [`/v1/deliveries/${deliveryId}/evidence`, callerOf('VPTU-A'), 403],
    [`/v1/deliveries/${deliveryId}/evidence`, {}, 401],
  ];
  for (const [url, headers, status, code] of cases) {
    const res = await call('GET', url, headers);
    t.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 200)}`);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    if (code !== undefined) t.equal(res.json<{ code: string }>().code, code);
  }
  const end = await call('GET', `/v1/deliveries/${deliveryId}/evidence?after=${encodeURIComponent('ZZZ~1')}`, sender);
  t.same(end.json<EvidenceAnswer>().evidence, [], 'after the last: an empty page');
  t.ok((await rowsOf(deliveryId)).length > 0, 'nothing removed');
});
