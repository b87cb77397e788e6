/**
 * Idempotency-Key on submissions (issue 16): a retry with the same key and body gets the
 * same answer and makes no second document; the same key with another body is refused
 * and stores nothing; concurrent requests with one key make one document; a key is one
 * caller's (another caller's same key is a new submission).
 */
import t from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import {
  metadataOf,
  plainPdf,
  seedDirectory,
  storedState,
  submissionParts,
  submit,
  systemA,
} from './documents-support.ts';
import { adminOf, intakeForFile } from './support.ts';

const intake = await intakeForFile(t, 'minio');
const { pool, store, bucket } = intake;
await seedDirectory(intake);

const count = async (table: string) =>
  (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
/** `lienthong_documents_submitted_total{type="CT"}` on /metrics (0 before any). */
const submittedMetric = async () => {
  const body = (await intake.app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(/^lienthong_documents_submitted_total\{type="CT",service="intake"\} (\d+)$/m.exec(body)?.[1] ?? 0);
};

await t.test('a retry with the same key and body gets the same answer, no second document', async (t) => {
  const pdf = await plainPdf();
  const parts = submissionParts(metadataOf(), pdf);
  const headers = { ...systemA, 'idempotency-key': 'vb-2026-0001' };
  const first = await submit(intake, parts, headers);
  t.equal(first.statusCode, 201, first.body);
  t.notOk(first.headers['idempotent-replayed']);
  const again = await submit(intake, parts, headers);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(JSON.parse(again.body), JSON.parse(first.body));
  t.equal(await count('document'), 1);
  t.equal(await count('document_transition'), 2);
  t.equal((await store.listVersions(bucket, '')).length, 1);
});

await t.test('the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing stored', async (t) => {
  const headers = { ...systemA, 'idempotency-key': 'vb-2026-0001' };
  const before = await storedState(pool, store, bucket);
  const otherPdf = await submit(intake, submissionParts(metadataOf(), await plainPdf()), headers);
  t.equal(otherPdf.statusCode, 422);
  t.equal(JSON.parse(otherPdf.body).code, 'IDEMPOTENCY_KEY_REUSED');
  const otherMetadata = await submit(
    intake,
    submissionParts(metadataOf({ subject: 'Một trích yếu khác' }), await plainPdf()),
    headers,
  );
  t.equal(otherMetadata.statusCode, 422);
  t.equal(await storedState(pool, store, bucket), before);
});

await t.test("a key is one caller's: another caller's same key is a new document", async (t) => {
  const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-A', roles: ['registry'] });
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()), {
    ...registry,
    'idempotency-key': 'vb-2026-0001',
  });
  t.equal(res.statusCode, 201, res.body);
  t.notOk(res.headers['idempotent-replayed']);
  t.equal(await count('document'), 2);
});

await t.test('a refused submission keeps no key: fixed and sent again with it, it is accepted', async (t) => {
  const headers = { ...systemA, 'idempotency-key': 'vb-2026-0002' };
  const pdf = await plainPdf();
  const refused = await submit(
    intake,
    submissionParts(metadataOf({ recipients: { offices: ['HU-ZZ'] } }), pdf),
    headers,
  );
  t.equal(refused.statusCode, 422);
  const fixed = await submit(intake, submissionParts(metadataOf(), pdf), headers);
  t.equal(fixed.statusCode, 201, fixed.body);
});

await t.test('concurrent requests with one key make one document, all get its answer', async (t) => {
  const before = await count('document');
  const counted = await submittedMetric();
  const parts = submissionParts(metadataOf(), await plainPdf(3));
  const headers = { ...systemA, 'idempotency-key': 'vb-2026-0003' };
  const answers = await Promise.all(Array.from({ length: 6 }, () => submit(intake, parts, headers)));
  t.same(
    answers.map((a) => a.statusCode),
    [201, 201, 201, 201, 201, 201],
  );
  const ids = new Set(answers.map((a) => (JSON.parse(a.body) as { id: string }).id));
  t.equal(ids.size, 1);
  t.equal(answers.filter((a) => a.headers['idempotent-replayed'] !== 'true').length, 1);
  t.equal(await count('document'), before + 1);
  t.equal((await store.listVersions(bucket, '')).length, before + 1, 'one object per document');
  t.equal(await submittedMetric(), counted + 1, 'one submission on /metrics, the replays not counted');
});

await t.test('a retry gets the kept answer even after its recipient was retired', async (t) => {
  const parts = submissionParts(metadataOf({ recipients: { offices: ['DU-A12'] } }), await plainPdf());
  const headers = { ...systemA, 'idempotency-key': 'vb-2026-0004' };
  const first = await submit(intake, parts, headers);
  t.equal(first.statusCode, 201, first.body);
  const retire = await intake.app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...adminOf('VPTW'), 'content-type': 'application/json' },
    payload: JSON.stringify({
      offices: [
        {
          code: 'DU-A12',
          name: 'Đảng ủy xã Cần Đăng',
          abbreviation: 'ĐU',
          level: 'commune',
          parent: 'HU-A1',
          active: false,
        },
      ],
    }),
  });
  t.equal(retire.statusCode, 200, retire.body);
  const fresh = await submit(intake, parts, { ...systemA, 'idempotency-key': 'vb-2026-0005' });
  t.equal(fresh.statusCode, 422, 'a new submission to it is refused');
  const again = await submit(intake, parts, headers);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(JSON.parse(again.body), JSON.parse(first.body));
});
