/**
 * A signer whose key lives on a USB token gets a certificate from the office's CA: the token
 * makes a certification request (PKCS #10; here a key of node:crypto stands in for the token
 * and openssl req or node-forge writes the request), the signer files it, another CA
 * administrator of the office approves, and the certificate names the registered person and
 * office — never the request's subject — over the request's key. The key then signs a PDF in
 * two steps (the token signs the attributes) that verifies; the remote PIN routes refuse it.
 * Every hostile request is a problem and leaves the tables as they were.
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import t from 'tap';
import { OID, nameValues, readCertificate, subjectPublicKeyInfo, toPem } from '@lienthong/pki';
import { verifyPdf } from '@lienthong/pades';
import { memorySource } from '@lienthong/pdf';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import {
  forgeRequest,
  handMadeRequest,
  opensslRequest,
} from '../../../libs/pki/test/helpers/certification-requests.ts';
import { scratch } from '../../../libs/pki/test/helpers/openssl.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { findByRole } from '../src/ca/certificate-repository.ts';
import { headersOf, raAdminOf, registerPerson, testPin, type TestSigner } from './enrolment.ts';
import { signingForFile } from './support.ts';

const signing = await signingForFile(t);
const { app, pool } = signing;
const s = scratch('signing-csr-');
t.teardown(s.cleanup);

const nhung: TestSigner = {
  subject: 'person:nhung',
  office: 'VPTU-CM',
  name: 'Nguyễn Thị Hồng Nhung',
  title: 'Phó Bí thư Tỉnh ủy',
};
// A CA administrator who also signs: their own request needs someone else.
const chanh: TestSigner = {
  subject: 'person:chanh-vp',
  office: 'VPTU-CM',
  name: 'Lê Minh Chánh',
  title: 'Chánh Văn phòng',
  roles: ['signer', 'ca-admin'],
};
const raAdmin = raAdminOf('VPTU-CM');
const REGISTERED =
  'C=VN, O=Tỉnh ủy Cà Mau, organizationIdentifier=LT:VN-VPTU-CM, OU=Văn phòng Tỉnh ủy, title=Phó Bí thư Tỉnh ủy, CN=Nguyễn Thị Hồng Nhung';
// What a token's request may claim: someone else, another organisation.
const CLAIMED = '/C=VN/O=Ban Chấp hành Trung ương/CN=Tổng Bí thư';
await registerPerson(app, nhung);
await registerPerson(app, chanh);

type KeyRequest = { id: string; kind: string; state: string; subject: string; keyType: string; algorithm: string };
type Key = { id: string; storage: string; subject: string; certificate: string; chain: string[]; pinPolicy: null };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

const fileCsr = (csr: string, headers: Record<string, string> = headersOf(nhung), extra: object = {}) =>
  app.inject({ method: 'POST', url: '/v1/key-requests/csr', headers, payload: { csr, ...extra } });
const approve = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: `/v1/key-requests/${id}/approval`, headers });

/** The rows a refused request must leave alone. */
async function state(): Promise<Record<string, string>> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM certificate) AS certificates, (SELECT count(*) FROM signing_key) AS keys,
       (SELECT count(*) FROM signing_log) AS log,
       (SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM key_request) AS requests`,
  );
  return rows[0]!;
}

const root = readCertificate((await findByRole(pool, 'root'))!.der);
const issuing = readCertificate((await findByRole(pool, 'issuing-ca'))!.der);

void t.test(
  'a token key: CSR, approval by another person, a certificate in the registered name, a two-step PDF signature',
  async (t) => {
    const token = p256();
    const csr = toPem('CERTIFICATE REQUEST', opensslRequest(s, token, 'nhung', ['-sha256'], CLAIMED));
    const filed = await fileCsr(csr);
    t.equal(filed.statusCode, 202, filed.body);
    const request = filed.json<KeyRequest>();
    t.equal(filed.headers.location, `/v1/key-requests/${request.id}`);
    t.match(request, {
      kind: 'csr',
      state: 'pending',
      subject: REGISTERED,
      keyType: 'p-256',
      algorithm: 'ECDSA-SHA256',
    });
    const notYet = await app.inject({ method: 'GET', url: `/v1/keys/${request.id}`, headers: headersOf(nhung) });
    t.equal(notYet.statusCode, 404, 'no key before the approval');
    t.equal((await approve(request.id, headersOf(nhung))).statusCode, 403, 'a signer does not approve');

    const approved = await approve(request.id, raAdmin);
    t.equal(approved.statusCode, 201, approved.body);
    t.equal(approved.headers.location, `/v1/keys/${request.id}`);
    const key = approved.json<Key>();
    t.match(key, { id: request.id, storage: 'token', subject: REGISTERED, pinPolicy: null });

    const fetched = await app.inject({ method: 'GET', url: `/v1/keys/${key.id}`, headers: headersOf(nhung) });
    t.equal(fetched.statusCode, 200, 'the signer downloads the certificate to load it onto the token');
    const certificate = readCertificate(Buffer.from(fetched.json<Key>().certificate, 'base64'));
    t.ok(
      Buffer.from(certificate.spki).equals(Buffer.from(subjectPublicKeyInfo(token))),
      "the certificate holds the CSR's key",
    );
    t.same(nameValues(certificate.subject, OID.commonName), ['Nguyễn Thị Hồng Nhung'], 'the registered person');
    t.same(nameValues(certificate.subject, OID.organizationIdentifier), ['LT:VN-VPTU-CM'], 'the registered office');
    t.same(nameValues(certificate.subject, OID.organizationName), ['Tỉnh ủy Cà Mau']);
    t.notOk(JSON.stringify(certificate.subject).includes('Tổng Bí thư'), "nothing of the CSR's subject");
    t.equal(certificate.issuer.key, issuing.subject.key, 'issued by the issuing CA');
    const { rows } = await pool.query<{ storage: string; held: boolean }>(
      'SELECT storage, encrypted_pkcs8 IS NOT NULL AS held FROM signing_key WHERE id = $1',
      [key.id],
    );
    t.same(rows, [{ storage: 'token', held: false }], 'no private key is stored');
    const log = await pool.query<{ action: string; subject: string; detail: string }>(
      'SELECT action, subject, detail FROM signing_log WHERE key_id = $1 ORDER BY id',
      [key.id],
    );
    t.same(
      log.rows.map((r) => [r.action, r.subject]),
      [
        ['request', 'person:nhung'],
        ['approve', 'person:ra-admin'],
      ],
      'the request and its approval in the signing log',
    );
    t.match(log.rows[0]?.detail, /^csr: C=VN, O=Tỉnh ủy Cà Mau.*not certified: C=VN, O=Ban Chấp hành Trung ương/);

    // The remote PIN routes refuse a key whose private key is on the token.
    const digest = b64(Buffer.alloc(32, 7));
    const remote = await app.inject({
      method: 'POST',
      url: `/v1/keys/${key.id}/signatures`,
      headers: headersOf(nhung),
      payload: { pin: testPin, digest },
    });
    t.equal(remote.statusCode, 409, remote.body);
    t.match(remote.json(), { code: 'SIGNING_KEY_ON_TOKEN', detail: /two-step/ });
    const pinChange = await app.inject({
      method: 'PUT',
      url: `/v1/keys/${key.id}/pin`,
      headers: headersOf(nhung),
      payload: { pin: testPin, newPin: 'khac-135790' },
    });
    t.equal(pinChange.statusCode, 409, 'no PIN to change');
    const original = Buffer.from(await fixturePdf());
    const pdfRemote = await app.inject({
      method: 'POST',
      url: `/v1/keys/${key.id}/pdf-signatures`,
      headers: { ...headersOf(nhung), 'content-type': 'application/pdf', 'lienthong-pin': testPin },
      payload: original,
    });
    t.equal(pdfRemote.statusCode, 409, 'no remote PDF signature either');

    // Two-step: the service prepares, the token signs the attributes, the service completes.
    const prepared = await app.inject({
      method: 'POST',
      url: '/v1/two-step/pdf?level=B-T',
      headers: {
        ...headersOf(nhung),
        'content-type': 'application/pdf',
        'lienthong-certificate': key.certificate,
        'lienthong-chain': key.chain.join(','),
      },
      payload: original,
    });
    t.equal(prepared.statusCode, 201, prepared.body);
    const session = prepared.json<{ id: string; algorithm: string; signedAttributes: string }>();
    t.equal(session.algorithm, 'ECDSA-SHA256');
    const value = nodeSign('sha256', Buffer.from(session.signedAttributes, 'base64'), token);
    const done = await app.inject({
      method: 'POST',
      url: `/v1/two-step/pdf/${session.id}/completion`,
      headers: headersOf(nhung),
      payload: { signatureValue: b64(value) },
    });
    t.equal(done.statusCode, 200, done.body.slice(0, 300));
    const report = await verifyPdf(memorySource(new Uint8Array(done.rawPayload)), {
      trustAnchors: [root],
      intermediates: [issuing],
      revocation: 'none',
    });
    t.equal(report.indication, 'TOTAL_PASSED', report.message);
    t.equal(report.signatures[0]?.level, 'B-T');

    const again = await fileCsr(csr);
    t.equal(again.statusCode, 409, 'the key is certified: not again');
    t.equal(again.json<{ code: string }>().code, 'CSR_KEY_IN_USE');
  },
);

void t.test(
  'an RSA request by node-forge, base64 DER: certified over its key; the requester never approves',
  async (t) => {
    const token = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const filed = await fileCsr(b64(forgeRequest(token)), headersOf(chanh), { validityDays: 30 });
    t.equal(filed.statusCode, 202, filed.body);
    const request = filed.json<KeyRequest>();
    t.match(request, { kind: 'csr', keyType: 'rsa-2048', algorithm: 'RSA-SHA256' });
    t.match(request.subject, /CN=Lê Minh Chánh$/);
    t.equal((await approve(request.id, headersOf(chanh))).statusCode, 403, 'KEY_REQUEST_OWN');
    t.equal((await approve(request.id, raAdminOf('VPTU-HN'))).statusCode, 404, "another office's administrator");
    const same = await fileCsr(b64(forgeRequest(token)), headersOf(nhung));
    t.equal(same.statusCode, 409, 'a key pending for someone else is refused');
    const approved = await approve(request.id, raAdmin);
    t.equal(approved.statusCode, 201, approved.body);
    const certificate = readCertificate(Buffer.from(approved.json<Key>().certificate, 'base64'));
    t.ok(Buffer.from(certificate.spki).equals(Buffer.from(subjectPublicKeyInfo(token))));
    t.ok(certificate.notAfter.getTime() - certificate.notBefore.getTime() <= 31 * 86_400_000, 'the validity asked for');
  },
);

void t.test('a refused request leaves the key free to ask again', async (t) => {
  const token = p256();
  const csr = b64(opensslRequest(s, token, 'refused', ['-sha256']));
  const request = (await fileCsr(csr)).json<KeyRequest>();
  const refused = await app.inject({
    method: 'POST',
    url: `/v1/key-requests/${request.id}/refusal`,
    headers: raAdmin,
    payload: { reason: 'Thiết bị không được cấp phát.' },
  });
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), { kind: 'csr', state: 'refused' });
  const again = await fileCsr(csr);
  t.equal(again.statusCode, 202, again.body);
});

void t.test('one key asked for twice at once, by two offices: one request, one CSR_KEY_IN_USE', async (t) => {
  const ha: TestSigner = { subject: 'person:ha', office: 'VPTU-HN', name: 'Đỗ Thu Hà', title: 'Phó Bí thư Thành ủy' };
  await registerPerson(app, ha);
  const csr = b64(opensslRequest(s, p256(), 'twice', ['-sha256']));
  const answers = await Promise.all([fileCsr(csr, headersOf(nhung)), fileCsr(csr, headersOf(ha))]);
  t.same(answers.map((a) => a.statusCode).sort(), [202, 409], answers.map((a) => a.body).join('\n'));
  t.match(answers.find((a) => a.statusCode === 409)?.json(), { code: 'CSR_KEY_IN_USE' });
});

void t.test('hostile requests are refused with a problem and change nothing', async (t) => {
  const token = p256();
  const good = opensslRequest(s, token, 'hostile', ['-sha256']);
  const flipped = Uint8Array.from(good);
  flipped[flipped.length - 3]! ^= 0x01;
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const other: KeyObject = p256();
  const before = await state();
  const cases: [string, Promise<{ statusCode: number; json: () => unknown }>, number, string][] = [
    ['not base64', fileCsr('@@@@ not base64 @@@@'), 400, 'CSR_MALFORMED'],
    [
      'base64 of nothing like a request',
      fileCsr(b64(Buffer.from('xin chào, đây không phải CSR'))),
      400,
      'CSR_MALFORMED',
    ],
    ['PEM of a certificate', fileCsr(toPem('CERTIFICATE', root.der)), 400, 'CSR_MALFORMED'],
    ['truncated', fileCsr(b64(good.subarray(0, good.length - 8))), 400, 'CSR_MALFORMED'],
    ['trailing bytes', fileCsr(b64(Buffer.concat([good, Buffer.of(0)]))), 400, 'CSR_MALFORMED'],
    ['version 1', fileCsr(b64(handMadeRequest(token, { version: 1 }))), 400, 'CSR_MALFORMED'],
    ['a signature altered', fileCsr(b64(flipped)), 400, 'CSR_SIGNATURE_INVALID'],
    [
      "another key's signature",
      fileCsr(b64(handMadeRequest(token, { signingKey: other }))),
      400,
      'CSR_SIGNATURE_INVALID',
    ],
    ['RSA 1024', fileCsr(b64(handMadeRequest(rsa1024))), 422, 'CSR_KEY_UNSUITABLE'],
    ['SHA-1', fileCsr(b64(opensslRequest(s, token, 'sha1', ['-sha1']))), 422, 'CSR_KEY_UNSUITABLE'],
    ['over 16 KiB decoded', fileCsr(b64(Buffer.alloc(17 * 1024, 0x30))), 400, 'CSR_MALFORMED'],
    ['over the body cap', fileCsr('A'.repeat(25 * 1024)), 400, 'VALIDATION_FAILED'],
    [
      'a subject in the body',
      fileCsr(b64(good), headersOf(nhung), { subject: 'CN=Tổng Bí thư' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['not a signer', fileCsr(b64(good), raAdmin), 403, 'FORBIDDEN'],
    [
      'a person the office has not recorded',
      fileCsr(b64(good), authHeader({ subject: 'person:x', office: 'VPTU-CM', roles: ['signer'] })),
      409,
      'PERSON_NOT_REGISTERED',
    ],
    [
      'an office not registered',
      fileCsr(b64(good), authHeader({ subject: 'person:x', office: 'VPTU-XX', roles: ['signer'] })),
      409,
      'OFFICE_NOT_REGISTERED',
    ],
  ];
  for (const [what, response, status, code] of cases) {
    const res = await response;
    t.equal(res.statusCode, status, what);
    t.match(res.json(), { code }, `${what}: ${code}`);
  }
  t.same(await state(), before, 'no certificate, key, request or log line');
  t.equal((await fileCsr(b64(good))).statusCode, 202, 'the request the variants come from is accepted');
});
