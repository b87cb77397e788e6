/**
 * Two-step signing of a document with a USB token, against a REAL signing app over HTTP and
 * intake's objects in the real MinIO. The "token" is a key the test holds, its certificate
 * issued by signing's own issuing CA in the signer's registered name; the server never sees
 * the key. The document is signed as by the remote path (the original followed by an
 * update, moved to `signed` with its transition), then numbered and sealed, and the issued
 * PDF still verifies. Every refusal — bad base64, a value from another key, an expired
 * session, another person's session, a session of another document (refused before signing
 * is asked: not used up), a document not awaiting signature, the wrong caller —
 * leaves everything as it was.
 */
import { sign as nodeSign, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { pdfsig, skipUnless } from '../../../test/support/judges.ts';
import {
  callers,
  contentOf,
  issueAs,
  issueState,
  issueWorld,
  signedDocument,
  submitDocument,
} from './issue-support.ts';
import { usbToken } from './usb-token.ts';

const world = await issueWorld(t, { objects: 'minio' });
const dir = t.testdir({});
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const usb = await usbToken(world);
const otherKey = await usbToken(world);

interface Prepared {
  session: string;
  algorithm: string;
  signedAttributes: string;
  digest: string;
  digestInfo: string;
  expiresAt: string;
}

const prepareAs = (id: string, headers: object = callers.signer, body: unknown = usb, query = '') =>
  world.intake.app.inject({
    method: 'POST',
    url: `/v1/documents/${id}/signature/preparation${query}`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(
      body === usb ? { certificate: usb.certificate, chain: usb.chain } : (body as Record<string, unknown>),
    ),
  });

const completeAs = (id: string, body: unknown, headers: object = callers.signer) =>
  world.intake.app.inject({
    method: 'POST',
    url: `/v1/documents/${id}/signature/completion`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

/** The token's signature value over what the preparation asks (ECDSA as r‖s, as tokens give it). */
const valueOf = (prepared: Prepared, key: KeyObject = usb.key) =>
  b64(nodeSign('sha256', Buffer.from(prepared.signedAttributes, 'base64'), { key, dsaEncoding: 'ieee-p1363' }));

await t.test('prepared, signed on the token, completed: the original followed by an update; then issued', async (t) => {
  const id = await submitDocument(world);
  const original = await contentOf(world, id);
  const res = await prepareAs(id);
  t.equal(res.statusCode, 201, res.body);
  const prepared = res.json<Prepared>();
  t.equal(prepared.algorithm, 'ECDSA-SHA256');
  t.ok(Date.parse(prepared.expiresAt) > Date.parse('2026-01-01'), 'an expiry');
  t.equal(Buffer.from(prepared.digest, 'base64').length, 32, 'a SHA-256 digest');
  t.match(
    (await world.intake.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: callers.system })).json(),
    { state: 'awaiting-signature' },
    'preparing changes nothing here',
  );
  const done = await completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) });
  t.equal(done.statusCode, 200, done.body);
  t.match(done.json(), { id, state: 'signed', signer: 'person:bi-thu-cm' });
  const signed = await contentOf(world, id, 'signed');
  t.ok(signed.length > original.length && signed.subarray(0, original.length).equals(original), 'incremental');
  t.ok(signed.includes(Buffer.from('/DocMDP')), 'a certification signature (DocMDP)');
  const { transitions } = (
    await world.intake.app.inject({ method: 'GET', url: `/v1/documents/${id}/transitions`, headers: callers.system })
  ).json<{ transitions: Array<{ action: string; to: string; by: string }> }>();
  t.match(transitions.at(-1), { action: 'sign', to: 'signed', by: 'person:bi-thu-cm' });
  const again = await completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) });
  t.equal(again.statusCode, 409, 'a second completion is refused');
  t.equal(again.json<{ code: string }>().code, 'DOCUMENT_TRANSITION_NOT_ALLOWED');

  const issued = await issueAs(world, id);
  t.equal(issued.statusCode, 200, issued.body);
  const issuedPdf = await contentOf(world, id);
  t.ok(issuedPdf.subarray(0, signed.length).equals(signed), 'the issued PDF extends the token-signed one');
  const report = (
    await world.signing.app.inject({
      method: 'POST',
      url: '/v1/verify/pdf',
      headers: { ...callers.system, 'content-type': 'application/pdf' },
      payload: issuedPdf,
    })
  ).json<{ signatures: Array<{ field: string; indication: string; modification: string; message?: string }> }>();
  t.equal(report.signatures.length, 3, 'the signer, the seal and the document time-stamp');
  t.equal(report.signatures[0]?.modification, 'PERMITTED', 'the stamp and seal are changes the certification permits');
  t.match(report.signatures[1], { field: 'lienthong-seal', indication: 'TOTAL_PASSED' }, 'the seal');
  t.equal(report.signatures[0]?.indication, 'TOTAL_PASSED', JSON.stringify(report.signatures[0]));
  if (skipUnless('pdfsig') === false) {
    const file = join(dir, 'issued.pdf');
    await writeFile(file, issuedPdf);
    const cms = (await pdfsig(file)).signatures.filter((s) => s.signatureType === 'ETSI.CAdES.detached');
    t.equal(cms.length, 2);
    for (const s of cms) t.ok(s.valid, `pdfsig: ${s.fieldName ?? '?'}: ${s.validation ?? ''}`);
  }
});

await t.test('every refusal changes nothing', async (t) => {
  const id = await submitDocument(world);
  const signed = await signedDocument(world);
  const prepared = (await prepareAs(id)).json<Prepared>();
  const otherDocument = await submitDocument(world);
  const otherPrepared = (await prepareAs(otherDocument)).json<Prepared>();
  const expiring = (await prepareAs(id)).json<Prepared>();
  await world.signing.pool.query("UPDATE two_step_session SET expires_at = now() - interval '1 second' WHERE id = $1", [
    expiring.session,
  ]);
  const before = await issueState(world);
  const cases: Array<[string, () => ReturnType<typeof completeAs>, number, string]> = [
    [
      'bad base64',
      () => completeAs(id, { session: prepared.session, signatureValue: 'not*base64!' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a session that is not a uuid',
      () => completeAs(id, { session: 'x', signatureValue: valueOf(prepared) }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an extra property',
      () => completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared), pin: '1' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a value from another key',
      () => completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared, otherKey.key) }),
      422,
      'SIGNING_REFUSED',
    ],
    [
      'an expired session',
      () => completeAs(id, { session: expiring.session, signatureValue: valueOf(expiring) }),
      410,
      'SIGNING_SESSION_EXPIRED',
    ],
    [
      "another person's session",
      () => completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) }, callers.otherSigner),
      403,
      'DOCUMENT_SIGNER_MISMATCH',
    ],
    [
      'a session never prepared',
      () => completeAs(id, { session: '00000000-0000-4000-8000-000000000000', signatureValue: valueOf(prepared) }),
      404,
      'SIGNING_SESSION_NOT_FOUND',
    ],
    [
      'the session of another document',
      () => completeAs(id, { session: otherPrepared.session, signatureValue: valueOf(otherPrepared) }),
      404,
      'SIGNING_SESSION_NOT_FOUND',
    ],
    [
      'a document already signed',
      () => completeAs(signed, { session: prepared.session, signatureValue: valueOf(prepared) }),
      409,
      'DOCUMENT_TRANSITION_NOT_ALLOWED',
    ],
    [
      "another office's signer",
      () => completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) }, callers.foreignSigner),
      404,
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'the registry',
      () => completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) }, callers.registry),
      403,
      'FORBIDDEN',
    ],
  ];
  for (const [name, call, status, code] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.equal(res.json<{ code: string }>().code, code, name);
    t.match(res.headers['content-type'], /application\/problem\+json/, name);
  }
  t.equal(await issueState(world), before, 'nothing changed');
  const late = await completeAs(id, { session: prepared.session, signatureValue: valueOf(prepared) });
  t.equal(late.statusCode, 200, `the right value still completes the session: ${late.body}`);
  const other = await completeAs(otherDocument, {
    session: otherPrepared.session,
    signatureValue: valueOf(otherPrepared),
  });
  t.equal(other.statusCode, 200, `the other document's session was not used up: ${other.body}`);
});

await t.test(
  'preparation: only the assigned signer, a certificate in their name, a document awaiting signature',
  async (t) => {
    const id = await submitDocument(world);
    const signed = await signedDocument(world);
    const stranger = await usbToken(world, 'Trần Văn Bình');
    const before = await issueState(world);
    const cases: Array<[string, () => ReturnType<typeof prepareAs>, number, string]> = [
      ['bad base64', () => prepareAs(id, callers.signer, { certificate: '%%%%' }), 400, 'VALIDATION_FAILED'],
      ['no certificate', () => prepareAs(id, callers.signer, { chain: [] }), 400, 'VALIDATION_FAILED'],
      [
        'a certificate that is not DER',
        () => prepareAs(id, callers.signer, { certificate: b64(Buffer.from('nope')) }),
        422,
        'SIGNING_REFUSED',
      ],
      [
        "someone else's certificate",
        () => prepareAs(id, callers.signer, { certificate: stranger.certificate }),
        422,
        'SIGNING_REFUSED',
      ],
      ['a bad rect', () => prepareAs(id, callers.signer, usb, '?rect=1,2,3'), 400, 'VALIDATION_FAILED'],
      ['not the assigned signer', () => prepareAs(id, callers.otherSigner), 403, 'DOCUMENT_SIGNER_MISMATCH'],
      ["another office's signer", () => prepareAs(id, callers.foreignSigner), 404, 'DOCUMENT_NOT_FOUND'],
      ['the office system', () => prepareAs(id, callers.system), 403, 'FORBIDDEN'],
      ['a document already signed', () => prepareAs(signed), 409, 'DOCUMENT_TRANSITION_NOT_ALLOWED'],
    ];
    for (const [name, call, status, code] of cases) {
      const res = await call();
      t.equal(res.statusCode, status, `${name}: ${res.body}`);
      t.equal(res.json<{ code: string }>().code, code, name);
    }
    t.equal(await issueState(world), before, 'nothing changed');
  },
);

await t.test('the OpenAPI document describes both steps and their refusals', async (t) => {
  const res = await world.intake.app.inject({ method: 'GET', url: '/docs/json' });
  const paths = res.json<{ paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }>().paths;
  const preparation = paths['/v1/documents/{id}/signature/preparation']?.post;
  const completion = paths['/v1/documents/{id}/signature/completion']?.post;
  t.ok(preparation?.responses?.['201'], 'the preparation answers 201');
  for (const status of ['200', '400', '403', '404', '409', '410', '422', '502', '503'])
    t.ok(completion?.responses?.[status], `the completion declares ${status}`);
});
