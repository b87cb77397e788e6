// Keys in a PKCS#11 token, with SoftHSM2 in a temp folder: keys generated on the token
// (never extractable), certified by a test CA from their SubjectPublicKeyInfo, CAdES
// signatures judged by openssl cms, pyHanko and libs/pki verifyCms, and the token's refusals
// (wrong PIN, unknown key or token) as stable codes.
import t from 'tap';
import type { Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caProfile,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  keySigner,
  officeSealProfile,
  personProfile,
  signCades,
  toPem,
  verifyCms,
  type Certificate,
  type SigningAlgorithm,
} from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import {
  hasTool,
  opensslCmsVerify,
  pyhankoValidateDetached,
  skipUnless,
  softhsmModule,
  toolPath,
} from '../../../test/support/judges.ts';
import { pkcs11js, openTokenSession, type TokenSession } from '../src/token/pkcs11-token.ts';
import { findTokenKey, generateTokenKeyPair, tokenPublicKey } from '../src/token/pkcs11-keys.ts';
import { pkcs11Signer } from '../src/token/pkcs11-signer.ts';
import { toTokenError, type tokenErrors } from '../src/token/pkcs11-errors.ts';

const MODULE = softhsmModule();
const TOKEN = 'lienthong-test';
const PIN = '246810';
const SO_PIN = '13579111';
const NOW = new Date('2026-06-01T00:00:00Z');
const clock = fixedClock(NOW);

const skip =
  MODULE === undefined
    ? 'missing the SoftHSM2 module (/usr/lib/softhsm/libsofthsm2.so or LIENTHONG_TEST_SOFTHSM_MODULE; installed by infra/local up)'
    : skipUnless('softhsm2-util', 'openssl');

/** Asserts that `fn` throws (or rejects with) a token AppError of that code whose message does not hold the PIN. */
async function rejectsWith(t: Test, fn: () => unknown, code: keyof typeof tokenErrors, pin = PIN): Promise<void> {
  try {
    await fn();
    t.fail(`expected ${code}`);
  } catch (error) {
    t.ok(error instanceof AppError, 'an AppError');
    t.equal((error as AppError).code, code, (error as Error).message);
    t.notMatch(`${(error as Error).message} ${JSON.stringify(error)}`, pin, 'the PIN is not in the error');
  }
}

void t.test('a PIN lock or a PIN error from any token maps to its stable code', async (t) => {
  t.equal(
    toTokenError(new pkcs11js.Pkcs11Error('CKR_PIN_LOCKED:164', 164, 'C_Login'), 'C_Login').code,
    'SIGNING_TOKEN_PIN_LOCKED',
  );
  t.equal(
    toTokenError(new pkcs11js.Pkcs11Error('CKR_PIN_INCORRECT:160', 160, 'C_Login'), 'C_Login').code,
    'SIGNING_TOKEN_PIN_INCORRECT',
  );
  const other = toTokenError(new pkcs11js.Pkcs11Error('CKR_DEVICE_ERROR:48', 48, 'C_Sign'), 'sign');
  t.equal(other.code, 'SIGNING_TOKEN_FAILED');
  t.match(other.detail, /CKR_DEVICE_ERROR/);
});

void t.test('SoftHSM2 token', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    join(dir, 'softhsm2.conf'),
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  // SoftHSM reads its configuration file from this variable at C_Initialize.
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  const init = spawnSync(
    toolPath('softhsm2-util')!,
    ['--init-token', '--free', '--label', TOKEN, '--so-pin', SO_PIN, '--pin', PIN],
    { encoding: 'utf8' },
  );
  t.equal(init.status, 0, `softhsm2-util --init-token: ${init.stdout}${init.stderr}`);
  const options = { modulePath: MODULE!, tokenLabel: TOKEN, pin: PIN };

  // Before any session is logged in, so the token itself checks the PIN.
  await t.test('a wrong PIN is SIGNING_TOKEN_PIN_INCORRECT, without the PIN in the message', (t) =>
    rejectsWith(t, () => openTokenSession({ ...options, pin: '999999' }), 'SIGNING_TOKEN_PIN_INCORRECT', '999999'),
  );

  const session: TokenSession = openTokenSession(options);
  t.teardown(() => {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rootKeys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const root = await issueCertificate(
    caProfile({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Lienthong' },
        { type: 'CN', value: 'Lienthong Token Test Root' },
      ],
      publicKey: rootKeys.publicKey,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      validityDays: 3650,
    }),
    { signer: keySigner(rootKeys.privateKey) },
    { clock },
  );
  const rootPem = join(dir, 'root.pem');
  writeFileSync(rootPem, toPem('CERTIFICATE', root.der));

  const rsa = generateTokenKeyPair(session, { label: 'person-rsa', spec: { type: 'rsa', modulusLength: 2048 } });
  const ec = generateTokenKeyPair(session, { label: 'seal-p256', spec: { type: 'ec', namedCurve: 'P-256' } });
  const issue = (template: Parameters<typeof issueCertificate>[0]): Promise<Certificate> =>
    issueCertificate(template, { certificate: root, signer: keySigner(rootKeys.privateKey) }, { clock });
  const rsaCert = await issue(
    personProfile({
      name: 'Nguyễn Văn An',
      title: 'Chánh Văn phòng',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Hà Nam',
      publicKey: rsa.spki,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      validityDays: 730,
    }),
  );
  const ecCert = await issue(
    officeSealProfile({
      organisation: 'Tỉnh ủy Hà Nam',
      office: 'Văn phòng Tỉnh ủy Hà Nam',
      publicKey: ec.spki,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      validityDays: 730,
    }),
  );

  void t.test('the generated keys live on the token: sensitive, never extractable', async (t) => {
    for (const ref of [{ keyLabel: 'person-rsa' }, { keyId: ec.id }]) {
      const key = findTokenKey(session, ref);
      t.equal(key.sensitive, true, 'CKA_SENSITIVE');
      t.equal(key.extractable, false, 'CKA_EXTRACTABLE');
    }
    t.equal(findTokenKey(session, { keyLabel: 'person-rsa' }).keyType, 'rsa');
    t.equal(findTokenKey(session, { keyLabel: 'seal-p256' }).keyType, 'ec');
    const key = findTokenKey(session, { keyLabel: 'person-rsa' });
    t.throws(
      () => session.module.C_GetAttributeValue(session.handle, key.handle, [{ type: pkcs11js.CKA_PRIVATE_EXPONENT }]),
      /CKR_ATTRIBUTE_SENSITIVE/,
      'the token refuses to reveal the private exponent',
    );
    t.same(
      Buffer.from(tokenPublicKey(session, { keyLabel: 'seal-p256' })),
      Buffer.from(ec.spki),
      'the public key reads back the same',
    );
    t.same(Buffer.from(rsaCert.spki), Buffer.from(rsa.spki), 'the certificate carries the token key');
    if (hasTool('pkcs11-tool')) {
      const list = spawnSync(
        toolPath('pkcs11-tool')!,
        ['--module', MODULE!, '--token-label', TOKEN, '--login', '--pin', PIN, '--list-objects', '--type', 'privkey'],
        { encoding: 'utf8', env: process.env },
      );
      t.equal(list.status, 0, list.stderr);
      t.equal(
        list.stdout.match(/never extractable/g)?.length,
        2,
        `pkcs11-tool sees both keys as never extractable:\n${list.stdout}`,
      );
    }
  });

  // pyHanko (about a second a run) judges one algorithm of each family.
  const cases: { algorithm: SigningAlgorithm; label: string; certificate: Certificate; pyhanko?: boolean }[] = [
    { algorithm: 'RSA-SHA256', label: 'person-rsa', certificate: rsaCert, pyhanko: true },
    { algorithm: 'RSA-SHA384', label: 'person-rsa', certificate: rsaCert },
    { algorithm: 'RSA-SHA512', label: 'person-rsa', certificate: rsaCert },
    { algorithm: 'RSA-PSS-SHA256', label: 'person-rsa', certificate: rsaCert, pyhanko: true },
    { algorithm: 'RSA-PSS-SHA384', label: 'person-rsa', certificate: rsaCert },
    { algorithm: 'ECDSA-SHA256', label: 'seal-p256', certificate: ecCert, pyhanko: true },
    { algorithm: 'ECDSA-SHA384', label: 'seal-p256', certificate: ecCert },
  ];
  for (const c of cases) {
    void t.test(`CAdES B-B signed on the token with ${c.algorithm} verifies with openssl and verifyCms`, async (t) => {
      const content = Buffer.from(`Công văn số 12/CV-VPTU, ${c.algorithm}`, 'utf8');
      const cms = await signCades(content, pkcs11Signer(session, { keyLabel: c.label, algorithm: c.algorithm }), {
        certificate: c.certificate,
        chain: [root],
      });
      const report = verifyCms(cms, { detachedContent: content, trustAnchors: [root], revocation: 'none', time: NOW });
      t.equal(report.indication, 'TOTAL_PASSED', report.message);
      t.equal(report.integrity, true);
      const ossl = await opensslCmsVerify(cms, content, { trust: rootPem, attime: NOW });
      t.ok(ossl.ok, ossl.output);
      t.match(ossl.output, /Verification successful/);
      const bad = await opensslCmsVerify(cms, Buffer.concat([content, Buffer.from('!')]), {
        trust: rootPem,
        attime: NOW,
      });
      t.notOk(bad.ok, 'changed content fails');
      if (c.pyhanko === true && hasTool('pyhanko')) {
        const sig = join(dir, `${c.algorithm}.p7s`);
        const data = join(dir, `${c.algorithm}.txt`);
        writeFileSync(sig, cms);
        writeFileSync(data, content);
        const judged = await pyhankoValidateDetached(data, sig, { trust: rootPem, validationTime: NOW });
        t.match(judged, { ok: true, intact: true, trusted: true }, `pyHanko: ${judged.output}`);
      }
    });
  }

  void t.test('a key label that does not exist is SIGNING_TOKEN_KEY_NOT_FOUND', (t) =>
    rejectsWith(
      t,
      () => pkcs11Signer(session, { keyLabel: 'no-such-key', algorithm: 'RSA-SHA256' }),
      'SIGNING_TOKEN_KEY_NOT_FOUND',
    ),
  );
  void t.test('an EC key asked for an RSA signature is SIGNING_TOKEN_KEY_UNSUITABLE', (t) =>
    rejectsWith(
      t,
      () => pkcs11Signer(session, { keyLabel: 'seal-p256', algorithm: 'RSA-SHA256' }),
      'SIGNING_TOKEN_KEY_UNSUITABLE',
    ),
  );
  void t.test('a label already used is SIGNING_TOKEN_KEY_EXISTS', (t) =>
    rejectsWith(
      t,
      () => generateTokenKeyPair(session, { label: 'seal-p256', spec: { type: 'ec', namedCurve: 'P-256' } }),
      'SIGNING_TOKEN_KEY_EXISTS',
    ),
  );
  void t.test('a token label that no slot has is SIGNING_TOKEN_NOT_FOUND', (t) =>
    rejectsWith(t, () => openTokenSession({ ...options, tokenLabel: 'no-such-token' }), 'SIGNING_TOKEN_NOT_FOUND'),
  );
  void t.test('a module that does not load is SIGNING_TOKEN_MODULE_UNAVAILABLE', (t) =>
    rejectsWith(
      t,
      () => openTokenSession({ ...options, modulePath: join(dir, 'missing.so') }),
      'SIGNING_TOKEN_MODULE_UNAVAILABLE',
    ),
  );
  void t.test('a wrong PIN while the token is logged in is still SIGNING_TOKEN_PIN_INCORRECT', (t) =>
    rejectsWith(t, () => openTokenSession({ ...options, pin: '135790' }), 'SIGNING_TOKEN_PIN_INCORRECT', '135790'),
  );

  void t.test('a second session shares the module and its login; close is idempotent', async (t) => {
    const second = openTokenSession(options);
    const signer = pkcs11Signer(second, { keyLabel: 'seal-p256', algorithm: 'ECDSA-SHA256' });
    t.ok((await signer.sign(Buffer.from('x'))).length > 8);
    second.close();
    second.close();
    t.equal(findTokenKey(session, { keyLabel: 'seal-p256' }).label, 'seal-p256', 'the first session still works');
  });

  void t.test('closing the last session finalises the module; it initialises again', async (t) => {
    session.close();
    const again = openTokenSession(options);
    t.equal(findTokenKey(again, { keyLabel: 'person-rsa' }).label, 'person-rsa');
    const signer = pkcs11Signer(again, { keyLabel: 'person-rsa', algorithm: 'RSA-SHA256' });
    t.equal((await signer.sign(Buffer.from('x'))).length, 256);
    again.close();
  });
});
