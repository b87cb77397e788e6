/**
 * Remote signing: a signer's key on the server, used only by its owner with its PIN.
 * Signatures are judged by openssl cms -verify over the real content.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import type { Test } from 'tap';
import { buildOcspRequest, readCertificate, readOcspResponse, toPem, verifyCms } from '@lienthong/pki';
import { signAccessToken } from '@lienthong/service';
import { authHeader } from '../../../test/support/auth.ts';
import { opensslCmsVerify } from '../../../test/support/judges.ts';
import { enrolKey, testPin, type TestSigner } from './enrolment.ts';
import { externalCaPem, externalPkcs12, scratch } from './fixtures.ts';
import { signingForFile } from './support.ts';

const signing = await signingForFile(t);
const { app, pool } = signing;
const s = scratch();
t.teardown(() => s.cleanup());

const nhungSigner: TestSigner = {
  subject: 'person:nhung',
  office: 'VPTU-CM',
  name: 'Nguyễn Thị Hồng Nhung',
  title: 'Phó Bí thư Tỉnh ủy',
};
const nhung = authHeader({ ...nhungSigner, roles: ['signer'] });
const colleague = authHeader({ subject: 'person:hung', office: 'VPTU-CM', roles: ['signer'], name: 'Trần Văn Hùng' });
const elsewhere = authHeader({ subject: 'person:nhung', office: 'VPTU-HN', roles: ['signer'] });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });

const content = Buffer.from('Chỉ thị số 05-CT/TU về tăng cường công tác chuyển đổi số.');
const digest = createHash('sha256').update(content).digest().toString('base64');
const pin = testPin;

type Summary = {
  id: string;
  subject: string;
  issuer: string;
  certificate: string;
  chain: string[];
  purpose: string;
  locked: boolean;
  failedPinAttempts: number;
};
const listed = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
  certificates: Array<{ id: string; role: string }>;
}>().certificates;
const rootDer = new Uint8Array(
  (await app.inject({ method: 'GET', url: `/v1/ca/certificates/${listed.find((c) => c.role === 'root')!.id}` }))
    .rawPayload,
);
const rootPem = s.file('root.pem', toPem('CERTIFICATE', rootDer));

/** A key of `who`: recorded by the office, asked for, approved by another CA administrator. */
const enrol = (who: TestSigner, body: { keyType?: string } = {}): Promise<Summary> =>
  enrolKey<Summary>(app, who, { pin, ...body });

const sign = (id: string, headers: Record<string, string>, body: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: `/v1/keys/${id}/signatures`, headers, payload: { pin, digest, ...body } });

function opensslVerifies(t: Test, cms: Buffer, extra: string[] = []): void {
  const file = s.file(`sig-${Math.random().toString(36).slice(2)}.der`, cms);
  const o = s.openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    file,
    '-content',
    s.file('content.bin', content),
    '-CAfile',
    rootPem,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
    ...extra,
  ]);
  t.ok(o.ok, `openssl cms -verify: ${o.out}`);
}

const key = await enrol(nhungSigner);

void t.test(
  'a signer enrols a key: certified by the local CA in their registered name, no key material in the answer',
  async (t) => {
    t.match(key, {
      purpose: 'personal',
      locked: false,
      failedPinAttempts: 0,
      issuer: /lienthong Issuing CA/,
    });
    t.equal(
      key.subject,
      'C=VN, O=Tỉnh ủy Cà Mau, organizationIdentifier=LT:VN-VPTU-CM, OU=Văn phòng Tỉnh ủy, title=Phó Bí thư Tỉnh ủy, CN=Nguyễn Thị Hồng Nhung',
      'the office and the person as registered, with the office code',
    );
    const answer = JSON.stringify(key);
    t.notMatch(answer, /PRIVATE|pkcs8|demo-246810/i);
    const o = s.openssl([
      'verify',
      '-CAfile',
      rootPem,
      '-untrusted',
      s.file('issuing.pem', toPem('CERTIFICATE', Buffer.from(key.chain[0]!, 'base64'))),
      s.file('person.pem', toPem('CERTIFICATE', Buffer.from(key.certificate, 'base64'))),
    ]);
    t.ok(o.ok, `openssl verify: ${o.out}`);
    const { rows } = await pool.query<{ encrypted_pkcs8: Buffer }>(
      'SELECT encrypted_pkcs8 FROM signing_key WHERE id = $1',
      [key.id],
    );
    t.ok(rows[0]!.encrypted_pkcs8.length > 100, 'the key is stored encrypted');
    t.notOk(signing.lines.join('').includes(pin), 'the PIN is not in the logs');
  },
);

void t.test(
  'the owner signs a digest with the PIN: CAdES B-B and B-T that openssl verifies over the content',
  async (t) => {
    const bb = await sign(key.id, nhung);
    t.equal(bb.statusCode, 201, bb.body);
    const cms = Buffer.from(bb.json<{ signature: string }>().signature, 'base64');
    opensslVerifies(t, cms);
    t.match(
      verifyCms(cms, { detachedContent: content, trustAnchors: [readCertificate(rootDer)], revocation: 'none' }),
      { indication: 'TOTAL_PASSED' },
    );

    const bt = await sign(key.id, nhung, { level: 'B-T' });
    t.equal(bt.statusCode, 201, bt.body);
    const withTime = Buffer.from(bt.json<{ signature: string }>().signature, 'base64');
    opensslVerifies(t, withTime);
    const report = verifyCms(withTime, {
      detachedContent: content,
      trustAnchors: [readCertificate(rootDer)],
      revocation: 'none',
    });
    t.match(report, { indication: 'TOTAL_PASSED' });
    t.equal(report.signers[0]?.level, 'B-T', 'the signature time-stamp from the local TSA counts');

    const { rows } = await pool.query<{ action: string; digest: string }>(
      'SELECT action, digest FROM signing_log WHERE key_id = $1 AND action = $2',
      [key.id, 'sign'],
    );
    t.equal(rows.length, 2, 'each use is logged');
    t.equal(rows[0]!.digest, Buffer.from(digest, 'base64').toString('hex'));
  },
);

void t.test('nobody but the owner can use or even see the key', async (t) => {
  for (const [who, headers] of [
    ['a colleague', colleague],
    ['the same subject for another office', elsewhere],
    ['the registry', registry],
  ] as const) {
    const res = await sign(key.id, headers);
    t.equal(res.statusCode, 404, who);
    t.match(res.json(), { code: 'SIGNING_KEY_NOT_FOUND' }, who);
    t.equal((await app.inject({ method: 'GET', url: `/v1/keys/${key.id}`, headers })).statusCode, 404, `${who}: GET`);
    const list = (await app.inject({ method: 'GET', url: '/v1/keys', headers })).json<{ keys: Summary[] }>();
    t.notOk(
      list.keys.some((k) => k.id === key.id),
      `${who}: not listed`,
    );
  }
  t.equal(
    (await app.inject({ method: 'POST', url: `/v1/keys/${key.id}/signatures`, payload: { pin, digest } })).statusCode,
    401,
    'no token',
  );
  const mine = (await app.inject({ method: 'GET', url: '/v1/keys', headers: nhung })).json<{ keys: Summary[] }>();
  t.ok(
    mine.keys.some((k) => k.id === key.id),
    'the owner lists it',
  );
});

void t.test('wrong PINs are counted and lock the key at five; the right PIN then no longer helps', async (t) => {
  const victim = await enrol(nhungSigner);
  const first = await sign(victim.id, nhung, { pin: '000000' });
  t.equal(first.statusCode, 403);
  t.match(first.json(), { code: 'SIGNING_KEY_PIN_INCORRECT', attemptsLeft: 4 });
  const missing = await app.inject({
    method: 'POST',
    url: `/v1/keys/${victim.id}/signatures`,
    headers: nhung,
    payload: { digest },
  });
  t.match(missing.json(), { code: 'SIGNING_KEY_PIN_INCORRECT', attemptsLeft: 3 }, 'no PIN counts as a wrong one');
  // The rest in parallel: the row lock makes them count one by one.
  const rest = await Promise.all(Array.from({ length: 6 }, () => sign(victim.id, nhung, { pin: '999999' })));
  const codes = rest.map((r) => r.json<{ code: string }>().code).sort();
  t.same(codes, [
    'SIGNING_KEY_LOCKED',
    'SIGNING_KEY_LOCKED',
    'SIGNING_KEY_LOCKED',
    'SIGNING_KEY_LOCKED',
    'SIGNING_KEY_PIN_INCORRECT',
    'SIGNING_KEY_PIN_INCORRECT',
  ]);
  const right = await sign(victim.id, nhung);
  t.equal(right.statusCode, 423);
  const state = (await app.inject({ method: 'GET', url: `/v1/keys/${victim.id}`, headers: nhung })).json<Summary>();
  t.match(state, { locked: true, failedPinAttempts: 5 });
  const { rows } = await pool.query<{ action: string }>(
    'SELECT action FROM signing_log WHERE key_id = $1 ORDER BY id',
    [victim.id],
  );
  t.same(
    rows.map((r) => r.action),
    ['request', 'approve', 'pin-refused', 'pin-refused', 'pin-refused', 'pin-refused', 'locked'],
  );
});

void t.test('changing the PIN: the old one stops working, the new one works', async (t) => {
  const mine = await enrol(nhungSigner, { keyType: 'p-256' });
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/v1/keys/${mine.id}/pin`,
        headers: nhung,
        payload: { pin: '111111', newPin: 'new-13579135' },
      })
    ).statusCode,
    403,
  );
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/v1/keys/${mine.id}/pin`,
        headers: nhung,
        payload: { pin, newPin: 'new-13579135' },
      })
    ).statusCode,
    204,
  );
  t.equal((await sign(mine.id, nhung)).statusCode, 403, 'the old PIN');
  const res = await sign(mine.id, nhung, { pin: 'new-13579135' });
  t.equal(res.statusCode, 201, 'the new PIN');
  opensslVerifies(t, Buffer.from(res.json<{ signature: string }>().signature, 'base64'));
});

void t.test("a revoked certificate's key signs no more, and OCSP says revoked", async (t) => {
  const doomed = await enrol(nhungSigner);
  const certificateId = (
    await pool.query<{ ca_certificate_id: string }>('SELECT ca_certificate_id FROM signing_key WHERE id = $1', [
      doomed.id,
    ])
  ).rows[0]!.ca_certificate_id;
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/ca/certificates/${certificateId}/revocation`,
        headers: nhung,
        payload: {},
      })
    ).statusCode,
    403,
    'a signer cannot revoke',
  );
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/ca/certificates/${certificateId}/revocation`,
        headers: authHeader({ office: 'VPTU-HN', roles: ['ca-admin'] }),
        payload: {},
      })
    ).statusCode,
    404,
    "another office's admin cannot",
  );
  const revoked = await app.inject({
    method: 'POST',
    url: `/v1/ca/certificates/${certificateId}/revocation`,
    headers: admin,
    payload: { reason: 'keyCompromise' },
  });
  t.equal(revoked.statusCode, 200, revoked.body);
  t.ok(revoked.json<{ revokedAt: string }>().revokedAt);
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/ca/certificates/${certificateId}/revocation`,
        headers: admin,
        payload: {},
      })
    ).statusCode,
    409,
    'twice',
  );
  const res = await sign(doomed.id, nhung);
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'SIGNING_KEY_NOT_USABLE', detail: /revoked/ });
  const ocsp = await app.inject({
    method: 'POST',
    url: '/v1/ocsp',
    headers: { 'content-type': 'application/ocsp-request' },
    payload: Buffer.from(
      buildOcspRequest({
        issuer: readCertificate(Buffer.from(doomed.chain[0]!, 'base64')),
        certificates: [readCertificate(Buffer.from(doomed.certificate, 'base64'))],
      }),
    ),
  });
  t.equal(readOcspResponse(new Uint8Array(ocsp.rawPayload)).basic?.responses[0]?.certStatus.status, 'revoked');
});

void t.test('a key from another CA comes in as PKCS#12 and signs; openssl verifies against that CA', async (t) => {
  const pkcs12 = externalPkcs12(s, 'ext', '/C=VN/O=Tinh uy Ca Mau/CN=Nguyen Thi Hong Nhung');

  const wrong = await app.inject({
    method: 'POST',
    url: '/v1/keys/import',
    headers: nhung,
    payload: { pkcs12, password: 'nope', pin },
  });
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json(), { code: 'PKCS12_UNREADABLE' });
  const imported = await app.inject({
    method: 'POST',
    url: '/v1/keys/import',
    headers: nhung,
    payload: { pkcs12, password: 'p12-secret', pin },
  });
  t.equal(imported.statusCode, 201, imported.body);
  const external = imported.json<Summary>();
  t.match(external, { subject: /CN=Nguyen Thi Hong Nhung/, issuer: /External Test CA/ });
  const res = await sign(external.id, nhung, { level: 'B-T' });
  t.equal(res.statusCode, 201, res.body);
  const cms = Buffer.from(res.json<{ signature: string }>().signature, 'base64');
  const o = await opensslCmsVerify(cms, content, { trust: externalCaPem(s) });
  t.ok(o.ok, `openssl cms -verify against the external CA: ${o.output}`);
});

void t.test('the office seal key serves the registry without a PIN, and nobody else', async (t) => {
  const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  const { keyId } = seal.json<{ keyId: string }>();
  const res = await sign(keyId, registry, { pin: undefined });
  t.equal(res.statusCode, 201, res.body);
  opensslVerifies(t, Buffer.from(res.json<{ signature: string }>().signature, 'base64'));
  t.equal((await sign(keyId, nhung)).statusCode, 404, 'a signer cannot use the seal');
  t.equal(
    (await sign(keyId, authHeader({ office: 'VPTU-HN', roles: ['registry'] }))).statusCode,
    404,
    "another office's registry cannot",
  );
  const list = (await app.inject({ method: 'GET', url: '/v1/keys', headers: registry })).json<{ keys: Summary[] }>();
  t.ok(list.keys.some((k) => k.id === keyId && k.purpose === 'seal'));
});

void t.test('hostile requests get a 4xx problem and change nothing', async (t) => {
  const count = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT (SELECT count(*) FROM signing_key) + (SELECT count(*) FROM signing_log) + (SELECT count(*) FROM key_request) AS n',
        )
      ).rows[0]!.n,
    );
  const before = await count();
  const cases: [string, () => ReturnType<typeof sign>, number, string][] = [
    ['digest not base64', () => sign(key.id, nhung, { digest: 'not base64!' }), 400, 'VALIDATION_FAILED'],
    [
      'digest of the wrong length',
      () => sign(key.id, nhung, { digest: Buffer.alloc(20).toString('base64') }),
      400,
      'DIGEST_ALGORITHM_UNSUITABLE',
    ],
    [
      'sha512 named, 32 bytes given',
      () => sign(key.id, nhung, { digestAlgorithm: 'sha512' }),
      400,
      'DIGEST_ALGORITHM_UNSUITABLE',
    ],
    ['md5', () => sign(key.id, nhung, { digestAlgorithm: 'md5' }), 400, 'VALIDATION_FAILED'],
    ['unknown level', () => sign(key.id, nhung, { level: 'B-LTA' }), 400, 'VALIDATION_FAILED'],
    ['unknown field', () => sign(key.id, nhung, { keyId: 'x' }), 400, 'VALIDATION_FAILED'],
    ['PIN too short', () => sign(key.id, nhung, { pin: '12' }), 400, 'VALIDATION_FAILED'],
    ['PIN not a string', () => sign(key.id, nhung, { pin: { value: 246810 } }), 400, 'VALIDATION_FAILED'],
    [
      'id not a uuid',
      () =>
        app.inject({ method: 'POST', url: '/v1/keys/not-a-uuid/signatures', headers: nhung, payload: { pin, digest } }),
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown key', () => sign('00000000-0000-4000-8000-000000000000', nhung), 404, 'SIGNING_KEY_NOT_FOUND'],
    [
      'body not JSON',
      () =>
        app.inject({
          method: 'POST',
          url: `/v1/keys/${key.id}/signatures`,
          headers: { ...nhung, 'content-type': 'application/json' },
          payload: '{"pin":',
        }),
      400,
      'MALFORMED_BODY',
    ],
    [
      'body of another type',
      () =>
        app.inject({
          method: 'POST',
          url: `/v1/keys/${key.id}/signatures`,
          headers: { ...nhung, 'content-type': 'application/xml' },
          payload: '<pin/>',
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'huge body',
      () =>
        app.inject({
          method: 'POST',
          url: `/v1/keys/${key.id}/signatures`,
          headers: nhung,
          payload: { pin, digest: 'A'.repeat(2 * 1024 * 1024) },
        }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'enrol: unknown key type',
      () => app.inject({ method: 'POST', url: '/v1/keys', headers: nhung, payload: { pin, keyType: 'rsa-1024' } }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      "enrol: a name, title and organisation of the caller's choosing",
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/keys',
          headers: nhung,
          payload: { pin, name: 'x', title: 'x', organisation: 'y', officeName: 'z' },
        }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'enrol: an office nobody registered',
      () =>
        app.inject({ method: 'POST', url: '/v1/keys', headers: authHeader({ roles: ['signer'] }), payload: { pin } }),
      409,
      'OFFICE_NOT_REGISTERED',
    ],
    [
      'enrol: a person nobody recorded',
      () => app.inject({ method: 'POST', url: '/v1/keys', headers: colleague, payload: { pin } }),
      409,
      'PERSON_NOT_REGISTERED',
    ],
    [
      'enrol: not a signer',
      () => app.inject({ method: 'POST', url: '/v1/keys', headers: registry, payload: { pin } }),
      403,
      'FORBIDDEN',
    ],
    [
      'import: garbage PKCS#12',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/keys/import',
          headers: nhung,
          payload: { pkcs12: Buffer.from('not a pfx at all').toString('base64'), password: '', pin },
        }),
      400,
      'PKCS12_UNREADABLE',
    ],
    [
      'import: truncated PKCS#12',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/keys/import',
          headers: nhung,
          payload: { pkcs12: 'MIIJ', password: '', pin },
        }),
      400,
      'PKCS12_UNREADABLE',
    ],
    [
      'pin change: new PIN too long',
      () =>
        app.inject({
          method: 'PUT',
          url: `/v1/keys/${key.id}/pin`,
          headers: nhung,
          payload: { pin, newPin: 'a'.repeat(65) },
        }),
      400,
      'PIN_POLICY_UNMET',
    ],
  ];
  for (const [name, call, status, code] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 200)}`);
    t.match(res.headers['content-type'], /application\/problem\+json/, name);
    t.equal(res.json<{ code: string }>().code, code, name);
  }
  t.equal(await count(), before, 'no key and no log line was added');
  const state = (await app.inject({ method: 'GET', url: `/v1/keys/${key.id}`, headers: nhung })).json<Summary>();
  t.equal(state.failedPinAttempts, 0, 'malformed requests never count as PIN attempts');
});

void t.test('a token forged with another key under the trusted kid never reaches the key routes', async (t) => {
  const forged = generateKeyPairSync('ed25519').privateKey;
  const token = signAccessToken(
    {
      iss: 'lienthong',
      aud: 'lienthong-signing',
      sub: 'person:nhung',
      office: 'VPTU-CM',
      roles: ['signer'],
      exp: Math.floor(Date.now() / 1000) + 60,
    },
    { privateKey: forged, kid: 'test' },
  );
  const res = await sign(key.id, { authorization: `Bearer ${token}` });
  t.equal(res.statusCode, 401);
});
