/**
 * The USB-token path end to end, on a SoftHSM2 token in a temp folder, against a running
 * intake app that calls a REAL signing app (services/intake/test/issue-support.ts):
 * `token csr --generate p-256` → `key request --csr` → approval by the office's CA
 * administrator → the certificate and its CA written onto the token → a submitted document
 * signed with `doc sign ID --token-module …` (the certificate read from the token) and issued
 * by the registry. A second key (RSA) whose certificate the token does not hold signs with
 * `--certificate FILE`. Refusals: a wrong PIN (exit 1, nothing signed), an unknown key, a
 * file that is not a PKCS#11 module, no PIN, a certificate of another key (exit 2). The PIN
 * never appears in any output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readCertificate, toPem } from '@lienthong/pki';
import type * as Pkcs11Js from 'pkcs11js';
import { testToken } from '../../../test/support/auth.ts';
import { skipUnless, softhsmModule } from '../../../test/support/judges.ts';
import { createSoftHsmToken } from '../../../test/support/softhsm.ts';
import { callers, issueWorld, submitDocument } from '../../../services/intake/test/issue-support.ts';
import { lienthongWithInput, type CliRun } from './helpers/cli.ts';

const MODULE = softhsmModule();
const skip = MODULE === undefined ? 'missing the SoftHSM2 module' : skipUnless('softhsm2-util');
const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Js;

/** Writes X.509 certificates onto the token, as a token vendor's tool loads them (CKO_CERTIFICATE, CKA_ID of the key). */
function putCertificates(tokenLabel: string, pin: string, certificates: { der: Buffer; label: string; id: Buffer }[]) {
  const module = new pkcs11js.PKCS11();
  module.load(MODULE!);
  module.C_Initialize();
  try {
    const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trimEnd() === tokenLabel)!;
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    module.C_Login(session, pkcs11js.CKU_USER, pin);
    for (const c of certificates) {
      const certificate = readCertificate(c.der);
      module.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: c.label },
        { type: pkcs11js.CKA_ID, value: c.id },
        { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(certificate.subject.der) },
        { type: pkcs11js.CKA_VALUE, value: c.der },
      ]);
    }
    module.C_CloseSession(session);
  } finally {
    module.C_Finalize();
    module.close();
  }
}

void t.test('a document signed on the USB token', { skip }, async (t) => {
  const world = await issueWorld(t);
  const intakeUrl = await world.intake.app.listen({ host: '127.0.0.1', port: 0 });
  const token = createSoftHsmToken(MODULE!, 'vgca-an', '24681012');
  t.teardown(() => token.remove());
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-doc-sign-token-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SOFTHSM2_CONF: process.env.SOFTHSM2_CONF!, TOKEN_PIN: token.pin };
  const runs: CliRun[] = [];
  const lienthong = async (args: readonly string[], extraEnv: Record<string, string> = {}, stdin?: string) => {
    const r = await lienthongWithInput(dir, args, { ...env, ...extraEnv }, stdin);
    runs.push(r);
    return r;
  };
  const configOf = (name: string, subject: string, roles: string[]) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        endpoints: { intake: intakeUrl, signing: world.signingUrl },
        token: testToken({ subject, office: 'VPTU-CM', roles }),
      }),
    );
    return path;
  };
  const signer = configOf('signer.json', 'person:bi-thu-cm', ['signer']);
  const registry = configOf('registry.json', 'person:van-thu-cm', ['registry']);
  const mod = ['--token-module', MODULE!];
  const stateOf = async (id: string) =>
    (await world.intake.pool.query<{ state: string }>('SELECT state FROM document WHERE id = $1', [id])).rows[0]?.state;

  /** token csr → key request → approval: the key's id on the token and its certificate and chain (DER). */
  async function certifiedKey(label: string, type: string) {
    const csr = await lienthong([
      'token',
      'csr',
      ...mod,
      '--key-label',
      label,
      '--generate',
      type,
      '--pin-env',
      'TOKEN_PIN',
      '-o',
      `${label}.der`,
      '--json',
    ]);
    t.equal(csr.code, 0, csr.stderr);
    const { keyId } = JSON.parse(csr.stdout) as { keyId: string };
    const filed = await lienthong(['key', 'request', '--csr', `${label}.der`, '--config', signer, '--json']);
    t.equal(filed.code, 0, filed.stderr);
    const request = JSON.parse(filed.stdout) as { id: string };
    const approved = await world.signing.app.inject({
      method: 'POST',
      url: `/v1/key-requests/${request.id}/approval`,
      headers: callers.admin,
    });
    t.equal(approved.statusCode, 201, approved.body);
    const key = approved.json<{ certificate: string; chain: string[] }>();
    return {
      id: Buffer.from(keyId, 'hex'),
      certificate: Buffer.from(key.certificate, 'base64'),
      chain: key.chain.map((c) => Buffer.from(c, 'base64')),
    };
  }

  const an = await certifiedKey('an-p256', 'p-256');
  putCertificates('vgca-an', token.pin, [
    { der: an.certificate, label: 'an-p256', id: an.id },
    ...an.chain.map((der, i) => ({ der, label: `ca-${i}`, id: Buffer.alloc(0) })),
  ]);

  await t.test('doc sign --token-module: certificate from the token, signed, then issued', async (t) => {
    const listed = await lienthong(['token', 'list', ...mod, '--pin-env', 'TOKEN_PIN']);
    t.match(listed.stdout, /certificate {2}id [0-9a-f]{32} {2}'an-p256' {2}.*CN=Nguyễn Văn An/);
    const id = await submitDocument(world);
    const signed = await lienthong([
      'doc',
      'sign',
      id,
      ...mod,
      '--key-label',
      'an-p256',
      '--pin-env',
      'TOKEN_PIN',
      '--config',
      signer,
    ]);
    t.equal(signed.code, 0, signed.stderr);
    t.equal(signed.stdout, `${id} signed\n`);
    t.equal(await stateOf(id), 'signed');
    const issued = await lienthong(['doc', 'issue', id, '--config', registry]);
    t.equal(issued.code, 0, issued.stderr);
    t.match(issued.stdout, new RegExp(`${id} issued`));
    t.equal(await stateOf(id), 'issued');
  });

  await t.test('an RSA key whose certificate is given with --certificate, the PIN on stdin', async (t) => {
    const rsa = await certifiedKey('an-rsa', 'rsa-2048');
    writeFileSync(
      join(dir, 'an-rsa.pem'),
      [rsa.certificate, ...rsa.chain].map((der) => toPem('CERTIFICATE', der)).join(''),
    );
    const id = await submitDocument(world);
    const missing = await lienthong([
      'doc',
      'sign',
      id,
      ...mod,
      '--key-label',
      'an-rsa',
      '--pin-env',
      'TOKEN_PIN',
      '--config',
      signer,
    ]);
    t.equal(missing.code, 2, 'no certificate of that key on the token');
    t.match(missing.stderr, /TOKEN_KEY_NOT_FOUND: no certificate of key 'an-rsa' .*--certificate FILE/);
    const other = await lienthong(
      [
        'doc',
        'sign',
        id,
        ...mod,
        '--key-label',
        'an-rsa',
        '--certificate',
        'an-rsa.pem',
        '--pin-stdin',
        '--json',
        '--config',
        signer,
      ],
      {},
      `${token.pin}\n`,
    );
    t.equal(other.code, 0, other.stderr);
    t.match(JSON.parse(other.stdout), { id, state: 'signed' });
    t.ok(readFileSync(join(dir, 'an-rsa.pem')).length > 0);
  });

  await t.test('refusals: nothing signed, the PIN never printed', async (t) => {
    const id = await submitDocument(world);
    const wrong = await lienthong(
      ['doc', 'sign', id, ...mod, '--key-label', 'an-p256', '--pin-env', 'WRONG', '--config', signer],
      { WRONG: '13572468' },
    );
    t.equal(wrong.code, 1, wrong.stderr);
    t.match(wrong.stderr, /^lienthong: TOKEN_PIN_INCORRECT: log in to token 'vgca-an': CKR_PIN_INCORRECT\.\n$/);
    t.notMatch(`${wrong.stdout}${wrong.stderr}`, /13572468/);
    const wrongJson = await lienthong(
      ['doc', 'sign', id, ...mod, '--key-label', 'an-p256', '--pin-env', 'WRONG', '--json', '--config', signer],
      { WRONG: '13572468' },
    );
    t.equal(wrongJson.code, 1);
    t.match(JSON.parse(wrongJson.stdout), { code: 'TOKEN_PIN_INCORRECT' });
    writeFileSync(join(dir, 'libfake.so'), 'ELF? không\n');
    const cases: [string[], RegExp][] = [
      [
        [...mod, '--key-label', 'khong-co', '--pin-env', 'TOKEN_PIN'],
        /TOKEN_KEY_NOT_FOUND: no private key with label 'khong-co'/,
      ],
      [
        ['--token-module', 'libfake.so', '--key-label', 'an-p256', '--pin-env', 'TOKEN_PIN'],
        /TOKEN_MODULE_UNAVAILABLE: --token-module libfake\.so: /,
      ],
      [
        [...mod, '--key-label', 'an-p256'],
        /USAGE: doc sign: the token's PIN is needed: --pin-env VAR .* never on the command line/,
      ],
      [[...mod, '--key-label', 'an-p256', '--pin-stdin'], /USAGE: doc sign: --pin-stdin: standard input holds no PIN/],
      [[...mod, '--pin-env', 'TOKEN_PIN'], /USAGE: doc sign: name the key with --key-label LABEL or --key-id HEX/],
      [[...mod, '--key-label', 'an-p256', '--pin', '1234'], /USAGE: doc sign: give one of --pin, --token-module/],
      [['--key-label', 'an-p256', '--pin-env', 'TOKEN_PIN'], /USAGE: doc sign: --key-label goes with --token-module/],
      [
        [...mod, '--key-label', 'an-p256', '--pin-env', 'TOKEN_PIN', '-o', 'x.json'],
        /USAGE: doc sign: --output does not go with --token-module/,
      ],
      [
        [...mod, '--key-label', 'an-p256', '--certificate', 'an-rsa.pem', '--pin-env', 'TOKEN_PIN'],
        /KEY_MISMATCH: an-rsa\.pem does not hold the public key of 'an-p256'/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await lienthong(['doc', 'sign', id, ...args, '--config', signer]);
      t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      t.match(r.stderr, message, args.join(' '));
    }
    t.equal(await stateOf(id), 'awaiting-signature', 'the document still awaits its signature');
    for (const r of runs) t.notOk(`${r.stdout}${r.stderr}`.includes(token.pin), 'no output holds the PIN');
  });
});
