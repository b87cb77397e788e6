/**
 * Keys at rest: the KEK passphrase becomes a key once, at start, with scrypt and a salt kept
 * in the schema; every key written is PBES2 at 600,000 PBKDF2 iterations. A database the
 * previous release made (keys in node's export form, 2,048 iterations, under the passphrase
 * itself; no salt row) keeps working: its CA and seal keys are re-encrypted at start, a
 * personal key at its next use with the PIN, and everything signs as before. A wrong
 * passphrase stops the start with one clear line.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { pbes2IterationsOf, readCertificate } from '@lienthong/pki';
import { authHeader } from '../../../test/support/auth.ts';
import { uniqueName } from '../../../test/support/env.ts';
import { decryptWithKek, deriveKek } from '../src/ca/key-encryption.ts';
import { decryptWithPin } from '../src/keys/pin.ts';
import { enrolKey, testPin, type TestSigner } from './enrolment.ts';
import { ocspStatus } from './ocsp-status.ts';
import { previousKekEncryption, previousPinEncryption } from './previous-release.ts';
import { dropTestSchemas, startTestSigning, testKek } from './support.ts';

const schema = uniqueName('signing_test');
t.teardown(() => dropTestSchemas(schema));
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const nhung: TestSigner = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
const digest = createHash('sha256').update('Chỉ thị số 01-CT/TU').digest();

// This release: a hierarchy, a seal in the database, a personal key.
const first = await startTestSigning(schema);
const seal = await first.app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
const { keyId: sealId } = seal.json<{ keyId: string }>();
const personal = await enrolKey<{ id: string; certificate: string }>(first.app, nhung, { pin: testPin });

const iterations = async () => {
  const ca = await first.pool.query<{ role: string; encrypted_pkcs8: Buffer }>(
    'SELECT c.role, k.encrypted_pkcs8 FROM private_key k JOIN certificate c ON c.id = k.certificate_id ORDER BY c.role',
  );
  const keys = await first.pool.query<{ purpose: string; encrypted_pkcs8: Buffer }>(
    'SELECT purpose, encrypted_pkcs8 FROM signing_key ORDER BY purpose',
  );
  return [
    ...ca.rows.map((r) => [r.role, pbes2IterationsOf(r.encrypted_pkcs8)]),
    ...keys.rows.map((r) => [r.purpose, pbes2IterationsOf(r.encrypted_pkcs8)]),
  ];
};

void t.test('this release writes every key at 600,000 iterations under the derived KEK', async (t) => {
  t.same(await iterations(), [
    ['issuing-ca', 600_000],
    ['ocsp', 600_000],
    ['root', 600_000],
    ['tsa', 600_000],
    ['personal', 600_000],
    ['seal', 600_000],
  ]);
  const kek = await deriveKek(first.pool, testKek);
  t.equal(kek.key.length, 32);
  t.equal(JSON.stringify(kek), '{}', 'neither the key nor the passphrase is enumerable');
  const { rows } = await first.pool.query<{ encrypted_pkcs8: Buffer }>(
    "SELECT encrypted_pkcs8 FROM signing_key WHERE purpose = 'seal'",
  );
  t.throws(
    () => decryptWithKek(rows[0]!.encrypted_pkcs8, { key: Buffer.from(testKek), legacyPassphrase: testKek }),
    'the passphrase itself opens nothing any more',
  );
});

void t.test('a database of the previous release keeps working, and is brought to this release', async (t) => {
  // Rewrite the rows as the previous release stored them, and forget the salt it never had.
  const kek = await deriveKek(first.pool, testKek);
  const q = first.pool;
  const { rows: caKeys } = await q.query<{ certificate_id: string; encrypted_pkcs8: Buffer }>(
    'SELECT certificate_id, encrypted_pkcs8 FROM private_key',
  );
  for (const row of caKeys)
    await q.query('UPDATE private_key SET encrypted_pkcs8 = $2 WHERE certificate_id = $1', [
      row.certificate_id,
      Buffer.from(previousKekEncryption(decryptWithKek(row.encrypted_pkcs8, kek), testKek)),
    ]);
  const sealRow = (
    await q.query<{ encrypted_pkcs8: Buffer }>('SELECT encrypted_pkcs8 FROM signing_key WHERE id = $1', [sealId])
  ).rows[0]!;
  await q.query('UPDATE signing_key SET encrypted_pkcs8 = $2 WHERE id = $1', [
    sealId,
    Buffer.from(previousKekEncryption(decryptWithKek(sealRow.encrypted_pkcs8, kek), testKek)),
  ]);
  const personalRow = (
    await q.query<{ encrypted_pkcs8: Buffer }>('SELECT encrypted_pkcs8 FROM signing_key WHERE id = $1', [personal.id])
  ).rows[0]!;
  const spki = readCertificate(Buffer.from(personal.certificate, 'base64')).spki;
  const personalKey = await decryptWithPin(personalRow.encrypted_pkcs8, kek, personal.id, testPin, spki);
  await q.query('UPDATE signing_key SET encrypted_pkcs8 = $2 WHERE id = $1', [
    personal.id,
    Buffer.from(previousPinEncryption(personalKey!, testKek, personal.id, testPin)),
  ]);
  await q.query('DELETE FROM kek');

  await t.rejects(
    startTestSigning(schema, { LIENTHONG_SIGNING_KEK: 'another-kek-of-at-least-32-characters!!' }),
    /LIENTHONG_SIGNING_KEK is not the passphrase the keys of this database were stored under/,
    'a wrong passphrase at the first start of this release is refused…',
  );
  t.equal((await q.query('SELECT 1 FROM kek')).rowCount, 0, '…before any salt is stored for it');
  const upgraded = await startTestSigning(schema);
  t.teardown(() => upgraded.close());
  await first.close();
  t.ok(
    upgraded.lines.some((l) => l.includes('5 key(s) of the previous release re-encrypted')),
    'the start says so',
  );
  const rows = async () => {
    const ca = await upgraded.pool.query<{ encrypted_pkcs8: Buffer }>('SELECT encrypted_pkcs8 FROM private_key');
    const keys = await upgraded.pool.query<{ id: string; encrypted_pkcs8: Buffer }>(
      'SELECT id, encrypted_pkcs8 FROM signing_key',
    );
    return {
      ca: ca.rows.map((r) => pbes2IterationsOf(r.encrypted_pkcs8)),
      seal: pbes2IterationsOf(keys.rows.find((r) => r.id === sealId)!.encrypted_pkcs8),
      personal: pbes2IterationsOf(keys.rows.find((r) => r.id === personal.id)!.encrypted_pkcs8),
    };
  };
  t.same(
    await rows(),
    { ca: [600_000, 600_000, 600_000, 600_000], seal: 600_000, personal: 2_048 },
    'KEK-held keys re-encrypted at start; the personal key waits for its PIN',
  );

  const { app } = upgraded;
  const sealed = await app.inject({
    method: 'POST',
    url: `/v1/keys/${sealId}/signatures`,
    headers: registry,
    payload: { digest: digest.toString('base64'), level: 'B-T' },
  });
  t.equal(sealed.statusCode, 201, `the seal signs, time-stamped by the TSA: ${sealed.body.slice(0, 200)}`);
  const signed = await app.inject({
    method: 'POST',
    url: `/v1/keys/${personal.id}/signatures`,
    headers: authHeader({ ...nhung, roles: ['signer'] }),
    payload: { pin: testPin, digest: digest.toString('base64') },
  });
  t.equal(signed.statusCode, 201, 'the personal key signs with its PIN');
  t.equal((await rows()).personal, 600_000, "and is now stored in this release's form, under the same PIN");
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/keys/${personal.id}/signatures`,
        headers: authHeader({ ...nhung, roles: ['signer'] }),
        payload: { pin: testPin, digest: digest.toString('base64') },
      })
    ).statusCode,
    201,
    'which opens it again',
  );
  t.equal(await ocspStatus(app, Buffer.from(personal.certificate, 'base64')), 'good', 'the OCSP responder answers');
  t.equal((await app.inject({ method: 'GET', url: '/v1/ca/crl' })).statusCode, 200, 'the issuing CA issues its CRL');
});

void t.test('a wrong KEK passphrase stops the start with one clear line', async (t) => {
  await t.rejects(
    startTestSigning(schema, { LIENTHONG_SIGNING_KEK: 'another-kek-of-at-least-32-characters!!' }),
    /LIENTHONG_SIGNING_KEK is not the passphrase the keys of this database were stored under/,
  );
});
