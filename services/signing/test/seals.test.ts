/**
 * Office seal certificates: issued by the issuing CA for the caller's registered office (the
 * body names nothing), key generated and kept encrypted by the service.
 */
import t from 'tap';
import {
  buildOcspRequest,
  CrlReason,
  keyMatchesSpki,
  readCertificate,
  readCrl,
  readOcspResponse,
  toPem,
} from '@lienthong/pki';
import { revokeCertificate } from '../src/ca/certificate-repository.ts';
import { scratch } from './fixtures.ts';
import { decryptWithTestKek, signingForFile } from './support.ts';
import { authHeader } from '../../../test/support/auth.ts';

const admin = authHeader({ subject: 'person:ca-admin', office: 'VPTU-CM', roles: ['ca-admin'] });

const signing = await signingForFile(t);
const { app, pool } = signing;

void t.test(
  'a seal certificate is issued, chains to the root, and its key stays encrypted in the service',
  async (t) => {
    const s = scratch();
    t.teardown(() => s.cleanup());
    const res = await app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: admin,
      payload: { validityDays: 365 },
    });
    t.equal(res.statusCode, 201, res.body);
    const seal = res.json<{ id: string; role: string; subject: string; issuerId: string; keyId: string }>();
    t.match(
      seal,
      {
        role: 'seal',
        subject: 'C=VN, L=Cà Mau, O=Tỉnh ủy Cà Mau, organizationIdentifier=LT:VN-VPTU-CM, CN=Văn phòng Tỉnh ủy',
      },
      'the registered office, with its code',
    );
    t.equal(res.headers.location, `/v1/ca/certificates/${seal.id}`);
    t.notMatch(res.body, /PRIVATE|pkcs8/i, 'no key material in the answer');

    const der = new Uint8Array((await app.inject({ method: 'GET', url: `/v1/ca/certificates/${seal.id}` })).rawPayload);
    const cert = readCertificate(der);
    const issuing = new Uint8Array(
      (await app.inject({ method: 'GET', url: `/v1/ca/certificates/${seal.issuerId}` })).rawPayload,
    );
    const list = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
      certificates: Array<{ id: string; role: string }>;
    }>();
    const rootId = list.certificates.find((c) => c.role === 'root')!.id;
    const root = new Uint8Array((await app.inject({ method: 'GET', url: `/v1/ca/certificates/${rootId}` })).rawPayload);
    const o = s.openssl([
      'verify',
      '-CAfile',
      s.file('root.pem', toPem('CERTIFICATE', root)),
      '-untrusted',
      s.file('issuing.pem', toPem('CERTIFICATE', issuing)),
      s.file('seal.pem', toPem('CERTIFICATE', der)),
    ]);
    t.ok(o.ok, `openssl verify: ${o.out}`);

    const { rows } = await pool.query<{ encrypted_pkcs8: Buffer; office: string; owner: string; purpose: string }>(
      'SELECT encrypted_pkcs8, office, owner, purpose FROM signing_key WHERE id = $1 AND ca_certificate_id = $2',
      [seal.keyId, seal.id],
    );
    t.equal(rows.length, 1, 'the service keeps the key');
    t.match(
      rows[0],
      { office: 'VPTU-CM', owner: 'registry', purpose: 'seal' },
      "a seal key of the admin's office, for its registry",
    );
    t.ok(
      keyMatchesSpki(await decryptWithTestKek(pool, new Uint8Array(rows[0]!.encrypted_pkcs8)), cert.spki),
      "encrypted under the KEK, and it is the seal's key",
    );

    const ocsp = await app.inject({
      method: 'POST',
      url: '/v1/ocsp',
      headers: { 'content-type': 'application/ocsp-request' },
      payload: Buffer.from(buildOcspRequest({ issuer: readCertificate(issuing), certificates: [cert] })),
    });
    t.equal(
      readOcspResponse(new Uint8Array(ocsp.rawPayload)).basic?.responses[0]?.certStatus.status,
      'good',
      'OCSP knows the new seal',
    );
  },
);

void t.test('only a ca-admin with a valid token may issue a seal', async (t) => {
  const payload = {};
  const anonymous = await app.inject({ method: 'POST', url: '/v1/ca/seals', payload });
  t.equal(anonymous.statusCode, 401);
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="lienthong"');
  const signer = await app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: authHeader({ roles: ['signer', 'registry'] }),
    payload,
  });
  t.equal(signer.statusCode, 403);
  t.match(signer.json(), { code: 'FORBIDDEN' });
});

void t.test('bad seal requests get 400 and issue nothing', async (t) => {
  const count = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM certificate')).rows[0]!.n);
  const before = await count();
  for (const payload of [
    { organisation: 'Tỉnh ủy' },
    { organisation: 'Thành ủy Hà Nội', office: 'Văn phòng Thành ủy' },
    { locality: 'Hà Nội' },
    { validityDays: 0 },
    { validityDays: 'many' },
    { storage: 'hsm' },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60));
    t.match(res.json(), { code: 'VALIDATION_FAILED' });
  }
  t.equal(await count(), before, 'no certificate was issued');
});

void t.test('concurrent CRL requests after a revocation issue one new CRL, numbered once', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: admin,
    payload: {},
  });
  const seal = res.json<{ id: string }>();
  await app.inject({ method: 'GET', url: '/v1/ca/crl' });
  const before = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM crl')).rows[0]!.n);
  t.ok(await revokeCertificate(pool, seal.id, new Date(), CrlReason.cessationOfOperation));
  const crls = await Promise.all(Array.from({ length: 6 }, () => app.inject({ method: 'GET', url: '/v1/ca/crl' })));
  const numbers = new Set(crls.map((r) => readCrl(new Uint8Array(r.rawPayload)).crlNumber));
  t.equal(numbers.size, 1, 'every caller got the same CRL');
  const after = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM crl')).rows[0]!.n);
  t.equal(after, before + 1, 'exactly one CRL was issued');
  const { rows } = await pool.query<{ last_number: string; max: string }>(
    'SELECT c.last_number, (SELECT max(crl_number) FROM crl WHERE issuer_id = c.issuer_id) AS max FROM crl_counter c',
  );
  for (const row of rows) t.equal(row.last_number, row.max, 'the counter holds no number that was not issued');
});
