// Unusable input gives exit 2 and one line on stderr that names the problem;
// it never produces a verdict and never writes a key.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { lienthong } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-bad-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const PASS = 'correct horse battery staple';
const made = lienthong(
  dir,
  [
    'pki',
    'ca',
    '--out',
    'root',
    '--name',
    'CN=Bad Input Root,C=VN',
    '--key-type',
    'p256',
    '--passphrase-env',
    'LT_KEY_PASS',
  ],
  { LT_KEY_PASS: PASS },
);
const rootPem = readFileSync(join(dir, 'root', 'cert.pem'), 'latin1');
const rootDer = Buffer.from(rootPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');

writeFileSync(join(dir, 'garbage.pem'), Buffer.from('this is not a certificate at all\n'));
writeFileSync(join(dir, 'garbage.der'), Buffer.from([0x30, 0x82, 0xff, 0xff, 0x01, 0x02, 0x03]));
writeFileSync(join(dir, 'truncated.der'), rootDer.subarray(0, rootDer.length - 40));
writeFileSync(join(dir, 'truncated.pem'), rootPem.slice(0, 300) + rootPem.slice(-26));
writeFileSync(join(dir, 'empty.pem'), '');
writeFileSync(join(dir, 'key-only.pem'), readFileSync(join(dir, 'root', 'key.pem')));

function expectUnusable(t: Test, args: string[], pattern: RegExp, env: Record<string, string> = {}): void {
  const r = lienthong(dir, args, env);
  t.equal(r.code, 2, `exit 2: ${args.join(' ')}`);
  t.match(r.stderr, pattern, 'names the problem');
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.equal(r.stdout, '', 'no verdict');
  t.notMatch(r.stderr, /PRIVATE KEY|\bat [a-zA-Z]+ \(/, 'no key, no stack trace');
}

void t.test('the CA was made with an encrypted key', async (t) => {
  t.equal(made.code, 0, made.stderr);
  t.match(readFileSync(join(dir, 'root', 'key.pem'), 'latin1'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  t.notMatch(made.stdout, /PRIVATE KEY-----|correct horse/);
});

void t.test('verify-chain: garbage, truncated, empty and missing files', async (t) => {
  const anchor = ['--anchor', 'root/cert.pem'];
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'garbage.pem', ...anchor],
    /^lienthong: BAD_CERTIFICATE: garbage\.pem: not a readable certificate/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'garbage.der', ...anchor],
    /^lienthong: BAD_CERTIFICATE: garbage\.der: not a readable certificate/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'truncated.der', ...anchor],
    /^lienthong: BAD_CERTIFICATE: truncated\.der: not a readable certificate/,
  );
  expectUnusable(t, ['pki', 'verify-chain', 'truncated.pem', ...anchor], /^lienthong: BAD_CERTIFICATE: truncated\.pem/);
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'empty.pem', ...anchor],
    /^lienthong: BAD_CERTIFICATE: empty\.pem: empty file/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'key-only.pem', ...anchor],
    /^lienthong: BAD_CERTIFICATE: key-only\.pem: no PEM block of a certificate/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'nowhere.pem', ...anchor],
    /^lienthong: FILE_NOT_READABLE: nowhere\.pem: no such file/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', '--anchor', 'garbage.pem'],
    /BAD_CERTIFICATE: garbage\.pem/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--crl', 'root/cert.pem'],
    /^lienthong: BAD_CRL: root\/cert\.pem: no PEM block of a CRL/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--crl', 'garbage.der'],
    /^lienthong: BAD_CRL: garbage\.der/,
  );
});

void t.test('verify-chain: bad dates, options and arguments', async (t) => {
  const anchor = ['--anchor', 'root/cert.pem'];
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--at', 'yesterday'],
    /^lienthong: BAD_DATE: --at yesterday: not an ISO-8601/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--at', '2026-02-31'],
    /BAD_DATE: --at 2026-02-31/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem'],
    /USAGE: pki verify-chain: at least one --anchor FILE is required/,
  );
  expectUnusable(t, ['pki', 'verify-chain', ...anchor], /USAGE: pki verify-chain: expected LEAF/);
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--max-depth', 'ten'],
    /USAGE: --max-depth ten/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--eku', 'not-an-oid'],
    /USAGE: --eku not-an-oid/,
  );
  expectUnusable(
    t,
    ['pki', 'verify-chain', 'root/cert.pem', ...anchor, '--frobnicate'],
    /USAGE: .*--frobnicate.*lienthong pki verify-chain --help/,
  );
});

void t.test('a self-signed root validates against itself (the command works on good input)', async (t) => {
  const r = lienthong(dir, ['pki', 'verify-chain', 'root/cert.pem', '--anchor', 'root/cert.pem']);
  t.equal(r.code, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
});

void t.test(
  'issuing: passphrases come only from the variable named, keys are checked, files are not overwritten',
  async (t) => {
    const base = [
      'pki',
      'issue',
      '--profile',
      'seal',
      '--issuer-cert',
      'root/cert.pem',
      '--issuer-key',
      'root/key.pem',
      '--out',
      'seal',
      '--organization',
      'Tỉnh ủy',
      '--common-name',
      'Văn phòng',
      '--key-type',
      'p256',
    ];
    expectUnusable(t, base, /PASSPHRASE_MISSING: root\/key\.pem: the key is encrypted/);
    expectUnusable(
      t,
      [...base, '--passphrase-env', 'LT_KEY_PASS'],
      /PASSPHRASE_MISSING: --passphrase-env: the environment variable LT_KEY_PASS is unset/,
    );
    expectUnusable(t, [...base, '--passphrase-env', 'LT_KEY_PASS'], /PASSPHRASE_MISSING: .*shorter than 16/, {
      LT_KEY_PASS: 'short',
    });
    expectUnusable(t, [...base, '--issuer-passphrase-env', 'LT_KEY_PASS'], /KEY_DECRYPTION_FAILED: root\/key\.pem/, {
      LT_KEY_PASS: 'not the passphrase',
    });
    t.notOk(existsSync(join(dir, 'seal')), 'nothing written');
    const ok = lienthong(dir, [...base, '--issuer-passphrase-env', 'LT_KEY_PASS'], { LT_KEY_PASS: PASS });
    t.equal(ok.code, 0, 'exit 0 with the issuer passphrase', { stderr: ok.stderr });
    t.match(readFileSync(join(dir, 'seal', 'key.pem'), 'latin1'), /^-----BEGIN PRIVATE KEY-----/);
    expectUnusable(
      t,
      [...base, '--issuer-passphrase-env', 'LT_KEY_PASS'],
      /OUTPUT_EXISTS: seal\/cert\.pem exists already/,
      { LT_KEY_PASS: PASS },
    );
    expectUnusable(
      t,
      [
        'pki',
        'issue',
        '--profile',
        'seal',
        '--issuer-cert',
        'root/cert.pem',
        '--issuer-key',
        'seal/key.pem',
        '--out',
        'x',
        '--organization',
        'O',
        '--common-name',
        'C',
      ],
      /KEY_MISMATCH: seal\/key\.pem is not the key of the certificate in root\/cert\.pem/,
    );
    expectUnusable(
      t,
      [
        'pki',
        'issue',
        '--profile',
        'person',
        '--issuer-cert',
        'root/cert.pem',
        '--issuer-key',
        'seal/key.pem',
        '--out',
        'x',
        '--organization',
        'O',
        '--common-name',
        'C',
      ],
      /USAGE: pki issue --profile person: --title is required/,
    );
    expectUnusable(
      t,
      ['pki', 'issue', '--profile', 'king', '--out', 'x'],
      /USAGE: --profile king: expected one of seal, person, tsa, ocsp/,
    );
    expectUnusable(t, ['pki', 'ca', '--out', 'x', '--name', 'CN=X,Q=nope'], /BAD_NAME: .*unknown attribute type Q/);
    expectUnusable(
      t,
      ['pki', 'ca', '--out', 'x', '--name', 'CN=X', '--key-type', 'dsa1024'],
      /USAGE: --key-type dsa1024/,
    );
    expectUnusable(
      t,
      ['pki', 'ca', '--out', 'x', '--name', 'CN=X', '--issuer-cert', 'root/cert.pem'],
      /USAGE: pki ca: --issuer-cert and --issuer-key go together/,
    );
    expectUnusable(
      t,
      [
        'pki',
        'crl',
        '--issuer-cert',
        'root/cert.pem',
        '--issuer-key',
        'root/key.pem',
        '--out',
        'r.crl',
        '--revoke',
        'xyz',
        '--passphrase-env',
        'LT_KEY_PASS',
      ],
      /USAGE: --revoke xyz/,
      { LT_KEY_PASS: PASS },
    );
    expectUnusable(
      t,
      [
        'pki',
        'crl',
        '--issuer-cert',
        'root/cert.pem',
        '--issuer-key',
        'root/key.pem',
        '--out',
        'r.crl',
        '--revoke',
        '01:dismissed',
        '--passphrase-env',
        'LT_KEY_PASS',
      ],
      /USAGE: --revoke 01:dismissed: unknown reason dismissed/,
      { LT_KEY_PASS: PASS },
    );
  },
);
