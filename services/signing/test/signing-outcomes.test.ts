/**
 * The signing log records outcomes, not intentions: a signature is logged once made (with the
 * SHA-256 of its value) or failed (with the error code); a certificate issued for a key that
 * the database then refuses to store is revoked in the same transaction (cessationOfOperation),
 * so OCSP answers "revoked" for it, never "unknown". The failures here are real: a CHECK
 * constraint the test adds to its own schema, a key label the token does not hold.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { readSignedData } from '@lienthong/pki';
import { authHeader } from '../../../test/support/auth.ts';
import { skipUnless, softhsmModule } from '../../../test/support/judges.ts';
import { createSoftHsmToken } from '../../../test/support/softhsm.ts';
import { findTokenKey } from '../src/token/pkcs11-keys.ts';
import { openTokenSession } from '../src/token/pkcs11-token.ts';
import { enrolKey, raAdminOf, requestKey, testPin, type TestSigner } from './enrolment.ts';
import { ocspStatus as ocspStatusOf } from './ocsp-status.ts';
import { dropTestSchemas, signingForFile, startTestSigning } from './support.ts';

const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const digest = createHash('sha256').update('Thông báo số 88-TB/TU').digest().toString('base64');
type LogRow = { action: string; outcome: string | null; detail: string | null; digest: string | null };

const { app, pool } = await signingForFile(t);

const logOf = async (keyId: string): Promise<LogRow[]> =>
  (
    await pool.query<LogRow>('SELECT action, outcome, detail, digest FROM signing_log WHERE key_id = $1 ORDER BY id', [
      keyId,
    ])
  ).rows;

const ocspStatus = (certificate: Uint8Array) => ocspStatusOf(app, certificate);

void t.test('a signature is logged once made, with the SHA-256 of its value', async (t) => {
  const nhung: TestSigner = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
  const key = await enrolKey<{ id: string }>(app, nhung, { pin: testPin });
  const res = await app.inject({
    method: 'POST',
    url: `/v1/keys/${key.id}/signatures`,
    headers: authHeader({ ...nhung, roles: ['signer'] }),
    payload: { pin: testPin, digest },
  });
  t.equal(res.statusCode, 201, res.body);
  const rows = await logOf(key.id);
  t.same(
    rows.map((r) => r.action),
    ['request', 'approve', 'pin-accepted', 'sign'],
  );
  const signed = rows.at(-1)!;
  t.equal(signed.digest, Buffer.from(digest, 'base64').toString('hex'), 'what was signed');
  t.match(signed.outcome, /^sha256:[0-9a-f]{64}$/, 'what was produced');
  const cms = readSignedData(Buffer.from(res.json<{ signature: string }>().signature, 'base64'));
  const value = cms.signerInfos[0]!.signature;
  t.equal(
    signed.outcome,
    `sha256:${createHash('sha256').update(value).digest('hex')}`,
    'of the signature value answered',
  );
});

void t.test('a seal whose key the database refuses to store: its certificate is revoked, OCSP says so', async (t) => {
  await pool.query("ALTER TABLE signing_key ADD CONSTRAINT test_refuse_seals CHECK (purpose <> 'seal') NOT VALID");
  t.teardown(() => pool.query('ALTER TABLE signing_key DROP CONSTRAINT IF EXISTS test_refuse_seals'));
  const res = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  t.equal(res.statusCode, 500, res.body);
  const { rows: certs } = await pool.query<{ der: Buffer; revoked_at: Date | null; revocation_reason: number }>(
    "SELECT der, revoked_at, revocation_reason FROM certificate WHERE role = 'seal'",
  );
  t.equal(certs.length, 1, 'the certificate the CA signed is on record');
  t.ok(certs[0]!.revoked_at, 'revoked');
  t.equal(certs[0]!.revocation_reason, 5, 'cessationOfOperation');
  t.equal((await pool.query("SELECT 1 FROM signing_key WHERE purpose = 'seal'")).rowCount, 0, 'no key stored');
  const { rows: log } = await pool.query<LogRow>(
    "SELECT action, outcome, detail, digest FROM signing_log WHERE action LIKE 'enrol%'",
  );
  t.same(
    log.map((r) => [r.action, r.outcome]),
    [['enrol-failed', '23514']],
    'the failure is logged with its code (check_violation)',
  );
  t.match(log[0]!.detail, /revoked \(cessationOfOperation\)/);
  t.equal(await ocspStatus(new Uint8Array(certs[0]!.der)), 'revoked', 'OCSP: revoked, not unknown');
  const crl = await app.inject({ method: 'GET', url: '/v1/ca/crl' });
  t.equal(crl.statusCode, 200);

  await pool.query('ALTER TABLE signing_key DROP CONSTRAINT test_refuse_seals');
  const again = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  t.equal(again.statusCode, 201, 'once the database accepts it, a seal is issued');
  const issued = await pool.query<{ der: Buffer }>('SELECT der FROM certificate WHERE id = $1', [
    again.json<{ id: string }>().id,
  ]);
  t.equal(await ocspStatus(new Uint8Array(issued.rows[0]!.der)), 'good');
});

void t.test(
  'an approval whose key the database refuses: the certificate is revoked, the request stays pending',
  async (t) => {
    const hung: TestSigner = { subject: 'person:hung', office: 'VPTU-CM', name: 'Trần Văn Hùng' };
    const request = await requestKey(app, hung, { pin: testPin });
    await pool.query(
      "ALTER TABLE signing_key ADD CONSTRAINT test_refuse_hung CHECK (owner <> 'person:hung') NOT VALID",
    );
    t.teardown(() => pool.query('ALTER TABLE signing_key DROP CONSTRAINT IF EXISTS test_refuse_hung'));
    const approve = () =>
      app.inject({ method: 'POST', url: `/v1/key-requests/${request.id}/approval`, headers: raAdminOf('VPTU-CM') });
    t.equal((await approve()).statusCode, 500);
    const { rows } = await pool.query<{ der: Buffer; revocation_reason: number | null }>(
      "SELECT der, revocation_reason FROM certificate WHERE role = 'person' AND subject LIKE '%Trần Văn Hùng%'",
    );
    t.equal(rows.length, 1);
    t.equal(rows[0]!.revocation_reason, 5);
    t.equal(await ocspStatus(new Uint8Array(rows[0]!.der)), 'revoked');
    t.same(
      (await logOf(request.id)).map((r) => [r.action, r.outcome]),
      [
        ['request', null],
        ['approve-failed', '23514'],
      ],
    );
    const state = await pool.query<{ state: string }>('SELECT state FROM key_request WHERE id = $1', [request.id]);
    t.equal(state.rows[0]!.state, 'pending', 'the request may be approved again');
    await pool.query('ALTER TABLE signing_key DROP CONSTRAINT test_refuse_hung');
    t.equal((await approve()).statusCode, 201, 'and is, once the database accepts the key');
  },
);

const module = softhsmModule();
const skip = module === undefined ? 'missing the SoftHSM2 module' : skipUnless('softhsm2-util');

void t.test(
  'a token seal whose row is refused leaves no key in the token; a signature the token cannot make is logged as failed',
  { skip },
  async (t) => {
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
    // First a seal whose row the database refuses: its certificate is revoked and its pair leaves the token.
    await signing.pool.query(
      "ALTER TABLE signing_key ADD CONSTRAINT test_refuse_seals CHECK (purpose <> 'seal') NOT VALID",
    );
    const refused = await signing.app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: admin,
      payload: { storage: 'pkcs11' },
    });
    t.equal(refused.statusCode, 500);
    await signing.pool.query('ALTER TABLE signing_key DROP CONSTRAINT test_refuse_seals');
    const failed = await signing.pool.query<{ key_id: string; outcome: string }>(
      "SELECT key_id, outcome FROM signing_log WHERE action = 'enrol-failed'",
    );
    t.equal(failed.rows[0]?.outcome, '23514');
    const session = openTokenSession(token);
    t.teardown(() => session.close());
    t.throws(
      () => findTokenKey(session, { keyLabel: `lienthong-seal-${failed.rows[0]!.key_id}` }),
      { code: 'SIGNING_TOKEN_KEY_NOT_FOUND' },
      'the pair made for it is destroyed',
    );
    const revoked = await signing.pool.query<{ revocation_reason: number }>(
      "SELECT revocation_reason FROM certificate WHERE role = 'seal'",
    );
    t.same(
      revoked.rows.map((r) => r.revocation_reason),
      [5],
      'and its certificate revoked',
    );

    const seal = await signing.app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: admin,
      payload: { storage: 'pkcs11' },
    });
    t.equal(seal.statusCode, 201, seal.body);
    const { keyId } = seal.json<{ keyId: string }>();
    // The row now names a key the token does not hold (as after the token was re-initialised).
    await signing.pool.query("UPDATE signing_key SET token_key_label = 'lienthong-seal-gone' WHERE id = $1", [keyId]);
    const res = await signing.app.inject({
      method: 'POST',
      url: `/v1/keys/${keyId}/signatures`,
      headers: registry,
      payload: { digest },
    });
    t.equal(res.statusCode, 404, res.body);
    const { rows } = await signing.pool.query<LogRow>(
      "SELECT action, outcome, detail, digest FROM signing_log WHERE key_id = $1 AND action LIKE 'sign%' ORDER BY id",
      [keyId],
    );
    t.same(
      rows.map((r) => [r.action, r.outcome]),
      [['sign-failed', 'SIGNING_TOKEN_KEY_NOT_FOUND']],
      'no "sign" line: nothing was signed',
    );
  },
);
