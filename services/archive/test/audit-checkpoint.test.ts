/**
 * Audit checkpoints on the real PostgreSQL (README "Audit log"): each office whose chain grew
 * gets its head time-stamped (a TSA of libs/pki's test hierarchy, in process), once per head;
 * a TSA that fails leaves it for the next pass; `GET /v1/audit/checkpoints` serves them to the
 * office's archivists only, each token over `auditCheckpointRoot` and verifying to the root;
 * the rows are append-only, and an entry a checkpoint names cannot be deleted under it.
 */
import t from 'tap';
import { withTransaction } from '@lienthong/db';
import { auditCheckpointRoot, checkBatchTimestamp } from '@lienthong/evidence';
import { buildTimeStampRequest, issueTimeStampToken, keySigner, tokenFrom } from '@lienthong/pki';
import { appendAudit } from '../src/audit/audit-log.ts';
import { checkpointAuditChains } from '../src/audit/audit-checkpoint.ts';
import type { CheckpointTsa } from '../src/audit/audit-checkpoint.ts';
import { archiveForFile, callerOf } from './support.ts';
import { buildHierarchy } from '../../../libs/pki/test/helpers/hierarchy.ts';

const h = await buildHierarchy();
let serial = 1n;
let tsaDown = false;
const tsa: CheckpointTsa = {
  stamp: async (imprint) => {
    if (tsaDown) throw new Error('the TSA is down');
    return tokenFrom(
      await issueTimeStampToken({
        request: buildTimeStampRequest({ hash: 'sha256', imprint, certReq: true }),
        tsaCertificate: h.tsa.certificate,
        chain: [h.intermediate.certificate],
        signer: keySigner(h.tsa.privateKey),
        serialNumber: serial++,
        policy: '1.3.6.1.4.1.99999.2.1',
      }),
    );
  },
};
const warnings: string[] = [];
const logger = { warn: (_fields: unknown, message?: string) => void warnings.push(message ?? '') };

const { app, pool } = await archiveForFile(t);

async function append(office: string, n: number): Promise<void> {
  await withTransaction(pool, async (c) => {
    for (let i = 0; i < n; i++) await appendAudit(c, { office, actor: 'person:luu-tru', action: 'record.read' });
  });
}

type Served = {
  office: string;
  checkpoints: Array<{ seq: number; hash: string; genTime: string; token: string }>;
  nextAfter: number | null;
};
const served = async (query: string, headers: Record<string, string> = callerOf('CP-A', 'archivist')) =>
  app.inject({ method: 'GET', url: `/v1/audit/checkpoints${query}`, headers });

void t.test('a head is time-stamped once, and again only when the chain grew', async (t) => {
  await append('CP-A', 3);
  await append('CP-B', 2);
  const first = await checkpointAuditChains(pool, tsa, logger);
  t.same(
    first.map((c) => [c.office, c.seq]),
    [
      ['CP-A', 3],
      ['CP-B', 2],
    ],
  );
  t.same(await checkpointAuditChains(pool, tsa, logger), [], 'nothing new: no checkpoint');
  await append('CP-A', 2);
  t.same(
    (await checkpointAuditChains(pool, tsa, logger)).map((c) => [c.office, c.seq]),
    [['CP-A', 5]],
  );
});

void t.test('a TSA that fails leaves the head for the next pass', async (t) => {
  await append('CP-B', 1);
  tsaDown = true;
  t.same(await checkpointAuditChains(pool, tsa, logger), []);
  t.ok(warnings.includes('archive: the audit chain could not be checkpointed now'));
  tsaDown = false;
  t.same(
    (await checkpointAuditChains(pool, tsa, logger)).map((c) => [c.office, c.seq]),
    [['CP-B', 3]],
  );
});

void t.test("the office's archivists read its checkpoints, each token over its head", async (t) => {
  const res = await served('');
  t.equal(res.statusCode, 200);
  const body = res.json<Served>();
  t.equal(body.office, 'CP-A');
  t.same(
    body.checkpoints.map((c) => c.seq),
    [3, 5],
  );
  t.equal(body.nextAfter, null);
  for (const c of body.checkpoints) {
    const check = checkBatchTimestamp(
      Buffer.from(c.token, 'base64'),
      auditCheckpointRoot('CP-A', { seq: c.seq, hash: c.hash }),
      { trustAnchors: [h.root.certificate.der], time: new Date() },
    );
    t.ok(check.ok, check.message);
    t.equal(check.genTime?.toISOString(), c.genTime);
  }
  const entry5 = await pool.query<{ hash: string }>("SELECT hash FROM audit_entry WHERE office = 'CP-A' AND seq = 5");
  t.equal(body.checkpoints[1]!.hash, entry5.rows[0]!.hash, 'the head it names');
  const paged = (await served('?limit=1')).json<Served>();
  t.same([paged.checkpoints.map((c) => c.seq), paged.nextAfter], [[3], 3]);
  t.same(
    (await served('?after=3')).json<Served>().checkpoints.map((c) => c.seq),
    [5],
  );
});

void t.test('another office, a clerk, no token, bad parameters: refused', async (t) => {
  t.equal((await served('?office=CP-B')).statusCode, 403, "another office's, named");
  const theirs = (await served('', callerOf('CP-B', 'archivist'))).json<Served>();
  t.same(
    theirs.checkpoints.map((c) => c.seq),
    [2, 3],
    'CP-B reads its own only',
  );
  t.equal((await served('', callerOf('CP-A', 'registry'))).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit/checkpoints' })).statusCode, 401);
  for (const query of ['?after=-1', '?after=x', '?limit=0', '?limit=1001', '?office=../x', '?since=1']) {
    const res = await served(query);
    t.equal(res.statusCode, 400, query);
    t.match(res.headers['content-type'], /application\/problem\+json/);
  }
});

void t.test('checkpoints are append-only, and hold the entries they name', async (t) => {
  await t.rejects(
    pool.query("UPDATE audit_checkpoint SET hash = repeat('0', 64) WHERE office = 'CP-A'"),
    /audit_checkpoint is append-only/,
  );
  await t.rejects(pool.query("DELETE FROM audit_checkpoint WHERE office = 'CP-A'"), /append-only/);
  await pool.query('DROP TRIGGER audit_entry_append_only ON audit_entry');
  try {
    await t.rejects(
      pool.query("DELETE FROM audit_entry WHERE office = 'CP-A' AND seq = 5"),
      /foreign key/,
      'even with the entries’ trigger gone, a checkpointed entry stays',
    );
  } finally {
    await pool.query(
      'CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()',
    );
  }
});
