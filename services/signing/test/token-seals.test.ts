/**
 * Office seal keys in the service's PKCS#11 token (SoftHSM2 here): generated in the token,
 * certified by the local CA, used by the office's registry; the key never leaves the token.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { readCertificate, toPem } from '@lienthong/pki';
import { authHeader } from '../../../test/support/auth.ts';
import { skipUnless, softhsmModule } from '../../../test/support/judges.ts';
import { createSoftHsmToken } from '../../../test/support/softhsm.ts';
import { findTokenKey } from '../src/token/pkcs11-keys.ts';
import { openTokenSession } from '../src/token/pkcs11-token.ts';
import { scratch } from './fixtures.ts';
import { dropTestSchemas, startTestSigning } from './support.ts';

const module = softhsmModule();
const skip =
  module === undefined
    ? 'missing the SoftHSM2 module (installed by infra/local up)'
    : skipUnless('softhsm2-util', 'openssl');
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const content = Buffer.from('Quyết định số 127-QĐ/TU');

void t.test('a seal generated in the token signs for the registry and never leaves the token', { skip }, async (t) => {
  const token = createSoftHsmToken(module!);
  t.teardown(() => token.remove());
  const signing = await startTestSigning(undefined, {
    LIENTHONG_SIGNING_PKCS11_MODULE: token.modulePath,
    LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL: token.tokenLabel,
    LIENTHONG_SIGNING_PKCS11_PIN: token.pin,
  });
  t.teardown(async () => {
    await signing.close();
    await dropTestSchemas(signing.schema);
  });
  const { app, pool } = signing;
  const s = scratch();
  t.teardown(() => s.cleanup());

  const res = await app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: admin,
    payload: { storage: 'pkcs11' },
  });
  t.equal(res.statusCode, 201, res.body);
  const { keyId, issuerId } = res.json<{ keyId: string; issuerId: string }>();
  const { rows } = await pool.query<{ storage: string; encrypted_pkcs8: Buffer | null; token_key_label: string }>(
    'SELECT storage, encrypted_pkcs8, token_key_label FROM signing_key WHERE id = $1',
    [keyId],
  );
  t.match(
    rows[0],
    { storage: 'pkcs11', encrypted_pkcs8: null, token_key_label: `lienthong-seal-${keyId}` },
    'the database holds no key material',
  );

  const signed = await app.inject({
    method: 'POST',
    url: `/v1/keys/${keyId}/signatures`,
    headers: registry,
    payload: { digest: createHash('sha256').update(content).digest().toString('base64'), level: 'B-T' },
  });
  t.equal(signed.statusCode, 201, signed.body);
  const certificates = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
    certificates: Array<{ id: string; role: string }>;
  }>().certificates;
  const der = async (id: string) =>
    new Uint8Array((await app.inject({ method: 'GET', url: `/v1/ca/certificates/${id}` })).rawPayload);
  const root = await der(certificates.find((c) => c.role === 'root')!.id);
  const o = s.openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    s.file('sig.der', Buffer.from(signed.json<{ signature: string }>().signature, 'base64')),
    '-content',
    s.file('content.bin', content),
    '-CAfile',
    s.file('root.pem', toPem('CERTIFICATE', root)),
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
  t.ok(o.ok, `openssl cms -verify: ${o.out}`);
  t.ok(readCertificate(await der(issuerId)).basicConstraints?.ca, 'issued by the issuing CA');

  const session = openTokenSession(token);
  t.teardown(() => session.close());
  const onToken = findTokenKey(session, { keyLabel: `lienthong-seal-${keyId}` });
  t.match(onToken, { sensitive: true, extractable: false }, 'the token will not reveal the key');
});

void t.test('without a configured token a pkcs11 seal is refused and nothing is issued', async (t) => {
  const signing = await startTestSigning();
  t.teardown(async () => {
    await signing.close();
    await dropTestSchemas(signing.schema);
  });
  const before = Number((await signing.pool.query<{ n: string }>('SELECT count(*) AS n FROM certificate')).rows[0]!.n);
  const res = await signing.app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: admin,
    payload: { storage: 'pkcs11' },
  });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'SIGNING_TOKEN_NOT_CONFIGURED' });
  t.equal(
    Number((await signing.pool.query<{ n: string }>('SELECT count(*) AS n FROM certificate')).rows[0]!.n),
    before,
  );
});
