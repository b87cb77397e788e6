/**
 * `lienthong token list` and `token csr` on a SoftHSM2 token in a temp folder (a stand-in
 * for a VGCA USB token: both are PKCS#11 modules): key pairs generated on the token, their
 * requests read back by libs/pki (proof of possession) and by openssl; the objects listed
 * without secrets; a wrong PIN (exit 1), an unknown key, a file that is not a PKCS#11
 * module, a missing PIN, a taken label (exit 2). The PIN never appears in any output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readCertificationRequest, toDer } from '@lienthong/pki';
import { skipUnless, softhsmModule } from '../../../test/support/judges.ts';
import { createSoftHsmToken } from '../../../test/support/softhsm.ts';
import { tokenFailure } from '../src/token/pkcs11-module.ts';
import { asTokenUser } from '../src/token/token-options.ts';
import { lienthongWithInput as runWith, type CliRun } from './helpers/cli.ts';

const MODULE = softhsmModule();
const skip = MODULE === undefined ? 'missing the SoftHSM2 module' : skipUnless('softhsm2-util', 'openssl');

void t.test("any token's CKR_ values map to stable codes; its refusals are exit 1", async (t) => {
  const cases: [string, string][] = [
    ['CKR_PIN_INCORRECT:160', 'TOKEN_PIN_INCORRECT'],
    ['CKR_PIN_LOCKED:164', 'TOKEN_PIN_LOCKED'],
    ['CKR_TOKEN_NOT_PRESENT:224', 'TOKEN_NOT_FOUND'],
    ['CKR_MECHANISM_INVALID:112', 'TOKEN_KEY_UNSUITABLE'],
    ['CKR_DEVICE_ERROR:48', 'TOKEN_FAILED'],
  ];
  for (const [message, code] of cases) {
    const error = tokenFailure(new Error(message), 'C_Login');
    t.equal(error.code, code, message);
    t.equal(error.detail, `C_Login: ${message.split(':')[0]!}.`);
  }
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), cwd: '.', env: {} };
  const locked = await asTokenUser(io, false, () =>
    Promise.reject(tokenFailure(new Error('CKR_PIN_LOCKED:164'), 'C_Login')),
  );
  t.equal(locked, 1, 'a locked PIN is exit 1');
  t.same(out, ['lienthong: TOKEN_PIN_LOCKED: C_Login: CKR_PIN_LOCKED.\n']);
  await t.rejects(
    asTokenUser(io, false, () => Promise.reject(tokenFailure(new Error('CKR_TOKEN_NOT_PRESENT:224'), 'x'))),
    { code: 'TOKEN_NOT_FOUND' },
    'an unusable token stays an error (exit 2)',
  );
});

void t.test('SoftHSM2 token', { skip }, async (t) => {
  const token = createSoftHsmToken(MODULE!, 'chu-ky-so', '24681012');
  t.teardown(() => token.remove());
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-token-device-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SOFTHSM2_CONF: process.env.SOFTHSM2_CONF!, TOKEN_PIN: token.pin };
  const runs: CliRun[] = [];
  const lienthong = async (args: readonly string[], stdin?: string, extraEnv: Record<string, string> = {}) => {
    const r = await runWith(dir, args, { ...env, ...extraEnv }, stdin);
    runs.push(r);
    return r;
  };
  const mod = ['--token-module', MODULE!];

  await t.test('token csr --generate: pairs made on the token, requests that prove possession', async (t) => {
    const ec = await lienthong([
      'token',
      'csr',
      ...mod,
      '--key-label',
      'an-p256',
      '--generate',
      'p-256',
      '--pin-env',
      'TOKEN_PIN',
      '-o',
      'an.der',
      '--subject',
      'CN=Nguyễn Văn An, O=Tỉnh ủy Cà Mau',
    ]);
    t.equal(ec.code, 0, ec.stderr);
    t.match(
      ec.stdout,
      /^an\.der: certification request of key 'an-p256' \(id [0-9a-f]{32}, p-256\) on token 'chu-ky-so', generated there; then: lienthong key request --csr an\.der\n$/,
    );
    const request = readCertificationRequest(readFileSync(join(dir, 'an.der')));
    t.same(request.key, { type: 'ec', curve: 'P-256' });
    t.equal(request.signatureScheme.key, 'ecdsa');

    const rsa = await lienthong(
      [
        'token',
        'csr',
        ...mod,
        '--key-label',
        'an-rsa',
        '--generate',
        'rsa-2048',
        '--pin-stdin',
        '-o',
        'rsa.pem',
        '--pem',
        '--json',
      ],
      `${token.pin}\n`,
    );
    t.equal(rsa.code, 0, rsa.stderr);
    t.match(JSON.parse(rsa.stdout), {
      file: 'rsa.pem',
      token: 'chu-ky-so',
      keyLabel: 'an-rsa',
      keyType: 'rsa',
      generated: true,
    });
    const pem = readFileSync(join(dir, 'rsa.pem'));
    t.same(readCertificationRequest(toDer(pem, 'CERTIFICATE REQUEST')).key, { type: 'rsa', bits: 2048 });

    const again = await lienthong([
      'token',
      'csr',
      ...mod,
      '--key-label',
      'an-p256',
      '--pin-env',
      'TOKEN_PIN',
      '-o',
      'again.der',
    ]);
    t.equal(again.code, 0, 'a request again for the key already on the token, by label');
    const listed = await lienthong(['token', 'list', ...mod, '--pin-env', 'TOKEN_PIN', '--json']);
    const byId = JSON.parse(listed.stdout) as { objects: { class: string; label: string; id: string }[] };
    const id = byId.objects.find((o) => o.class === 'private-key' && o.label === 'an-p256')!.id;
    const viaId = await lienthong([
      'token',
      'csr',
      ...mod,
      '--key-id',
      id,
      '--pin-env',
      'TOKEN_PIN',
      '-o',
      'by-id.der',
    ]);
    t.equal(viaId.code, 0, viaId.stderr);
    t.ok(
      Buffer.from(readCertificationRequest(readFileSync(join(dir, 'by-id.der'))).spki).equals(
        Buffer.from(request.spki),
      ),
      'the same key by its CKA_ID',
    );
  });

  await t.test('token list: slots, and with the PIN the key objects, no secret', async (t) => {
    const plain = await lienthong(['token', 'list', ...mod]);
    t.equal(plain.code, 0, plain.stderr);
    t.match(plain.stdout, /^slot \d+ {2}'chu-ky-so' {2}SoftHSM/m);
    t.match(plain.stdout, /give the PIN/);
    const listed = await lienthong([
      'token',
      'list',
      ...mod,
      '--token-label',
      'chu-ky-so',
      '--pin-env',
      'TOKEN_PIN',
      '--json',
    ]);
    t.equal(listed.code, 0, listed.stderr);
    const { slots, objects } = JSON.parse(listed.stdout) as {
      slots: { id: string; token: { label: string } | null }[];
      objects: { class: string; label: string; keyType: string }[];
    };
    t.ok(slots.some((s) => s.token?.label === 'chu-ky-so'));
    t.same(objects.map((o) => `${o.class} ${o.label} ${o.keyType}`).sort(), [
      'private-key an-p256 ec',
      'private-key an-rsa rsa',
      'public-key an-p256 ec',
      'public-key an-rsa rsa',
    ]);
    const slot = slots.find((s) => s.token?.label === 'chu-ky-so')!.id;
    const bySlot = await lienthong(['token', 'list', ...mod, '--token-slot', slot, '--pin-env', 'TOKEN_PIN']);
    t.match(bySlot.stdout, /private-key {2}id [0-9a-f]{32} {2}'an-rsa' {2}rsa/);
  });

  await t.test('refusals: a wrong PIN exit 1; unusable input exit 2, nothing made', async (t) => {
    writeFileSync(join(dir, 'not-a-module.so'), 'không phải thư viện PKCS#11\n');
    const wrong = await lienthong(
      ['token', 'csr', ...mod, '--key-label', 'an-p256', '--pin-env', 'WRONG', '-o', 'w.der'],
      undefined,
      { WRONG: '99999999' },
    );
    t.equal(wrong.code, 1, wrong.stderr);
    t.match(wrong.stderr, /^lienthong: TOKEN_PIN_INCORRECT: log in to token 'chu-ky-so': CKR_PIN_INCORRECT\.\n$/);
    t.notMatch(wrong.stderr, /99999999/);
    const cases: [string[], RegExp, string?][] = [
      [
        ['--key-label', 'khong-co', '--pin-env', 'TOKEN_PIN'],
        /TOKEN_KEY_NOT_FOUND: no private key with label 'khong-co'/,
      ],
      [['--key-label', 'an-p256', '--generate', 'p-256', '--pin-env', 'TOKEN_PIN'], /TOKEN_KEY_EXISTS: .*'an-p256'/],
      [['--key-label', 'x', '--generate', 'dsa-1024', '--pin-env', 'TOKEN_PIN'], /USAGE: .*--generate must be one of/],
      [
        ['--key-label', 'an-p256'],
        /USAGE: token csr: the token's PIN is needed: --pin-env VAR .* or --pin-stdin; never on the command line/,
      ],
      [
        ['--key-label', 'an-p256', '--pin-env', 'UNSET'],
        /PASSPHRASE_MISSING: --pin-env: the environment variable UNSET is unset/,
      ],
      [['--key-label', 'an-p256', '--pin-stdin'], /USAGE: .*standard input holds no PIN/, ''],
      [['--key-id', 'zz', '--pin-env', 'TOKEN_PIN'], /USAGE: .*--key-id must be/],
      [['--pin-env', 'TOKEN_PIN'], /USAGE: .*--key-label LABEL or --key-id HEX/],
      [
        ['--key-label', 'an-p256', '--pin-env', 'TOKEN_PIN', '--token-label', 'khac'],
        /TOKEN_NOT_FOUND: no token labelled 'khac'/,
      ],
      [
        ['--key-label', 'an-p256', '--pin-env', 'TOKEN_PIN', '--token-slot', '1', '--token-label', 'chu-ky-so'],
        /USAGE: .*not both/,
      ],
    ];
    for (const [args, message, stdin] of cases) {
      const r = await lienthong(['token', 'csr', ...mod, ...args, '-o', 'bad.der'], stdin);
      t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      t.match(r.stderr, message, args.join(' '));
    }
    const notModule = await lienthong([
      'token',
      'csr',
      '--token-module',
      'not-a-module.so',
      '--key-label',
      'an-p256',
      '--pin-env',
      'TOKEN_PIN',
      '-o',
      'bad.der',
    ]);
    t.equal(notModule.code, 2);
    t.match(notModule.stderr, /^lienthong: TOKEN_MODULE_UNAVAILABLE: --token-module not-a-module\.so: /);
    const missing = await lienthong(['token', 'list', '--token-module', join(dir, 'missing.so')]);
    t.equal(missing.code, 2);
    t.match(missing.stderr, /TOKEN_MODULE_UNAVAILABLE/);
    const noModule = await lienthong(['token', 'list']);
    t.equal(noModule.code, 2);
    t.match(noModule.stderr, /USAGE: token list: --token-module is required/);
    t.throws(() => readFileSync(join(dir, 'bad.der')), 'no request written');
    const listed = JSON.parse(
      (await lienthong(['token', 'list', ...mod, '--pin-env', 'TOKEN_PIN', '--json'])).stdout,
    ) as {
      objects: unknown[];
    };
    t.equal(listed.objects.length, 4, 'no key generated by a refused command');
  });

  await t.test('the PIN is never printed', async (t) => {
    for (const r of runs) t.notOk(`${r.stdout}${r.stderr}`.includes(token.pin));
  });
});
