/**
 * Two-step signing: the "token" here is a key the test holds (the server never sees it);
 * what comes back must verify with openssl over the real content.
 */
import { createHash, sign as nodeSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import t from 'tap';
import type { Test } from 'tap';
import {
  generateKeyPair,
  issueCertificate,
  keySigner,
  personProfile,
  readCertificate,
  toPem,
  type Certificate,
} from '@lienthong/pki';
import { findByRole, findEncryptedKey } from '../src/ca/certificate-repository.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { opensslCmsVerify, pdfsig, pdftotext } from '../../../test/support/judges.ts';
import { registerPerson } from './enrolment.ts';
import { scratch } from './fixtures.ts';
import { decryptWithTestKek, signingForFile } from './support.ts';

// Objects in the real MinIO: the prepared PDFs of two-step signing wait there.
const signing = await signingForFile(t, {}, 'minio');
const { app, pool } = signing;
const s = scratch();
t.teardown(() => s.cleanup());

const signer = authHeader({ subject: 'person:nhung', office: 'VPTU-CM', roles: ['signer'] });
const content = Buffer.from('Kết luận số 18-KL/TU của Ban Thường vụ Tỉnh ủy.');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const issuingRecord = (await findByRole(pool, 'issuing-ca'))!;
const issuing = readCertificate(issuingRecord.der);
const root = readCertificate((await findByRole(pool, 'root'))!.der);
const issuingKey = await decryptWithTestKek(pool, (await findEncryptedKey(pool, issuingRecord.id))!);
const rootPem = s.file('root.pem', toPem('CERTIFICATE', root.der));

/** A USB token: a key pair and its certificate from the service's issuing CA. */
async function token(
  spec: Parameters<typeof generateKeyPair>[0],
  name = 'Nguyễn Thị Hồng Nhung',
): Promise<{ key: KeyObject; certificate: Certificate }> {
  const keys = await generateKeyPair(spec);
  const certificate = await issueCertificate(
    personProfile({
      name,
      title: 'Phó Bí thư',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Cà Mau',
      publicKey: keys.publicKey,
      validityDays: 30,
    }),
    { certificate: issuing, signer: keySigner(issuingKey) },
  );
  return { key: keys.privateKey, certificate };
}

const rsa = await token({ type: 'rsa', modulusLength: 2048 });
const ec = await token({ type: 'ec', namedCurve: 'P-256' });
// The token of a colleague: a real certificate of this CA, naming someone else.
const colleagues = await token({ type: 'ec', namedCurve: 'P-256' }, 'Trần Văn Hùng');
// The signer as the office's CA administrator recorded them: what the token's certificate must name.
await registerPerson(app, { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' });

type Prepared = {
  id: string;
  algorithm: string;
  signedAttributes: string;
  digest: string;
  digestInfo: string;
  expiresAt: string;
};
async function prepare(certificate: Certificate, headers = signer, body: Record<string, unknown> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/two-step',
    headers,
    payload: {
      certificate: b64(certificate.der),
      chain: [b64(issuing.der)],
      digest: b64(createHash('sha256').update(content).digest()),
      ...body,
    },
  });
}
const complete = (id: string, signatureValue: Uint8Array, headers = signer) =>
  app.inject({
    method: 'POST',
    url: `/v1/two-step/${id}/completion`,
    headers,
    payload: { signatureValue: b64(signatureValue) },
  });

async function opensslVerifies(t: Test, cms: Buffer): Promise<void> {
  const o = await opensslCmsVerify(cms, content, { trust: rootPem });
  t.ok(o.ok, `openssl cms -verify: ${o.output}`);
}

void t.test('RSA token: prepare gives the bytes to sign, complete returns a signature openssl verifies', async (t) => {
  const res = await prepare(rsa.certificate);
  t.equal(res.statusCode, 201, res.body);
  const prepared = res.json<Prepared>();
  t.equal(prepared.algorithm, 'RSA-SHA256');
  const attributes = Buffer.from(prepared.signedAttributes, 'base64');
  t.same(
    Buffer.from(prepared.digest, 'base64'),
    createHash('sha256').update(attributes).digest(),
    'digest is the hash of the attributes',
  );
  t.ok(
    Buffer.from(prepared.digestInfo, 'base64').subarray(-32).equals(Buffer.from(prepared.digest, 'base64')),
    'DigestInfo wraps that digest',
  );
  const done = await complete(prepared.id, nodeSign('sha256', attributes, rsa.key));
  t.equal(done.statusCode, 201, done.body);
  await opensslVerifies(t, Buffer.from(done.json<{ signature: string }>().signature, 'base64'));
  const again = await complete(prepared.id, nodeSign('sha256', attributes, rsa.key));
  t.equal(again.statusCode, 409, 'a session completes once');
  t.match(again.json(), { code: 'SIGNING_SESSION_USED' });
});

void t.test('ECDSA token returning r‖s (as PKCS#11 does) or DER: both accepted', async (t) => {
  for (const dsaEncoding of ['ieee-p1363', 'der'] as const) {
    const prepared = (await prepare(ec.certificate)).json<Prepared>();
    t.equal(prepared.algorithm, 'ECDSA-SHA256');
    const value = nodeSign('sha256', Buffer.from(prepared.signedAttributes, 'base64'), { key: ec.key, dsaEncoding });
    const done = await complete(prepared.id, value);
    t.equal(done.statusCode, 201, `${dsaEncoding}: ${done.body}`);
    await opensslVerifies(t, Buffer.from(done.json<{ signature: string }>().signature, 'base64'));
  }
});

void t.test('a wrong signature value is refused and the session stays open for the right one', async (t) => {
  const prepared = (await prepare(rsa.certificate)).json<Prepared>();
  const attributes = Buffer.from(prepared.signedAttributes, 'base64');
  const otherKey = (await generateKeyPair({ type: 'rsa', modulusLength: 2048 })).privateKey;
  for (const [name, value] of [
    ['another key', nodeSign('sha256', attributes, otherKey)],
    ['other data', nodeSign('sha256', Buffer.from('x'), rsa.key)],
    ['garbage', Buffer.alloc(256, 7)],
    ['short', Buffer.from([1, 2, 3])],
  ] as const) {
    const res = await complete(prepared.id, value);
    t.equal(res.statusCode, 400, name);
    t.match(res.json(), { code: 'SIGNATURE_VALUE_INVALID' }, name);
  }
  t.equal((await complete(prepared.id, nodeSign('sha256', attributes, rsa.key))).statusCode, 201);
});

void t.test('a session belongs to its caller and expires', async (t) => {
  const prepared = (await prepare(rsa.certificate)).json<Prepared>();
  const value = nodeSign('sha256', Buffer.from(prepared.signedAttributes, 'base64'), rsa.key);
  for (const headers of [
    authHeader({ subject: 'person:other', office: 'VPTU-CM', roles: ['signer'] }),
    authHeader({ subject: 'person:nhung', office: 'VPTU-HN', roles: ['signer'] }),
  ]) {
    const res = await complete(prepared.id, value, headers);
    t.equal(res.statusCode, 404);
    t.match(res.json(), { code: 'SIGNING_SESSION_NOT_FOUND' });
  }
  await pool.query("UPDATE two_step_session SET expires_at = now() - interval '1 second' WHERE id = $1", [prepared.id]);
  const late = await complete(prepared.id, value);
  t.equal(late.statusCode, 410);
  t.match(late.json(), { code: 'SIGNING_SESSION_EXPIRED' });
});

void t.test('what cannot be prepared gets a 4xx and no session', async (t) => {
  const count = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM two_step_session')).rows[0]!.n);
  const before = await count();
  const cases: [string, () => ReturnType<typeof prepare>, number, string][] = [
    ['a CA certificate', () => prepare(issuing), 400, 'CERTIFICATE_NOT_FOR_SIGNING'],
    [
      'not a certificate',
      () => prepare(rsa.certificate, signer, { certificate: b64(Buffer.from('hello world')) }),
      400,
      'CERTIFICATE_MALFORMED',
    ],
    [
      'a truncated certificate',
      () => prepare(rsa.certificate, signer, { certificate: b64(rsa.certificate.der.subarray(0, 100)) }),
      400,
      'CERTIFICATE_MALFORMED',
    ],
    [
      'a bad chain entry',
      () => prepare(rsa.certificate, signer, { chain: [b64(Buffer.from([0x30, 0x82, 0xff, 0xff]))] }),
      400,
      'CERTIFICATE_MALFORMED',
    ],
    [
      'P-256 with a sha384 digest',
      () => prepare(ec.certificate, signer, { digestAlgorithm: 'sha384', digest: b64(Buffer.alloc(48)) }),
      400,
      'DIGEST_ALGORITHM_UNSUITABLE',
    ],
    [
      'digest of the wrong length',
      () => prepare(rsa.certificate, signer, { digest: b64(Buffer.alloc(31)) }),
      400,
      'DIGEST_ALGORITHM_UNSUITABLE',
    ],
    ['not base64', () => prepare(rsa.certificate, signer, { certificate: '***' }), 400, 'VALIDATION_FAILED'],
    [
      'too many chain entries',
      () => prepare(rsa.certificate, signer, { chain: Array.from({ length: 9 }, () => b64(issuing.der)) }),
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown field', () => prepare(rsa.certificate, signer, { signingTime: 'now' }), 400, 'VALIDATION_FAILED'],
    ['a certificate naming someone else', () => prepare(colleagues.certificate), 422, 'CERTIFICATE_IDENTITY_MISMATCH'],
    [
      'a signer the office has not recorded',
      () => prepare(rsa.certificate, authHeader({ subject: 'person:unknown', office: 'VPTU-CM', roles: ['signer'] })),
      409,
      'PERSON_NOT_REGISTERED',
    ],
    ['not a signer', () => prepare(rsa.certificate, authHeader({ roles: ['registry'] })), 403, 'FORBIDDEN'],
    ['no token', () => prepare(rsa.certificate, {} as typeof signer), 401, 'UNAUTHENTICATED'],
  ];
  for (const [name, call, status, code] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 160)}`);
    t.equal(res.json<{ code: string }>().code, code, name);
  }
  t.equal(await count(), before, 'no session was stored');
  const refusals = await pool.query<{ detail: string }>(
    "SELECT detail FROM signing_log WHERE action = 'two-step-refused' AND subject = 'person:nhung'",
  );
  t.match(refusals.rows[0]?.detail, /Trần Văn Hùng.*registered name/, 'the refused certificate is logged');
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/two-step/not-a-uuid/completion',
    headers: signer,
    payload: { signatureValue: 'AAAA' },
  });
  t.equal(bad.statusCode, 400);
  const unknown = await complete('00000000-0000-4000-8000-000000000000', Buffer.alloc(8));
  t.equal(unknown.statusCode, 404);
});

void t.test(
  'a PDF signed in two steps: the token signs the attributes, the service returns the signed PDF',
  async (t) => {
    const { fixturePdf } = await import('../../../libs/pdf/test/fixtures.ts');
    const { memorySource } = await import('@lienthong/pdf');
    const { verifyPdf } = await import('@lienthong/pades');
    const original = Buffer.from(await fixturePdf());
    const headers = {
      ...signer,
      'content-type': 'application/pdf',
      'lienthong-certificate': b64(ec.certificate.der),
      'lienthong-chain': b64(issuing.der),
    };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf?level=B-T&allowStamp=true',
      headers,
      payload: original,
    });
    t.equal(res.statusCode, 201, res.body);
    const prepared = res.json<Prepared>();
    t.equal(prepared.algorithm, 'ECDSA-SHA256');
    const value = nodeSign('sha256', Buffer.from(prepared.signedAttributes, 'base64'), {
      key: ec.key,
      dsaEncoding: 'ieee-p1363',
    });
    const completion = (value2: Uint8Array, h = signer) =>
      app.inject({
        method: 'POST',
        url: `/v1/two-step/pdf/${prepared.id}/completion`,
        headers: h,
        payload: { signatureValue: b64(value2) },
      });
    t.equal((await completion(Buffer.alloc(64, 1))).statusCode, 400, 'a wrong value is refused');
    t.equal(
      (await completion(value, authHeader({ subject: 'person:other', office: 'VPTU-CM', roles: ['signer'] })))
        .statusCode,
      404,
      'another signer cannot complete it',
    );
    t.equal((await complete(prepared.id, value)).statusCode, 404, 'a PDF session is not completed as CMS');
    const done = await completion(value);
    t.equal(done.statusCode, 200, done.body.slice(0, 300));
    t.equal(done.headers['content-type'], 'application/pdf');
    const signed = new Uint8Array(done.rawPayload);
    t.ok(Buffer.from(signed.subarray(0, original.length)).equals(original), 'an incremental update of the original');
    const report = await verifyPdf(memorySource(signed), {
      trustAnchors: [root],
      intermediates: [issuing],
      revocation: 'none',
    });
    t.equal(report.indication, 'TOTAL_PASSED', report.message);
    t.equal(report.signatures[0]?.level, 'B-T');
    t.equal((await completion(value)).statusCode, 409, 'once');
    await t.rejects(
      signing.store.stat('signing-two-step', `VPTU-CM/${prepared.id}.pdf`),
      { code: 'OBJECT_NOT_FOUND' },
      'the prepared PDF is removed from MinIO',
    );

    const bad = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf',
      headers: { ...headers, 'lienthong-certificate': b64(Buffer.from('nope')) },
      payload: original,
    });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json<{ code: string }>().code, 'CERTIFICATE_MALFORMED');
    const someoneElse = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf',
      headers: { ...headers, 'lienthong-certificate': b64(colleagues.certificate.der) },
      payload: original,
    });
    t.equal(someoneElse.statusCode, 422, 'a token certificate naming someone else prepares no PDF');
    t.equal(someoneElse.json<{ code: string }>().code, 'CERTIFICATE_IDENTITY_MISMATCH');
    const notPdf = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf',
      headers,
      payload: Buffer.from('not a pdf'),
    });
    t.equal(notPdf.json<{ code: string }>().code, 'PDF_UNREADABLE');
    const noCert = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf',
      headers: { ...signer, 'content-type': 'application/pdf' },
      payload: original,
    });
    t.equal(noCert.json<{ code: string }>().code, 'VALIDATION_FAILED');
  },
);

void t.test(
  'a token-signed PDF shows its visible block; a block that cannot be drawn is refused before any session',
  async (t) => {
    const { fixturePdf } = await import('../../../libs/pdf/test/fixtures.ts');
    const original = Buffer.from(await fixturePdf());
    const headers = {
      ...signer,
      'content-type': 'application/pdf',
      'lienthong-certificate': b64(rsa.certificate.der),
      'lienthong-chain': b64(issuing.der),
    };
    const block = ['K/T BÍ THƯ', 'PHÓ BÍ THƯ'].map((line) => `&line=${encodeURIComponent(line)}`).join('');
    const res = await app.inject({
      method: 'POST',
      url: `/v1/two-step/pdf?level=B-B&allowStamp=true${block}&rect=330,320,560,410`,
      headers,
      payload: original,
    });
    t.equal(res.statusCode, 201, res.body);
    const prepared = res.json<Prepared>();
    const value = nodeSign('sha256', Buffer.from(prepared.signedAttributes, 'base64'), rsa.key);
    const done = await app.inject({
      method: 'POST',
      url: `/v1/two-step/pdf/${prepared.id}/completion`,
      headers: signer,
      payload: { signatureValue: b64(value) },
    });
    t.equal(done.statusCode, 200, done.body.slice(0, 300));
    const file = s.file('two-step-visible.pdf', done.rawPayload);
    const judged = await pdfsig(file);
    t.match(
      judged.signatures,
      [{ valid: true, totalDocumentSigned: true }],
      'pdfsig: the signature is valid and covers the file',
    );
    const { text } = await pdftotext(file);
    t.match(text, /K\/T BÍ THƯ\s+PHÓ BÍ THƯ\s+Ký số:/, 'the block shows the lines and the signing time');
    const defaulted = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf?visible=true',
      headers,
      payload: original,
    });
    t.equal(defaulted.statusCode, 201, 'visible=true alone: the lines come from the certificate');

    const {
      rows: [{ n: before } = { n: '0' }],
    } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM two_step_session');
    for (const [what, query, code] of [
      ['a rect too small', '?visible=true&rect=10,10,20,15', 'VALIDATION_FAILED'],
      ['a page the PDF lacks', '?visible=true&page=9', 'VALIDATION_FAILED'],
      [
        'lines too long for the rect',
        `?rect=10,10,40,25&line=${encodeURIComponent('Văn phòng Tỉnh ủy Cà Mau '.repeat(4))}`,
        'VALIDATION_FAILED',
      ],
      ['seven lines', `?${Array.from({ length: 7 }, () => 'line=x').join('&')}`, 'VALIDATION_FAILED'],
      ['a rect that is not four numbers', '?visible=true&rect=1,2,3', 'VALIDATION_FAILED'],
    ] as const) {
      const refused = await app.inject({ method: 'POST', url: `/v1/two-step/pdf${query}`, headers, payload: original });
      t.equal(refused.statusCode, 400, `${what}: ${refused.body}`);
      t.equal(refused.json<{ code: string }>().code, code, what);
    }
    const {
      rows: [{ n: after } = { n: '0' }],
    } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM two_step_session');
    t.equal(after, before, 'no session for a refused request');
  },
);
