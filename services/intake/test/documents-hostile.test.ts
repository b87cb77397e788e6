/**
 * Bad submissions (issue 16, "Checks"): each is refused with a problem+json 4xx that says
 * what is wrong, and leaves no row, no transition, no idempotency key and no object in the
 * bucket (listed on the real MinIO). The limit is lowered to 256 KiB for the file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';
import {
  metadataOf,
  multipart,
  plainPdf,
  seedDirectory,
  signedPdf,
  storedState,
  submissionParts,
  submit,
  systemA,
  type Part,
} from './documents-support.ts';
import { intakeForFile } from './support.ts';

const limit = 256 * 1024;
const intake = await intakeForFile(t, 'minio', { LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES: String(limit) });
const { app, pool, store, bucket } = intake;
await seedDirectory(intake);
const pdf = await plainPdf();
const nothingYet = await storedState(pool, store, bucket);

interface Problem {
  code: string;
  detail?: string;
  problems?: { pointer: string; message: string }[];
  limit?: number;
}

/** Posts `parts`, checks the status and code, that the answer is problem+json and that nothing was stored. */
async function refused(
  t: Test,
  parts: Part[],
  status: number,
  code: string,
  headers: Record<string, string> = systemA,
  extraHeaders: Record<string, string> = {},
): Promise<Problem> {
  const res = await submit(intake, parts, { ...headers, ...extraHeaders });
  t.equal(res.statusCode, status, res.body.slice(0, 600));
  t.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = JSON.parse(res.body) as Problem;
  t.equal(body.code, code);
  t.equal(await storedState(pool, store, bucket), nothingYet, 'no row, no transition, no key, no object');
  return body;
}

await t.test('content that is not a readable PDF: 422 DOCUMENT_NOT_PDF', async (t) => {
  await refused(t, submissionParts(metadataOf(), Buffer.from('Kính gửi các đồng chí,\n')), 422, 'DOCUMENT_NOT_PDF');
  const truncated = pdf.subarray(0, Math.floor(pdf.length / 2));
  const cut = await refused(t, submissionParts(metadataOf(), truncated), 422, 'DOCUMENT_NOT_PDF');
  t.match(cut.detail, /Nothing was stored/);
  await refused(t, submissionParts(metadataOf(), Buffer.alloc(0)), 422, 'DOCUMENT_NOT_PDF');
  const fake = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2000), Buffer.from('\n%%EOF\n')]);
  await refused(t, submissionParts(metadataOf(), fake), 422, 'DOCUMENT_NOT_PDF');
});

await t.test('a PDF that already carries a signature: 422 DOCUMENT_ALREADY_SIGNED', async (t) => {
  const signed = await signedPdf();
  const body = await refused(t, submissionParts(metadataOf(), signed), 422, 'DOCUMENT_ALREADY_SIGNED');
  t.match(body.detail, /signature/);
});

await t.test('a PDF over the limit: 413 DOCUMENT_TOO_LARGE with the limit', async (t) => {
  const big = Buffer.concat([pdf, randomBytes(limit)]);
  const body = await refused(t, submissionParts(metadataOf(), big), 413, 'DOCUMENT_TOO_LARGE');
  t.equal(body.limit, limit);
});

await t.test('parts missing, out of order or extra: 400 DOCUMENT_UPLOAD_MALFORMED', async (t) => {
  const [metadata, content] = submissionParts(metadataOf(), pdf) as [Part, Part];
  await refused(t, [content], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [content, metadata], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [metadata], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [metadata, { ...content, name: 'pdf' }], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [metadata, { name: 'content', body: 'not a file part' }], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [metadata, content, { name: 'note', body: 'x' }], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [metadata, content, { ...content, name: 'content2' }], 400, 'DOCUMENT_UPLOAD_MALFORMED');
  await refused(t, [], 400, 'DOCUMENT_UPLOAD_MALFORMED');
});

await t.test('a multipart body cut off inside the PDF: 400, nothing stored', async (t) => {
  const { payload, contentType } = multipart(submissionParts(metadataOf(), pdf));
  const res = await app.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...systemA, 'content-type': contentType },
    payload: payload.subarray(0, payload.length - 300),
  });
  t.equal(res.statusCode, 400, res.body);
  t.equal(JSON.parse(res.body).code, 'DOCUMENT_UPLOAD_MALFORMED');
  t.equal(await storedState(pool, store, bucket), nothingYet);
});

await t.test('not multipart: 415 or 400, nothing stored', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...systemA, 'content-type': 'application/pdf' },
    payload: pdf,
  });
  t.ok(res.statusCode === 415 || res.statusCode === 400, `${res.statusCode}`);
  t.match(String(res.headers['content-type']), /^application\/problem\+json/);
  t.equal(await storedState(pool, store, bucket), nothingYet);
});

await t.test('missing or invalid metadata: 422 DOCUMENT_METADATA_INVALID with every problem', async (t) => {
  const notJson = [{ name: 'metadata', body: '{"type": "CT",' }, submissionParts({}, pdf)[1]!];
  await refused(t, notJson, 422, 'DOCUMENT_METADATA_INVALID');
  const missing = metadataOf();
  delete missing.subject;
  delete missing.signer;
  const body = await refused(
    t,
    submissionParts({ ...missing, type: 'XX', urgency: 'ordinary', deadline: '2027-01-01T00:00:00+07:00' }, pdf),
    422,
    'DOCUMENT_METADATA_INVALID',
  );
  const pointers = body.problems!.map((p) => p.pointer);
  for (const p of ['/subject', '/signer', '/type', '/deadline']) t.ok(pointers.includes(p), p);
  await refused(t, submissionParts(metadataOf({ subject: 'Về việc\u202E ẩn' }), pdf), 422, 'DOCUMENT_METADATA_INVALID');
  await refused(t, submissionParts(metadataOf({ recipients: {} }), pdf), 422, 'DOCUMENT_METADATA_INVALID');
  await refused(t, submissionParts(metadataOf({ extra: true }), pdf), 422, 'DOCUMENT_METADATA_INVALID');
  await refused(t, submissionParts([1, 2], pdf), 422, 'DOCUMENT_METADATA_INVALID');
});

await t.test("another issuing office than the caller's: 422 at /issuingOffice", async (t) => {
  const body = await refused(
    t,
    submissionParts(metadataOf({ issuingOffice: 'VPTU-B' }), pdf),
    422,
    'DOCUMENT_METADATA_INVALID',
  );
  t.match(body.problems, [{ pointer: '/issuingOffice' }]);
});

await t.test('a declared file that is not the PDF: 422 at /file', async (t) => {
  const file = {
    sha256: createHash('sha256').update('other').digest('hex'),
    byteLength: pdf.length,
    mediaType: 'application/pdf',
  };
  const body = await refused(t, submissionParts(metadataOf({ file }), pdf), 422, 'DOCUMENT_METADATA_INVALID');
  t.match(body.problems, [{ pointer: '/file' }]);
});

await t.test(
  'unknown recipients and a signer not of the office: 422 DOCUMENT_RECIPIENT_UNKNOWN, each named',
  async (t) => {
    const body = await refused(
      t,
      submissionParts(metadataOf({ recipients: { offices: ['HU-A1', 'HU-ZZ'], groups: ['NO-GROUP'] } }), pdf),
      422,
      'DOCUMENT_RECIPIENT_UNKNOWN',
    );
    t.match(body.problems, [{ pointer: '/recipients/offices/1' }, { pointer: '/recipients/groups/0' }]);
    const foreign = await refused(
      t,
      submissionParts(metadataOf({ signer: { person: 'bao' } }), pdf),
      422,
      'DOCUMENT_RECIPIENT_UNKNOWN',
    );
    t.match(foreign.problems, [{ pointer: '/signer/person', message: /not a person of VPTU-A/ }]);
  },
);

await t.test('secrecy: Mật not yet (no encryption for recipients), Tối mật and Tuyệt mật never', async (t) => {
  const mat = await refused(
    t,
    submissionParts(metadataOf({ secrecy: 'confidential' }), pdf),
    422,
    'DOCUMENT_SECRECY_NOT_AVAILABLE',
  );
  t.match(mat.detail, /encrypt/);
  for (const secrecy of ['secret', 'top-secret']) {
    const body = await refused(t, submissionParts(metadataOf({ secrecy }), pdf), 422, 'DOCUMENT_METADATA_INVALID');
    t.match(body.problems, [{ pointer: '/secrecy' }]);
  }
});

await t.test('callers: no token 401, a reader 403, an office not in the directory 403', async (t) => {
  const parts = submissionParts(metadataOf(), pdf);
  await refused(t, parts, 401, 'UNAUTHENTICATED', {});
  const reader = authHeader({ subject: 'person:doc', office: 'VPTU-A', roles: ['reader'] });
  await refused(t, parts, 403, 'FORBIDDEN', reader);
  const stranger = authHeader({ subject: 'system:x', office: 'VPTU-X', roles: ['office-system'] });
  await refused(t, parts, 403, 'DIRECTORY_CALLER_UNKNOWN', stranger);
});

await t.test('an Idempotency-Key that is not 1-200 visible ASCII characters: 400', async (t) => {
  const parts = submissionParts(metadataOf(), pdf);
  for (const key of ['with space', 'x'.repeat(201), 'khóa'])
    await refused(t, parts, 400, 'IDEMPOTENCY_KEY_INVALID', systemA, { 'idempotency-key': key });
});

await t.test('a client that goes away mid-upload leaves no object and no row', async (t) => {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = new URL(address);
  const { payload, contentType } = multipart(submissionParts(metadataOf(), Buffer.concat([pdf, randomBytes(100_000)])));
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const head = [
    'POST /v1/documents HTTP/1.1',
    'host: 127.0.0.1',
    `authorization: ${systemA.authorization}`,
    `content-type: ${contentType}`,
    `content-length: ${payload.length}`,
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  await new Promise<void>((resolve) => socket.write(payload.subarray(0, 60_000), () => resolve()));
  socket.destroy();
  await waitFor('the server to let the connection go', async () => {
    const open = await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n)));
    return open === 0;
  });
  // A whole submission after it is answered once the aborted one has been dealt with.
  const ok = await submit(intake, submissionParts(metadataOf(), pdf));
  t.equal(ok.statusCode, 201, ok.body);
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM document');
  t.same(
    rows.map((r) => r.id),
    [JSON.parse(ok.body).id],
  );
  const objects = await store.listVersions(bucket, '');
  t.same(
    objects.map((o) => o.key),
    [`documents/${rows[0]!.id}/original.pdf`],
  );
});

await t.test('a transaction that fails after the PDF was put removes the object', async (t) => {
  const before = await storedState(pool, store, bucket);
  await pool.query(`CREATE FUNCTION refuse_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
  await pool.query(
    'CREATE TRIGGER refuse_document BEFORE INSERT ON document FOR EACH ROW EXECUTE FUNCTION refuse_document()',
  );
  t.teardown(async () => {
    await pool.query('DROP TRIGGER refuse_document ON document');
    await pool.query('DROP FUNCTION refuse_document()');
  });
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()), {
    ...systemA,
    'idempotency-key': 'failing-1',
  });
  t.equal(res.statusCode, 500);
  t.equal(await storedState(pool, store, bucket), before, 'no row, no key, no object');
});
