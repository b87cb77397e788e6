/**
 * The PIN policy: a new PIN (a new key, an import, a PIN change) has 8 to 64 characters after
 * NFC, one of them not a digit; anything else is a 400 PIN_POLICY_UNMET that names the rule
 * and changes nothing. A key enrolled before the policy keeps its six-digit PIN and works, but
 * its summary says `pinPolicy: 'unknown'` until its owner changes the PIN.
 */
import { createHash, randomUUID } from 'node:crypto';
import t from 'tap';
import { defaultAlgorithmFor, generateKeyPair, pbes2IterationsOf, subjectPublicKeyInfo } from '@lienthong/pki';
import { authHeader } from '../../../test/support/auth.ts';
import { insertKeyRequest } from '../src/keys/key-request-repository.ts';
import { pinPolicyProblem } from '../src/keys/pin.ts';
import { previousPinEncryption } from './previous-release.ts';
import { enrolKey, raAdminOf, registerPerson, testPin, type TestSigner } from './enrolment.ts';
import { signingForFile, testKek } from './support.ts';

void t.test('the rule: 8 to 64 characters after NFC, at least one not a digit', async (t) => {
  t.equal(pinPolicyProblem('demo-246810'), undefined);
  t.equal(pinPolicyProblem('mật khẩu'), undefined, 'letters with diacritics count as one character each');
  t.match(pinPolicyProblem('246810'), /8 to 64 characters/, 'six digits: too short');
  t.match(pinPolicyProblem('12345678'), /not a digit/, 'eight digits: only digits');
  t.match(pinPolicyProblem('abc1234'), /this one has 7/);
  // Seven characters once composed (NFC), eleven code points as sent (e + combining acute).
  t.match(pinPolicyProblem('e\u0301e\u0301e\u0301e\u0301123'), /this one has 7/, 'counted after NFC');
  t.equal(pinPolicyProblem('e\u0301e\u0301e\u0301e\u03011234'), undefined);
  t.match(pinPolicyProblem('a'.repeat(65)), /this one has 65/);
  t.equal(pinPolicyProblem('a'.repeat(64)), undefined);
  t.equal(pinPolicyProblem('１２３４５６７８'), undefined, 'fullwidth digits are not ASCII digits');
});

const { app, pool } = await signingForFile(t);
const nhungSigner: TestSigner = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
const nhung = authHeader({ ...nhungSigner, roles: ['signer'] });
const digest = createHash('sha256').update('Nghị quyết số 05-NQ/TU').digest().toString('base64');
const sign = (id: string, pin: string) =>
  app.inject({ method: 'POST', url: `/v1/keys/${id}/signatures`, headers: nhung, payload: { pin, digest } });
type Summary = { id: string; pinPolicy: string | null; failedPinAttempts: number };
const rows = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

void t.test('a new key, or a new PIN, that breaks the rule is refused with the rule and nothing changes', async (t) => {
  await registerPerson(app, nhungSigner);
  const key = await enrolKey<Summary>(app, nhungSigner, { pin: testPin });
  t.equal(key.pinPolicy, 'met', 'a key enrolled now says its PIN met the policy');
  const before = { requests: await rows('key_request'), log: await rows('signing_log') };
  const cases: [string, () => Promise<{ statusCode: number; body: string; json<T>(): T }>][] = [
    ['six digits', () => app.inject({ method: 'POST', url: '/v1/keys', headers: nhung, payload: { pin: '246810' } })],
    [
      'only digits',
      () => app.inject({ method: 'POST', url: '/v1/keys', headers: nhung, payload: { pin: '24681012' } }),
    ],
    [
      'an import',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/keys/import',
          headers: nhung,
          payload: { pkcs12: 'MIIJ', password: '', pin: '13572468' },
        }),
    ],
    [
      'a PIN change',
      () =>
        app.inject({
          method: 'PUT',
          url: `/v1/keys/${key.id}/pin`,
          headers: nhung,
          payload: { pin: testPin, newPin: '13572468' },
        }),
    ],
    [
      'a PIN change with a wrong old PIN',
      () =>
        app.inject({
          method: 'PUT',
          url: `/v1/keys/${key.id}/pin`,
          headers: nhung,
          payload: { pin: '000000', newPin: '135' },
        }),
    ],
  ];
  for (const [name, call] of cases) {
    const res = await call();
    t.equal(res.statusCode, 400, `${name}: ${res.body}`);
    const problem = res.json<{ code: string; detail: string }>();
    t.equal(problem.code, 'PIN_POLICY_UNMET', name);
    t.match(problem.detail, /8 to 64 characters|not a digit/, `${name}: the detail names the rule`);
  }
  t.same(
    { requests: await rows('key_request'), log: await rows('signing_log') },
    before,
    'no request, no log line (no PIN attempt counted)',
  );
  const now = (await app.inject({ method: 'GET', url: `/v1/keys/${key.id}`, headers: nhung })).json<Summary>();
  t.equal(now.failedPinAttempts, 0);
  t.equal((await sign(key.id, testPin)).statusCode, 201, 'the PIN is unchanged');
});

void t.test(
  'a key enrolled before the policy keeps its six-digit PIN, is flagged, and loses the flag with a new PIN',
  async (t) => {
    // A pending request as the previous release filed it (its key format, a six-digit PIN), flagged as the migration leaves it.
    const id = randomUUID();
    const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
    const office = { organisation: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy' };
    await insertKeyRequest(pool, {
      id,
      office: 'VPTU-CM',
      requester: nhungSigner.subject,
      kind: 'enrol',
      keyType: 'p-256',
      algorithm: defaultAlgorithmFor(keys.privateKey),
      spki: subjectPublicKeyInfo(keys.publicKey),
      certificateDer: null,
      chainDer: [],
      encryptedPkcs8: previousPinEncryption(keys.privateKey, testKek, id, '246810'),
      pinPolicy: 'unknown',
      csrDer: null,
      validityDays: null,
      identity: { ...office, name: 'Nguyễn Thị Hồng Nhung', title: 'Phó Bí thư Tỉnh ủy' },
      mismatches: [],
      createdAt: new Date(),
    });
    const approved = await app.inject({
      method: 'POST',
      url: `/v1/key-requests/${id}/approval`,
      headers: raAdminOf('VPTU-CM'),
    });
    t.equal(approved.statusCode, 201, approved.body.slice(0, 200));
    t.equal(approved.json<Summary>().pinPolicy, 'unknown', 'the approved key carries the flag');
    const listed = (await app.inject({ method: 'GET', url: '/v1/keys', headers: nhung })).json<{ keys: Summary[] }>()
      .keys;
    t.equal(listed.find((k) => k.id === id)?.pinPolicy, 'unknown', 'the listing shows it');
    t.equal((await sign(id, '246810')).statusCode, 201, 'the six-digit PIN still signs');
    const stored = await pool.query<{ encrypted_pkcs8: Buffer }>(
      'SELECT encrypted_pkcs8 FROM signing_key WHERE id = $1',
      [id],
    );
    t.equal(
      pbes2IterationsOf(stored.rows[0]!.encrypted_pkcs8),
      600_000,
      "and the key is stored again in this release's form",
    );
    const changed = await app.inject({
      method: 'PUT',
      url: `/v1/keys/${id}/pin`,
      headers: nhung,
      payload: { pin: '246810', newPin: 'mới-246810' },
    });
    t.equal(changed.statusCode, 204, changed.body);
    const after = (await app.inject({ method: 'GET', url: `/v1/keys/${id}`, headers: nhung })).json<Summary>();
    t.equal(after.pinPolicy, 'met', 'a PIN changed under the policy clears the flag');
    t.equal((await sign(id, 'mới-246810')).statusCode, 201);
  },
);
