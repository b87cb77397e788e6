/**
 * The CA certifies only identities the suite knows (issue 15, item 1). Offices come from the
 * offices file, their people from their CA administrators; a personal certificate is asked
 * for by the signer and issued only when another CA administrator of the same office
 * approves, naming what was registered; a seal names the caller's registered office; a
 * PKCS#12 import must name the caller. Every hostile request is refused with a problem and
 * leaves the tables as they were; the verification reports name the office.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { readCertificate } from '@lienthong/pki';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { headersOf, raAdminOf, registerPerson, requestKey, testPin, type TestSigner } from './enrolment.ts';
import { externalPkcs12, scratch } from './fixtures.ts';
import { signingForFile } from './support.ts';

const signing = await signingForFile(t);
const { app, pool } = signing;
const s = scratch();
t.teardown(() => s.cleanup());

const pin = testPin;
const nhung: TestSigner = {
  subject: 'person:nhung',
  office: 'VPTU-CM',
  name: 'Nguyễn Thị Hồng Nhung',
  title: 'Phó Bí thư Tỉnh ủy',
};
const hung: TestSigner = { subject: 'person:hung', office: 'VPTU-CM', name: 'Trần Văn Hùng', title: 'Chánh Văn phòng' };
const ha: TestSigner = { subject: 'person:ha', office: 'VPTU-HN', name: 'Đỗ Thu Hà', title: 'Phó Bí thư Thành ủy' };
const raAdmin = raAdminOf('VPTU-CM');
// A CA administrator who also signs: their own requests need someone else.
const chanh: TestSigner = {
  subject: 'person:chanh-vp',
  office: 'VPTU-CM',
  name: 'Lê Minh Chánh',
  title: 'Chánh Văn phòng',
  roles: ['signer', 'ca-admin'],
};
const hanoiAdmin = raAdminOf('VPTU-HN');
const unregisteredOffice = authHeader({ subject: 'person:x', office: 'VPTU-XX', roles: ['signer', 'ca-admin'] });

type KeyRequest = {
  id: string;
  kind: string;
  state: string;
  subject: string;
  requester: string;
  identity: Record<string, string>;
  mismatches: string[];
  reason: string | null;
  decidedBy: string | null;
};
type Key = { id: string; subject: string; certificate: string; owner: string };

const approve = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: `/v1/key-requests/${id}/approval`, headers });
const refuse = (id: string, headers: Record<string, string>, payload: unknown = { reason: 'Không phải người ký.' }) =>
  app.inject({
    method: 'POST',
    url: `/v1/key-requests/${id}/refusal`,
    headers,
    payload: payload as Record<string, unknown>,
  });
const putPerson = (subject: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({
    method: 'PUT',
    url: `/v1/offices/self/people/${encodeURIComponent(subject)}`,
    headers,
    payload: payload as Record<string, unknown>,
  });
const signDigest = (id: string, who: TestSigner) =>
  app.inject({
    method: 'POST',
    url: `/v1/keys/${id}/signatures`,
    headers: headersOf(who),
    payload: { pin, digest: createHash('sha256').update('Nghị quyết').digest().toString('base64') },
  });

/** The rows the hostile requests must leave alone. */
async function state(): Promise<Record<string, string>> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM certificate) AS certificates, (SELECT count(*) FROM signing_key) AS keys,
       (SELECT count(*) FROM signing_log) AS log, (SELECT count(*) FROM person) AS people,
       (SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM key_request) AS requests`,
  );
  return rows[0]!;
}

void t.test('the offices come from the file: each caller sees their own; another is not registered', async (t) => {
  const own = await app.inject({ method: 'GET', url: '/v1/offices/self', headers: headersOf(nhung) });
  t.equal(own.statusCode, 200, own.body);
  t.same(own.json(), {
    code: 'VPTU-CM',
    name: 'Tỉnh ủy Cà Mau',
    unit: 'Văn phòng Tỉnh ủy',
    locality: 'Cà Mau',
    source: 'file',
  });
  const none = await app.inject({ method: 'GET', url: '/v1/offices/self', headers: unregisteredOffice });
  t.equal(none.statusCode, 409);
  t.match(none.json(), { code: 'OFFICE_NOT_REGISTERED', detail: /VPTU-XX/ });
  t.equal((await app.inject({ method: 'GET', url: '/v1/offices/self' })).statusCode, 401, 'no token');
});

void t.test('a CA administrator records the people of their office; nobody else does', async (t) => {
  const first = await putPerson(hung.subject, raAdmin, { name: '  Trần   Văn Hùng ', title: 'Chánh Văn phòng' });
  t.equal(first.statusCode, 201, first.body);
  t.match(first.json(), {
    office: 'VPTU-CM',
    subject: 'person:hung',
    name: 'Trần Văn Hùng',
    title: 'Chánh Văn phòng',
    recordedBy: 'person:ra-admin',
  });
  const again = await putPerson(hung.subject, raAdmin, { name: 'Trần Văn Hùng', title: 'Chánh Văn phòng' });
  t.equal(again.statusCode, 200, 'a second record replaces the first');

  const listed = await app.inject({ method: 'GET', url: '/v1/offices/self/people', headers: raAdmin });
  t.ok(
    listed.json<{ people: Array<{ subject: string }> }>().people.some((p) => p.subject === 'person:hung'),
    'listed for the administrator',
  );
  const self = await app.inject({
    method: 'GET',
    url: '/v1/offices/self/people/person%3Ahung',
    headers: headersOf(hung),
  });
  t.equal(self.statusCode, 200, 'the person reads their own record');

  const before = await state();
  const cases: Array<[string, Promise<{ statusCode: number; json(): unknown }>, number, string]> = [
    [
      'a signer records themself',
      putPerson(nhung.subject, headersOf(nhung), { name: 'X', title: 'Bí thư' }),
      403,
      'FORBIDDEN',
    ],
    [
      "another office's administrator records into their own office only",
      app.inject({ method: 'GET', url: '/v1/offices/self/people/person%3Ahung', headers: hanoiAdmin }),
      404,
      'PERSON_NOT_FOUND',
    ],
    [
      "a signer reads a colleague's record",
      app.inject({ method: 'GET', url: '/v1/offices/self/people/person%3Ahung', headers: headersOf(nhung) }),
      404,
      'PERSON_NOT_FOUND',
    ],
    [
      'a signer lists the people',
      app.inject({ method: 'GET', url: '/v1/offices/self/people', headers: headersOf(nhung) }),
      403,
      'FORBIDDEN',
    ],
    [
      'an office nobody registered',
      putPerson('person:x', unregisteredOffice, { name: 'X', title: 'Y' }),
      409,
      'OFFICE_NOT_REGISTERED',
    ],
    ['no title', putPerson('person:y', raAdmin, { name: 'Y' }), 400, 'VALIDATION_FAILED'],
    ['a blank name', putPerson('person:y', raAdmin, { name: '  ', title: 'Y' }), 400, 'VALIDATION_FAILED'],
    [
      'an office in the body',
      putPerson('person:y', raAdmin, { name: 'Y', title: 'Y', office: 'VPTU-HN' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['a subject with a space', putPerson('person y', raAdmin, { name: 'Y', title: 'Y' }), 400, 'VALIDATION_FAILED'],
    [
      'remove someone not recorded',
      app.inject({ method: 'DELETE', url: '/v1/offices/self/people/person%3Anobody', headers: raAdmin }),
      404,
      'PERSON_NOT_FOUND',
    ],
  ];
  for (const [what, call, status, code] of cases) {
    const res = await call;
    t.equal(res.statusCode, status, what);
    t.match(res.json(), { code }, what);
  }
  t.same(await state(), before, 'nothing recorded, nothing logged');

  const { rows } = await pool.query<{ subject: string; detail: string }>(
    "SELECT subject, detail FROM signing_log WHERE action = 'person-set' ORDER BY id",
  );
  t.match(rows[0], { subject: 'person:ra-admin', detail: 'person:hung: Trần Văn Hùng, Chánh Văn phòng' }, 'logged');
});

void t.test(
  'a personal key: asked for by the signer, usable only once another CA administrator approves, in the registered name',
  async (t) => {
    const request = await requestKey(app, nhung, { pin, keyType: 'p-256' });
    t.match(request, {
      kind: 'enrol',
      state: 'pending',
      subject:
        'C=VN, O=Tỉnh ủy Cà Mau, organizationIdentifier=LT:VN-VPTU-CM, OU=Văn phòng Tỉnh ủy, title=Phó Bí thư Tỉnh ủy, CN=Nguyễn Thị Hồng Nhung',
    });
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/keys/${request.id}`, headers: headersOf(nhung) })).statusCode,
      404,
      'no key before the approval',
    );
    t.equal((await signDigest(request.id, nhung)).statusCode, 404, 'nothing signs before the approval');
    const pending = await app.inject({ method: 'GET', url: '/v1/key-requests?state=pending', headers: raAdmin });
    t.ok(
      pending.json<{ requests: KeyRequest[] }>().requests.some((r) => r.id === request.id),
      'the administrators see it pending',
    );
    const mine = await app.inject({ method: 'GET', url: '/v1/key-requests', headers: headersOf(hung) });
    t.notOk(
      mine.json<{ requests: KeyRequest[] }>().requests.some((r) => r.id === request.id),
      "a colleague does not see another's request",
    );

    const approved = await approve(request.id, raAdmin);
    t.equal(approved.statusCode, 201, approved.body);
    t.equal(approved.headers.location, `/v1/keys/${request.id}`);
    const key = approved.json<Key>();
    t.equal(key.id, request.id, 'the key has the request id');
    t.equal(key.owner, 'person:nhung');
    t.equal(key.subject, request.subject, 'the certificate names what the request showed');
    t.equal(readCertificate(Buffer.from(key.certificate, 'base64')).subject.rdns.length, 6);
    t.equal((await signDigest(key.id, nhung)).statusCode, 201, 'the key signs with the PIN chosen when asking');

    const decided = await app.inject({
      method: 'GET',
      url: `/v1/key-requests/${request.id}`,
      headers: headersOf(nhung),
    });
    t.match(decided.json(), { state: 'approved', decidedBy: 'person:ra-admin' });
    const { rows } = await pool.query<{ action: string; subject: string }>(
      'SELECT action, subject FROM signing_log WHERE key_id = $1 ORDER BY id',
      [request.id],
    );
    t.same(
      rows.map((r) => [r.action, r.subject]),
      [
        ['request', 'person:nhung'],
        ['approve', 'person:ra-admin'],
        ['pin-accepted', 'person:nhung'],
        ['sign', 'person:nhung'],
      ],
      'every step in the signing log',
    );
    const held = await pool.query('SELECT 1 FROM key_request WHERE id = $1 AND encrypted_pkcs8 IS NULL', [request.id]);
    t.equal(held.rowCount, 1, 'the request no longer holds the key');
  },
);

void t.test('hostile requests for certificates are refused and change nothing', async (t) => {
  const pendingNhung = await requestKey(app, nhung, { pin });
  await registerPerson(app, chanh);
  const own = await app.inject({ method: 'POST', url: '/v1/keys', headers: headersOf(chanh), payload: { pin } });
  t.equal(own.statusCode, 202, own.body);
  const chanhRequest = own.json<KeyRequest>();
  await registerPerson(app, ha);
  const hanoi = await app.inject({ method: 'POST', url: '/v1/keys', headers: headersOf(ha), payload: { pin } });
  t.equal(hanoi.statusCode, 202, hanoi.body);

  const before = await state();
  const post = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/v1/keys', headers, payload });
  const cases: Array<[string, () => Promise<{ statusCode: number; json(): unknown }>, number, string]> = [
    [
      'a signer names someone else',
      () => post(headersOf(nhung), { pin, name: 'Nguyễn Văn Khác' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a signer names a title',
      () => post(headersOf(nhung), { pin, title: 'Bí thư Thành ủy' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a signer names another province',
      () => post(headersOf(nhung), { pin, organisation: 'Thành ủy Hà Nội', officeName: 'Văn phòng Thành ủy' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a signer names another office',
      () => post(headersOf(nhung), { pin, office: 'VPTU-HN' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a person nobody recorded',
      () => post(authHeader({ subject: 'person:lan', office: 'VPTU-CM', roles: ['signer'], name: 'Lan' }), { pin }),
      409,
      'PERSON_NOT_REGISTERED',
    ],
    ['an office nobody registered', () => post(unregisteredOffice, { pin }), 409, 'OFFICE_NOT_REGISTERED'],
    [
      'a CA administrator approves their own request',
      () => approve(chanhRequest.id, headersOf(chanh)),
      403,
      'KEY_REQUEST_OWN',
    ],
    [
      'a CA administrator refuses their own request',
      () => refuse(chanhRequest.id, headersOf(chanh)),
      403,
      'KEY_REQUEST_OWN',
    ],
    [
      "another office's CA administrator approves",
      () => approve(pendingNhung.id, hanoiAdmin),
      404,
      'KEY_REQUEST_NOT_FOUND',
    ],
    [
      "another office's CA administrator refuses",
      () => refuse(pendingNhung.id, hanoiAdmin),
      404,
      'KEY_REQUEST_NOT_FOUND',
    ],
    [
      'a CA administrator approves a request of another office',
      () => approve(hanoi.json<KeyRequest>().id, raAdmin),
      404,
      'KEY_REQUEST_NOT_FOUND',
    ],
    ['the requester approves', () => approve(pendingNhung.id, headersOf(nhung)), 403, 'FORBIDDEN'],
    [
      'the registry approves',
      () => approve(pendingNhung.id, authHeader({ office: 'VPTU-CM', roles: ['registry'] })),
      403,
      'FORBIDDEN',
    ],
    [
      'a signer reads a colleague’s request',
      () => app.inject({ method: 'GET', url: `/v1/key-requests/${pendingNhung.id}`, headers: headersOf(hung) }),
      404,
      'KEY_REQUEST_NOT_FOUND',
    ],
    [
      'an unknown request',
      () => approve('7b0c6f8e-2d7a-4f4e-9a53-0d6c1f7e9b21', raAdmin),
      404,
      'KEY_REQUEST_NOT_FOUND',
    ],
    ['not a uuid', () => approve('nope', raAdmin), 400, 'VALIDATION_FAILED'],
    ['a refusal without a reason', () => refuse(pendingNhung.id, raAdmin, {}), 400, 'VALIDATION_FAILED'],
    ['a blank reason', () => refuse(pendingNhung.id, raAdmin, { reason: ' ' }), 400, 'VALIDATION_FAILED'],
    [
      'a seal of another office',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/ca/seals',
          headers: raAdmin,
          payload: { organisation: 'Thành ủy Hà Nội', office: 'Văn phòng Thành ủy' },
        }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a seal of an office nobody registered',
      () => app.inject({ method: 'POST', url: '/v1/ca/seals', headers: unregisteredOffice, payload: {} }),
      409,
      'OFFICE_NOT_REGISTERED',
    ],
    [
      'no token',
      () => app.inject({ method: 'POST', url: `/v1/key-requests/${pendingNhung.id}/approval` }),
      401,
      'UNAUTHENTICATED',
    ],
  ];
  for (const [what, call, status, code] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, what);
    t.match(res.json(), { code }, what);
  }
  t.same(await state(), before, 'no certificate, key, request state, person or log line changed');

  const byOther = await approve(chanhRequest.id, raAdmin);
  t.equal(byOther.statusCode, 201, "another administrator approves the administrator's request");
});

void t.test('two approvals at once: one key, one KEY_REQUEST_DECIDED', async (t) => {
  const request = await requestKey(app, nhung, { pin });
  const second = authHeader({ subject: 'person:ra-admin-2', office: 'VPTU-CM', roles: ['ca-admin'] });
  const answers = await Promise.all([approve(request.id, raAdmin), approve(request.id, second)]);
  t.same(answers.map((a) => a.statusCode).sort(), [201, 409]);
  t.match(answers.find((a) => a.statusCode === 409)!.json(), { code: 'KEY_REQUEST_DECIDED' });
  const keys = await pool.query('SELECT 1 FROM signing_key WHERE id = $1', [request.id]);
  t.equal(keys.rowCount, 1, 'one key');
  const certificates = await pool.query("SELECT 1 FROM certificate WHERE role = 'person' AND subject LIKE '%Nhung%'");
  const approvedCount = await pool.query(
    "SELECT 1 FROM key_request WHERE requester = 'person:nhung' AND kind = 'enrol' AND state = 'approved'",
  );
  t.equal(certificates.rowCount, approvedCount.rowCount, 'one certificate per approved request');
});

void t.test('a refusal destroys the key and is logged; a decided request is not decided again', async (t) => {
  const request = await requestKey(app, nhung, { pin });
  const refused = await refuse(request.id, raAdmin, { reason: 'Đồng chí đã có khóa ký số.' });
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), { state: 'refused', reason: 'Đồng chí đã có khóa ký số.', decidedBy: 'person:ra-admin' });
  const again = await approve(request.id, raAdmin);
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'KEY_REQUEST_DECIDED' });
  const { rows } = await pool.query<{ encrypted_pkcs8: Buffer | null }>(
    'SELECT encrypted_pkcs8 FROM key_request WHERE id = $1',
    [request.id],
  );
  t.equal(rows[0]?.encrypted_pkcs8, null, 'the key is gone');
  t.equal((await pool.query('SELECT 1 FROM signing_key WHERE id = $1', [request.id])).rowCount, 0, 'no key');
  const log = await pool.query<{ action: string; detail: string }>(
    "SELECT action, detail FROM signing_log WHERE key_id = $1 AND action = 'refuse'",
    [request.id],
  );
  t.match(log.rows[0]?.detail, /Đồng chí đã có khóa ký số/);
});

void t.test('a request made against a registration that changed since, or was removed, is not approved', async (t) => {
  const request = await requestKey(app, hung, { pin });
  await registerPerson(app, { ...hung, title: 'Phó Chánh Văn phòng' });
  const stale = await approve(request.id, raAdmin);
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'KEY_REQUEST_STALE', detail: /title/ });

  const fresh = await requestKey(app, { ...hung, title: 'Phó Chánh Văn phòng' }, { pin });
  const removed = await app.inject({
    method: 'DELETE',
    url: '/v1/offices/self/people/person%3Ahung',
    headers: raAdmin,
  });
  t.equal(removed.statusCode, 204);
  const gone = await approve(fresh.id, raAdmin);
  t.equal(gone.statusCode, 409);
  t.match(gone.json(), { code: 'PERSON_NOT_REGISTERED' });
  t.equal((await pool.query('SELECT 1 FROM signing_key WHERE id = ANY($1)', [[request.id, fresh.id]])).rowCount, 0);
});

void t.test('a seal names the caller’s registered office, whatever office asks', async (t) => {
  for (const [admin, subject] of [
    [raAdmin, 'C=VN, L=Cà Mau, O=Tỉnh ủy Cà Mau, organizationIdentifier=LT:VN-VPTU-CM, CN=Văn phòng Tỉnh ủy'],
    [hanoiAdmin, 'C=VN, L=Hà Nội, O=Thành ủy Hà Nội, organizationIdentifier=LT:VN-VPTU-HN, CN=Văn phòng Thành ủy'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
    t.equal(res.statusCode, 201, res.body);
    t.equal(res.json<{ subject: string }>().subject, subject);
  }
});

void t.test('the verification reports name the office of the signer', async (t) => {
  const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
  const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: raAdmin, payload: {} });
  const sealKeyId = seal.json<{ keyId: string }>().keyId;
  const content = Buffer.from('Thông báo số 3-TB/TU');
  const cms = await app.inject({
    method: 'POST',
    url: `/v1/keys/${sealKeyId}/signatures`,
    headers: registry,
    payload: { digest: createHash('sha256').update(content).digest().toString('base64') },
  });
  t.equal(cms.statusCode, 201, cms.body);
  const verified = await app.inject({
    method: 'POST',
    url: '/v1/verify',
    headers: registry,
    payload: { signature: cms.json<{ signature: string }>().signature, content: content.toString('base64') },
  });
  t.match(verified.json(), { indication: 'TOTAL_PASSED', signer: { office: 'VPTU-CM' } }, 'CMS: the office');

  const pdf = await app.inject({
    method: 'POST',
    url: `/v1/keys/${sealKeyId}/pdf-signatures`,
    headers: { ...registry, 'content-type': 'application/pdf' },
    payload: Buffer.from(await fixturePdf()),
  });
  t.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
  const report = await app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...registry, 'content-type': 'application/pdf' },
    payload: pdf.rawPayload,
  });
  t.match(
    report.json(),
    { indication: 'TOTAL_PASSED', signatures: [{ signer: { office: 'VPTU-CM', subject: /LT:VN-VPTU-CM/ } }] },
    'PDF: the office',
  );
});

void t.test('an imported certificate must name the caller; a mismatch is refused unless approved', async (t) => {
  await registerPerson(app, nhung);
  const importAs = (who: TestSigner, pkcs12: string, extra: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/keys/import',
      headers: headersOf(who),
      payload: { pkcs12, password: 'p12-secret', pin, ...extra },
    });

  const matching = await importAs(nhung, externalPkcs12(s, 'own', '/C=VN/O=Tỉnh uỷ Cà Mau/CN=NGUYEN THI HONG NHUNG'));
  t.equal(matching.statusCode, 201, `the registered name and office, spelt otherwise: ${matching.body.slice(0, 300)}`);

  const someoneElse = externalPkcs12(s, 'other', '/C=VN/O=Thành ủy Hà Nội/CN=Đỗ Thu Hà');
  const before = await state();
  const refused = await importAs(nhung, someoneElse);
  t.equal(refused.statusCode, 422);
  t.match(refused.json(), {
    code: 'CERTIFICATE_IDENTITY_MISMATCH',
    mismatches: [
      /CN \(Đỗ Thu Hà\) is not the registered name/,
      /O \(Thành ủy Hà Nội\) is not the office's registered name/,
    ],
  });
  const after = await state();
  t.same({ ...after, log: before.log }, before, 'no key, no request');
  t.equal(Number(after.log), Number(before.log) + 1, 'the refusal is logged');
  const { rows } = await pool.query<{ action: string; detail: string }>(
    'SELECT action, detail FROM signing_log ORDER BY id DESC LIMIT 1',
  );
  t.match(rows[0], { action: 'import-refused', detail: /CN=Đỗ Thu Hà/ });
  const unregistered = await importAs(hung, someoneElse);
  t.match(unregistered.json(), { code: 'PERSON_NOT_REGISTERED' }, 'an unregistered caller imports nothing');

  const asked = await importAs(nhung, someoneElse, { requestApproval: true });
  t.equal(asked.statusCode, 202, asked.body);
  const request = asked.json<KeyRequest>();
  t.match(request, { kind: 'import', state: 'pending', subject: /CN=Đỗ Thu Hà/ });
  t.equal(request.mismatches.length, 2, 'the approver sees what differs');
  t.equal((await signDigest(request.id, nhung)).statusCode, 404, 'not usable before the approval');
  t.equal((await approve(request.id, hanoiAdmin)).statusCode, 404, "not another office's to approve");
  const approved = await approve(request.id, raAdmin);
  t.equal(approved.statusCode, 201, approved.body);
  t.match(approved.json(), { id: request.id, subject: /CN=Đỗ Thu Hà/, issuer: /External Test CA/ });
  t.equal((await signDigest(request.id, nhung)).statusCode, 201, 'approved: it signs');
  const log = await pool.query<{ action: string }>('SELECT action FROM signing_log WHERE key_id = $1 ORDER BY id', [
    request.id,
  ]);
  t.same(
    log.rows.map((r) => r.action),
    ['request', 'approve', 'pin-accepted', 'sign'],
    'asked, approved, used: logged',
  );
});
