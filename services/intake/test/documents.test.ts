/**
 * Submitting a document and reading its life (issue 16), against the real PostgreSQL and
 * the real MinIO: the PDF kept under the document's id with its SHA-256, the row awaiting
 * signature, the life record (create, submit, cancel) append-only, another office's
 * document unseen.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { metadataOf, plainPdf, seedDirectory, submissionParts, submit, systemA, systemB } from './documents-support.ts';
import { intakeForFile } from './support.ts';

const intake = await intakeForFile(t, 'minio');
const { app, pool, store, bucket } = intake;
await seedDirectory(intake);

interface DocumentBody {
  id: string;
  state: string;
  office: string;
  sha256: string;
  size: number;
  signer: string;
  metadata: { issuingOffice: string; file: { sha256: string; byteLength: number } };
}

const pdf = await plainPdf(2);
const sha256 = createHash('sha256').update(pdf).digest('hex');
const res = await submit(intake, submissionParts(metadataOf(), pdf));
t.equal(res.statusCode, 201, res.body);
const doc = JSON.parse(res.body) as DocumentBody;

await t.test('a submitted document awaits its signer, its PDF kept by id with its SHA-256', async (t) => {
  t.equal(res.headers.location, `/v1/documents/${doc.id}`);
  t.match(doc, { state: 'awaiting-signature', office: 'VPTU-A', sha256, size: pdf.length, signer: 'person:nhung' });
  t.match(doc.metadata, { issuingOffice: 'VPTU-A', file: { sha256, byteLength: pdf.length } });
  const objects = await store.listVersions(bucket, '');
  t.same(
    objects.map((o) => o.key),
    [`documents/${doc.id}/original.pdf`],
  );
  const got = await app.inject({ method: 'GET', url: `/v1/documents/${doc.id}`, headers: systemA });
  t.equal(got.statusCode, 200);
  t.same(JSON.parse(got.body), doc);
});

await t.test('the PDF comes back byte for byte, its ETag the SHA-256', async (t) => {
  const got = await app.inject({ method: 'GET', url: `/v1/documents/${doc.id}/content`, headers: systemA });
  t.equal(got.statusCode, 200);
  t.equal(got.headers.etag, `"${sha256}"`);
  t.equal(got.headers['content-type'], 'application/pdf');
  t.ok(got.rawPayload.equals(pdf));
  const again = await app.inject({
    method: 'GET',
    url: `/v1/documents/${doc.id}/content`,
    headers: { ...systemA, 'if-none-match': `"${sha256}"` },
  });
  t.equal(again.statusCode, 304);
});

await t.test('the life record: created, submitted; a cancellation with its reason; no second one', async (t) => {
  const before = await app.inject({ method: 'GET', url: `/v1/documents/${doc.id}/transitions`, headers: systemA });
  t.match(JSON.parse(before.body), {
    transitions: [
      { from: null, to: 'draft', action: 'create', by: 'system:vptu-a', reason: null },
      { from: 'draft', to: 'awaiting-signature', action: 'submit', by: 'system:vptu-a' },
    ],
  });
  const cancel = (reason: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/documents/${doc.id}/cancellation`,
      headers: { ...systemA, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason }),
    });
  const cancelled = await cancel('Trùng với văn bản đã gửi');
  t.equal(cancelled.statusCode, 200, cancelled.body);
  t.equal(JSON.parse(cancelled.body).state, 'cancelled');
  const twice = await cancel('again');
  t.equal(twice.statusCode, 409);
  t.match(JSON.parse(twice.body), { code: 'DOCUMENT_TRANSITION_NOT_ALLOWED', state: 'cancelled' });
  const after = await app.inject({ method: 'GET', url: `/v1/documents/${doc.id}/transitions`, headers: systemA });
  const transitions = (JSON.parse(after.body) as { transitions: unknown[] }).transitions;
  t.equal(transitions.length, 3);
  t.match(transitions[2], {
    from: 'awaiting-signature',
    to: 'cancelled',
    action: 'cancel',
    reason: 'Trùng với văn bản đã gửi',
  });
});

await t.test('only an office system or the registry cancels', async (t) => {
  const reader = authHeader({ subject: 'person:doc', office: 'VPTU-A', roles: ['reader'] });
  const res = await app.inject({
    method: 'POST',
    url: `/v1/documents/${doc.id}/cancellation`,
    headers: { ...reader, 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: 'x' }),
  });
  t.equal(res.statusCode, 403);
});

await t.test('the life record is append-only: UPDATE and DELETE fail in the database itself', async (t) => {
  await t.rejects(pool.query("UPDATE document_transition SET reason = 'rewritten'"), /append-only/);
  await t.rejects(pool.query('DELETE FROM document_transition'), /append-only/);
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM document_transition');
  t.equal(rows[0]!.n, 3);
});

await t.test("another office's token sees none of it: 404, empty list", async (t) => {
  for (const url of [
    `/v1/documents/${doc.id}`,
    `/v1/documents/${doc.id}/content`,
    `/v1/documents/${doc.id}/transitions`,
  ]) {
    const res = await app.inject({ method: 'GET', url, headers: systemB });
    t.equal(res.statusCode, 404, url);
    t.equal(JSON.parse(res.body).code, 'DOCUMENT_NOT_FOUND');
  }
  const cancel = await app.inject({
    method: 'POST',
    url: `/v1/documents/${doc.id}/cancellation`,
    headers: { ...systemB, 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: 'x' }),
  });
  t.equal(cancel.statusCode, 404);
  const list = await app.inject({ method: 'GET', url: '/v1/documents', headers: systemB });
  t.same(JSON.parse(list.body), { documents: [], nextOffset: null });
});

await t.test('the list: newest first, by state, paged', async (t) => {
  const second = JSON.parse(
    (await submit(intake, submissionParts(metadataOf(), await plainPdf()))).body,
  ) as DocumentBody;
  const all = await app.inject({ method: 'GET', url: '/v1/documents?limit=1', headers: systemA });
  t.match(JSON.parse(all.body), { documents: [{ id: second.id }], nextOffset: 1 });
  const rest = await app.inject({ method: 'GET', url: '/v1/documents?limit=1&offset=1', headers: systemA });
  t.match(JSON.parse(rest.body), { documents: [{ id: doc.id }], nextOffset: null });
  const cancelled = await app.inject({ method: 'GET', url: '/v1/documents?state=cancelled', headers: systemA });
  t.same(
    (JSON.parse(cancelled.body) as { documents: { id: string }[] }).documents.map((d) => d.id),
    [doc.id],
  );
  const bad = await app.inject({ method: 'GET', url: '/v1/documents?state=lost', headers: systemA });
  t.equal(bad.statusCode, 400);
});

await t.test('the issuing office may be repeated, and the declared file must be the PDF', async (t) => {
  const pdf = await plainPdf();
  const file = {
    sha256: createHash('sha256').update(pdf).digest('hex'),
    byteLength: pdf.length,
    mediaType: 'application/pdf',
  };
  const ok = await submit(intake, submissionParts(metadataOf({ issuingOffice: 'VPTU-A', file }), pdf));
  t.equal(ok.statusCode, 201, ok.body);
});

await t.test('the OpenAPI document describes every document route', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const paths = (JSON.parse(res.body) as { paths: Record<string, Record<string, unknown>> }).paths;
  t.ok(paths['/v1/documents']?.post);
  t.ok(paths['/v1/documents']?.get);
  for (const path of ['/v1/documents/{id}', '/v1/documents/{id}/content', '/v1/documents/{id}/transitions'])
    t.ok(paths[path]?.get, path);
  t.ok(paths['/v1/documents/{id}/cancellation']?.post);
});

await t.test('an id that is not a UUID is 400, not a database error', async (t) => {
  for (const url of ['/v1/documents/not-a-uuid', '/v1/documents/1/content', "/v1/documents/'%3B--/transitions"]) {
    const res = await app.inject({ method: 'GET', url, headers: systemA });
    t.equal(res.statusCode, 400, `${url}: ${res.body}`);
  }
});
