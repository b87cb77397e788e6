/**
 * Retention, disposition and legal hold on the real PostgreSQL and MinIO. Packages are written
 * by the test with a retention that ends seconds from now (the ingest never locks for less than
 * a day: README "Packages"), so: before the end a record is not due and the store refuses its
 * deletion; after it, due, proposed, approved by another person holding archive-approver → its
 * versions gone from the store, the catalog row a `disposed` tombstone, the certificate kept
 * locked in the bucket, the audit entries in order; a record whose store lock outlasts its class
 * is refused by the store and stays; a held record is never due and MinIO keeps it after its
 * retention; rejection puts records back on the due list; the same person approving, another
 * office, approving twice, malformed bodies: 4xx with nothing changed.
 */
import t from 'tap';
import { createHash, randomUUID } from 'node:crypto';
import { isStorageError } from '@lienthong/storage';
import { callerOf } from './support.ts';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import type { TestPackage } from './package-support.ts';
import { waitFor } from '../../../test/support/env.ts';
import { authHeader } from '../../../test/support/auth.ts';

const d = await packageArchiveForFile(t, { s3: true, deps: { permanentHorizonMs: 3_600_000 } });
const { app, pool, store, bucket } = d;

const archivist = callerOf('VPTU-CM', 'archivist');
const person = (subject: string, office: string, ...roles: string[]) => authHeader({ subject, office, roles });
const approver = person('person:chanh-van-phong', 'VPTU-CM', 'archive-approver');

const endsIn = (ms: number) => {
  const end = new Date(Date.now() + ms);
  return { retentionClass: '5-years', retainUntil: end, lockedUntil: end, legalHold: false };
};
// A record whose class ended but whose objects the store keeps locked an hour more (as the ingest's floor does).
const lockedLonger = {
  retentionClass: '5-years',
  retainUntil: new Date(Date.now() - 60_000),
  lockedUntil: new Date(Date.now() + 3_600_000),
  legalHold: false,
};

const a = await writeTestPackage(d, 'VPTU-CM', ['VPTU-HN'], { retention: endsIn(6_000) });
const b = await writeTestPackage(d, 'VPTU-CM', [], { retention: endsIn(6_000) });
const held = await writeTestPackage(d, 'VPTU-CM', [], { retention: endsIn(6_000) });
const locked = await writeTestPackage(d, 'VPTU-CM', [], { retention: lockedLonger });
const foreign = await writeTestPackage(d, 'VPTU-BL', ['VPTU-CM'], { retention: endsIn(6_000) });
const permanent = await writeTestPackage(d, 'VPTU-CM', [], {
  retention: {
    retentionClass: 'permanent',
    retainUntil: null,
    lockedUntil: new Date(Date.now() + 3_600_000),
    legalHold: true,
  },
});
t.teardown(async () => {
  for (const p of [held, permanent])
    for (const o of p.objects) await store.setLegalHold(bucket, o.key, o.versionId, false).catch(() => {});
});

const due = async (headers: Record<string, string> = archivist) =>
  (await app.inject({ method: 'GET', url: '/v1/dispositions/due', headers }))
    .json<{ records: Array<{ recordId: string }> }>()
    .records.map((r) => r.recordId);
const propose = (recordIds: string[], headers: Record<string, string> = archivist, reason = 'Hết thời hạn bảo quản') =>
  app.inject({ method: 'POST', url: '/v1/dispositions', headers, payload: { recordIds, reason } });
const gone = async (p: TestPackage) => {
  for (const o of p.objects) {
    const error = await store.stat(bucket, o.key, { versionId: o.versionId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isStorageError(error, 'OBJECT_NOT_FOUND')) return false;
  }
  return true;
};

await t.test('before its retention ends a record is not due and the store refuses its deletion', async (t) => {
  t.same(await due(), [locked.recordId], 'only the record whose class already ended');
  const o = a.objects[0]!;
  await t.rejects(store.delete(bucket, o.key, { versionId: o.versionId }), { code: 'OBJECT_LOCKED' });
  const early = await propose([a.recordId]);
  t.equal(early.statusCode, 409);
  t.match(early.json(), { code: 'DISPOSITION_RECORDS_NOT_DUE' });
  const hold = await app.inject({
    method: 'PUT',
    url: `/v1/records/${held.recordId}/hold`,
    headers: archivist,
    payload: { reason: 'Đang thanh tra' },
  });
  t.equal(hold.statusCode, 200, hold.body);
  t.match(hold.json(), { legalHold: true, permanent: false });
  for (const v of held.objects)
    t.equal(await store.getLegalHold(bucket, v.key, v.versionId), true, 'held in the store');
});

await t.test('once it ends: due (never the held, the foreign or the permanent one)', async (t) => {
  await waitFor(
    'the records to be due',
    async () => (await due()).length === 3 && (await due(callerOf('VPTU-BL', 'archivist'))).includes(foreign.recordId),
    30_000,
    200,
  );
  const list = await due();
  t.same(new Set(list), new Set([a.recordId, b.recordId, locked.recordId]));
  t.same(await due(callerOf('VPTU-HN', 'archivist')), [], 'a receiving office does not dispose of it');
  t.ok((await due(callerOf('VPTU-BL', 'archivist'))).includes(foreign.recordId));
  const v = held.objects[0]!;
  await t.rejects(
    store.delete(bucket, v.key, { versionId: v.versionId }),
    { code: 'OBJECT_LOCKED' },
    'MinIO: the hold outlasts the retention',
  );
});

await t.test('malformed and foreign proposals are refused with nothing written', async (t) => {
  const count = async () => Number((await pool.query('SELECT count(*) AS n FROM disposition')).rows[0].n);
  const before = await count();
  const bad = [
    {},
    { recordIds: [], reason: 'x' },
    { recordIds: ['not-a-uuid'], reason: 'x' },
    { recordIds: [a.recordId, a.recordId.toUpperCase()], reason: 'x' },
    { recordIds: [a.recordId], reason: '' },
    { recordIds: [a.recordId], reason: 'a\u0000b' },
    { recordIds: [a.recordId], reason: 'x', extra: 1 },
    { recordIds: 'x', reason: 'x' },
  ];
  for (const payload of bad) {
    const r = await app.inject({ method: 'POST', url: '/v1/dispositions', headers: archivist, payload });
    t.equal(r.statusCode, 400, JSON.stringify(payload));
    t.match(r.headers['content-type'], /problem\+json/);
  }
  t.equal((await propose([foreign.recordId])).statusCode, 409, "another office's record");
  t.equal((await propose([held.recordId])).statusCode, 409, 'a held record');
  t.equal((await propose([permanent.recordId])).statusCode, 409, 'a permanent record');
  t.equal((await propose([randomUUID()])).statusCode, 409, 'no such record');
  t.equal((await propose([a.recordId], callerOf('VPTU-CM', 'registry'))).statusCode, 403);
  t.equal((await propose([a.recordId], {})).statusCode, 401);
  t.equal(await count(), before);
});

await t.test('proposed, approved by another person: gone from the store, tombstone, certificate, audit', async (t) => {
  const proposed = await propose([a.recordId, locked.recordId]);
  t.equal(proposed.statusCode, 201, proposed.body);
  const id = proposed.json().id as string;
  t.match(proposed.json(), { state: 'proposed', office: 'VPTU-CM', proposedBy: 'system:archivist-vptu-cm' });
  t.notOk((await due()).includes(a.recordId), 'a proposed record is not listed again');
  t.equal((await propose([a.recordId])).statusCode, 409, 'nor proposed twice');

  const url = `/v1/dispositions/${id}/approve`;
  const same = await app.inject({
    method: 'POST',
    url,
    headers: person('system:archivist-vptu-cm', 'VPTU-CM', 'archivist', 'archive-approver'),
  });
  t.equal(same.statusCode, 403, 'the proposer does not approve');
  t.match(same.json(), { code: 'DISPOSITION_SAME_PERSON' });
  t.equal(
    (await app.inject({ method: 'POST', url, headers: person('person:x', 'VPTU-CM', 'archivist') })).statusCode,
    403,
  );
  const other = await app.inject({ method: 'POST', url, headers: person('person:y', 'VPTU-BL', 'archive-approver') });
  t.equal(other.statusCode, 404, "another office's approver does not find it");
  t.ok(!(await gone(a)), 'nothing deleted by the refusals');

  const approved = await app.inject({ method: 'POST', url, headers: approver });
  t.equal(approved.statusCode, 200, approved.body);
  const result = approved.json();
  t.match(result, { state: 'done', decidedBy: 'person:chanh-van-phong' });
  t.same(
    Object.fromEntries(
      (result.records as Array<{ recordId: string; outcome: string }>).map((r) => [r.recordId, r.outcome]),
    ),
    { [a.recordId]: 'disposed', [locked.recordId]: 'refused' },
  );
  t.ok(await gone(a), "every version of the record's package deleted");
  t.ok(!(await gone(locked)), 'the record the store still locks stays');
  t.match(
    (result.records as Array<{ recordId: string; detail: string }>).find((r) => r.recordId === locked.recordId)?.detail,
    /refused/,
  );

  const record = await app.inject({ method: 'GET', url: `/v1/records/${a.recordId}`, headers: archivist });
  t.equal(record.statusCode, 200, 'the catalog row stays');
  t.equal(record.json().status, 'disposed');
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/records/${locked.recordId}`, headers: archivist })).json().status,
    'issued',
  );

  const cert = result.certificate as { key: string; versionId: string; sha256: string };
  const { body } = await store.get(bucket, cert.key, { versionId: cert.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  t.equal(createHash('sha256').update(bytes).digest('hex'), cert.sha256);
  const certificate = JSON.parse(bytes.toString('utf8'));
  t.match(certificate, {
    dispositionId: id,
    proposedBy: 'system:archivist-vptu-cm',
    approvedBy: 'person:chanh-van-phong',
  });
  const disposed = (certificate.records as Array<{ recordId: string; objects: Array<{ sha256: string }> }>).find(
    (r) => r.recordId === a.recordId,
  );
  t.same(disposed?.objects.map((o) => o.sha256).sort(), a.objects.map((o) => o.sha256).sort(), 'the SHA-256s deleted');
  t.equal(
    (await store.getRetention(bucket, cert.key, cert.versionId))?.mode,
    'COMPLIANCE',
    'the certificate is locked',
  );

  const audit = await pool.query<{ action: string; actor: string }>(
    // The reads of the record by this test are audited too (README "Retrieval"); the steps are what is checked here.
    "SELECT action, actor FROM audit_entry WHERE office = $1 AND record_id = $2 AND action <> 'record.read' ORDER BY seq",
    ['VPTU-CM', a.recordId],
  );
  t.same(
    audit.rows.map((r) => [r.action, r.actor]),
    [
      ['disposition.proposed', 'system:archivist-vptu-cm'],
      ['disposition.approved', 'person:chanh-van-phong'],
      ['record.disposed', 'person:chanh-van-phong'],
    ],
  );
  const receiver = await pool.query("SELECT action FROM audit_entry WHERE office = 'VPTU-HN' AND record_id = $1", [
    a.recordId,
  ]);
  t.same(receiver.rows, [{ action: 'record.disposed' }], 'the receiving office is told');

  const run = await app.inject({ method: 'POST', url: '/v1/fixity/runs', headers: archivist });
  t.equal(run.statusCode, 202);
  await waitFor('the fixity run', async () => {
    const r = await app.inject({
      method: 'GET',
      url: `/v1/fixity/runs/${run.json().id as string}`,
      headers: archivist,
    });
    return r.json().finishedAt !== null;
  });
  const checked = await pool.query('SELECT 1 FROM fixity_check WHERE record_id = $1', [a.recordId]);
  t.equal(checked.rowCount, 0, 'fixity does not look for the objects of a disposed record');
  t.same((await app.inject({ method: 'GET', url: '/v1/fixity', headers: archivist })).json().failures, []);

  const again = await app.inject({ method: 'POST', url, headers: approver });
  t.equal(again.statusCode, 409, 'approving twice');
  const late = await app.inject({
    method: 'POST',
    url: `/v1/dispositions/${id}/reject`,
    headers: approver,
    payload: { reason: 'x' },
  });
  t.equal(late.statusCode, 409);
  const hold = await app.inject({
    method: 'PUT',
    url: `/v1/records/${a.recordId}/hold`,
    headers: archivist,
    payload: { reason: 'x' },
  });
  t.equal(hold.statusCode, 409, 'a disposed record is not held');
});

await t.test('rejected: the records are due again; a reason is required', async (t) => {
  const proposed = await propose([b.recordId]);
  const id = proposed.json().id as string;
  const url = `/v1/dispositions/${id}/reject`;
  t.equal((await app.inject({ method: 'POST', url, headers: approver, payload: {} })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url, headers: archivist, payload: { reason: 'x' } })).statusCode, 403);
  const rejected = await app.inject({ method: 'POST', url, headers: approver, payload: { reason: 'Cần giữ lại' } });
  t.equal(rejected.statusCode, 200, rejected.body);
  t.match(rejected.json(), { state: 'rejected', decisionReason: 'Cần giữ lại' });
  t.ok((await due()).includes(b.recordId));
  t.ok(!(await gone(b)));
  const shown = await app.inject({ method: 'GET', url: `/v1/dispositions/${id}`, headers: archivist });
  t.equal(shown.json().state, 'rejected');
  for (const bad of ['not-a-uuid', randomUUID()])
    t.equal((await app.inject({ method: 'GET', url: `/v1/dispositions/${bad}`, headers: archivist })).statusCode, 404);
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/dispositions/${id}`, headers: callerOf('VPTU-BL', 'archivist') }))
      .statusCode,
    404,
  );
});

await t.test('legal hold: audited, never due, released to due again; permanent and foreign refused', async (t) => {
  const hold = (id: string, method: 'PUT' | 'DELETE', headers = archivist, payload?: unknown) =>
    app.inject({
      method,
      url: `/v1/records/${id}/hold`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  t.equal((await hold(b.recordId, 'PUT', archivist, {})).statusCode, 400, 'no reason');
  t.equal((await hold(foreign.recordId, 'PUT', archivist, { reason: 'x' })).statusCode, 404, "another office's record");
  t.equal((await hold(b.recordId, 'PUT', callerOf('VPTU-CM', 'registry'), { reason: 'x' })).statusCode, 403);
  t.equal((await hold(permanent.recordId, 'DELETE')).statusCode, 409, "a permanent record's hold stays");
  t.equal((await hold('..%2F..', 'DELETE')).statusCode, 404);
  t.notOk((await due()).includes(held.recordId));
  const released = await hold(held.recordId, 'DELETE');
  t.equal(released.statusCode, 200, released.body);
  for (const v of held.objects) t.equal(await store.getLegalHold(bucket, v.key, v.versionId), false);
  t.ok((await due()).includes(held.recordId), 'due once released');
  const audit = await pool.query<{ action: string }>(
    'SELECT action FROM audit_entry WHERE office = $1 AND record_id = $2 ORDER BY seq',
    ['VPTU-CM', held.recordId],
  );
  t.same(
    audit.rows.map((r) => r.action),
    ['record.hold-placed', 'record.hold-released'],
  );
});
