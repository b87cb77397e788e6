/**
 * Submit → sign → issue end to end against a REAL signing app over HTTP: the signer's
 * signature by their own key and PIN (relayed token), the signed PDF the original followed
 * by an update, the registry's number, date and seal; the issued PDF judged TOTAL_PASSED by
 * signing's /v1/verify/pdf, by pdfsig and by qpdf; `document.issued` exactly once, valid
 * against its schema; issuing again answers the same; every version of the PDF readable.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { join } from 'node:path';
import { validateEventData } from '@lienthong/records';
import { pdfsig, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';
import { issuedEvents } from './register-support.ts';
import { callers, contentOf, issueAs, issueWorld, signAs, submitDocument } from './issue-support.ts';

const world = await issueWorld(t);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = t.testdir({});

const id = await submitDocument(world);
const original = await contentOf(world, id);
let issuedPdf: Buffer = Buffer.alloc(0);

await t.test('the assigned signer signs: the original followed by an incremental update', async (t) => {
  const res = await signAs(world, id, callers.signer);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { id, state: 'signed', signer: 'person:bi-thu-cm' });
  const signed = await contentOf(world, id, 'signed');
  t.ok(signed.length > original.length, 'the signed PDF is longer');
  t.ok(signed.subarray(0, original.length).equals(original), 'its first bytes are the original, unchanged');
  t.ok((await contentOf(world, id, 'original')).equals(original), 'the original is still served');
  const latest = await world.intake.app.inject({
    method: 'GET',
    url: `/v1/documents/${id}/content`,
    headers: callers.system,
  });
  t.equal(latest.headers['lienthong-version'], 'signed', 'the latest version by default');
  t.equal(latest.headers.etag, `"${sha(signed)}"`, 'its ETag is its SHA-256');
  const { transitions } = (
    await world.intake.app.inject({ method: 'GET', url: `/v1/documents/${id}/transitions`, headers: callers.system })
  ).json<{ transitions: Array<{ action: string; to: string; by: string }> }>();
  t.match(transitions.at(-1), { action: 'sign', to: 'signed', by: 'person:bi-thu-cm' });
  const again = await signAs(world, id, callers.signer);
  t.equal(again.statusCode, 409, 'a second signature is refused');
  t.equal(again.json<{ code: string }>().code, 'DOCUMENT_TRANSITION_NOT_ALLOWED');
});

await t.test('the registry issues it: number, date and seal', async (t) => {
  const res = await issueAs(world, id);
  t.equal(res.statusCode, 200, res.body);
  const answer = res.json<{ number: number; symbol: string; printed: string; state: string; sha256: string }>();
  t.match(answer, { id, state: 'issued', number: 1, symbol: '01-CT/VPTU', printed: 'Số 01-CT/VPTU', series: 'CT' });
  issuedPdf = await contentOf(world, id);
  t.equal(sha(issuedPdf), answer.sha256, 'the latest version is the issued PDF the answer names');
  const signed = await contentOf(world, id, 'signed');
  t.ok(issuedPdf.subarray(0, signed.length).equals(signed), 'the issued PDF extends the signed one');
  const doc = (
    await world.intake.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: callers.system })
  ).json<{
    state: string;
  }>();
  t.equal(doc.state, 'issued');
  const { rows } = await world.intake.pool.query<{ state: string; signer: string; recipients: string }>(
    'SELECT state, signer, recipients FROM register_entry WHERE document_id = $1',
    [id],
  );
  t.same(rows, [{ state: 'issued', signer: 'Nguyễn Văn An', recipients: 'HU-CM1' }], 'the register entry');
});

await t.test("signing's verification: TOTAL_PASSED, the seal at B-LTA", async (t) => {
  const res = await world.signing.app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...callers.system, 'content-type': 'application/pdf' },
    payload: issuedPdf,
  });
  const report = res.json<{
    indication: string;
    signatures: Array<{ field: string; indication: string; level?: string; modification: string }>;
  }>();
  t.equal(report.indication, 'TOTAL_PASSED', JSON.stringify(report).slice(0, 800));
  t.match(report.signatures[0], { indication: 'TOTAL_PASSED', modification: 'PERMITTED' }, 'the signer');
  t.match(report.signatures[1], { field: 'lienthong-seal', indication: 'TOTAL_PASSED', level: 'B-LTA' }, 'the seal');
});

await t.test('pdfsig and qpdf judge the issued PDF', { skip: skipUnless('pdfsig', 'qpdf') }, async (t) => {
  const file = join(dir, 'issued.pdf');
  await writeFile(file, issuedPdf);
  const check = await qpdfCheck(file);
  t.ok(check.ok, check.output);
  const sig = await pdfsig(file);
  // pdfsig cannot validate the B-LTA document time-stamp (ETSI.RFC3161): the two CMS signatures it can.
  const cms = sig.signatures.filter((s) => s.signatureType === 'ETSI.CAdES.detached');
  t.equal(cms.length, 2, sig.output);
  for (const s of cms) t.ok(s.valid, `${s.fieldName ?? '?'}: ${s.validation ?? ''}`);
  t.ok(
    cms.some((s) => s.fieldName === 'lienthong-seal'),
    'the seal is in its field',
  );
  t.ok(sig.signatures.at(-1)?.totalDocumentSigned, 'the last revision covers the whole file');
});

await t.test('document.issued exactly once, valid against its schema', async (t) => {
  t.equal((await issuedEvents(world.intake.pool)).get(id), 1);
  const { rows } = await world.intake.pool.query<{
    key: string;
    envelope: { id: string; data: Record<string, unknown> };
  }>("SELECT key, envelope FROM outbox WHERE topic = 'lienthong.document.issued.v1'");
  const { key, envelope } = rows[0]!;
  t.equal(key, 'VPTU-CM', 'keyed by the issuing office');
  t.equal((envelope as unknown as { subject: string }).subject, id, 'its subject is the document');
  t.match(envelope.data, {
    documentId: id,
    office: 'VPTU-CM',
    symbol: '01-CT/VPTU',
    numberSymbol: { number: 1, type: 'CT', bodies: ['VPTU'] },
    recipients: { offices: ['HU-CM1'] },
    deliverTo: ['HU-CM1'],
    file: {
      sha256: sha(issuedPdf),
      byteLength: issuedPdf.length,
      object: { key: `documents/${id}/issued.pdf` },
    },
  });
  const { object } = envelope.data.file as { object: { bucket: string; key: string; versionId?: string } };
  const stored = await world.intake.store.get(
    object.bucket,
    object.key,
    object.versionId ? { versionId: object.versionId } : {},
  );
  t.equal(sha(await buffer(stored.body)), sha(issuedPdf), 'the object the event names is the issued PDF');
  t.ok(validateEventData('document.issued', 1, envelope.data).ok, 'the data passes libs/records');
});

await t.test('issuing again answers the same and publishes nothing', async (t) => {
  const first = (await issueAs(world, id)).json();
  const again = await issueAs(world, id);
  t.equal(again.statusCode, 200);
  t.same(again.json(), first, 'the same answer');
  t.equal((await issuedEvents(world.intake.pool)).get(id), 1, 'still one event');
  t.ok((await contentOf(world, id)).equals(issuedPdf), 'the issued PDF unchanged');
});

await t.test('/metrics counts the submission and the issue once, and no number left reserved', async (t) => {
  const metrics = (await world.intake.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, /^lienthong_documents_submitted_total\{type="CT",service="intake"\} 1$/m, 'one submission');
  t.match(
    metrics,
    /^lienthong_documents_issued_total\{type="CT",service="intake"\} 1$/m,
    'one issue, the repeat not counted',
  );
  t.match(metrics, /^lienthong_numbers_reserved_pending\{service="intake"\} 0$/m);
});

await t.test('the next document of the series takes 02', async (t) => {
  const next = await submitDocument(world);
  t.equal((await signAs(world, next, callers.signer)).statusCode, 200);
  const res = await issueAs(world, next);
  t.match(res.json(), { number: 2, symbol: '02-CT/VPTU' }, res.body);
});

await t.test('the OpenAPI document describes the signature, issue and content version', async (t) => {
  const res = await world.intake.app.inject({ method: 'GET', url: '/docs/json' });
  const paths = res.json<{ paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>> }>().paths;
  t.ok(paths['/v1/documents/{id}/signature']?.post, 'signature');
  t.ok(paths['/v1/documents/{id}/issue']?.post, 'issue');
  const content = paths['/v1/documents/{id}/content']?.get;
  t.ok(
    content?.parameters?.some((p) => p.name === 'version'),
    'content?version=',
  );
  const signature = paths['/v1/documents/{id}/signature']?.post;
  t.ok(
    signature?.parameters?.some((p) => p.name === 'lienthong-pin'),
    'the PIN header',
  );
});
