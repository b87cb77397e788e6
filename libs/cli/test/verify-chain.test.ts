// A hierarchy built only through `lienthong pki ca|issue|crl`, judged by
// `lienthong pki verify-chain` and cross-checked with `openssl verify`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lienthong } from './helpers/cli.ts';
import { AT_EPOCH, buildCliHierarchy, chainArgs, serialOf } from './helpers/hierarchy.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-chain-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const h = buildCliHierarchy(dir);
writeFileSync(join(dir, 'crls.pem'), h.crls.map((c) => readFileSync(join(dir, c), 'latin1')).join(''));

function opensslVerify(leaf: string, crl: boolean): { ok: boolean; out: string } {
  const args = [
    'verify',
    '-attime',
    AT_EPOCH,
    '-CAfile',
    h.root,
    '-untrusted',
    h.intermediate,
    ...(crl ? ['-crl_check_all', '-CRLfile', 'crls.pem'] : []),
    leaf,
  ];
  try {
    return {
      ok: true,
      out: execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

void t.test('every leaf issued through the CLI validates (exit 0), and openssl verify agrees', async (t) => {
  for (const [name, leaf] of Object.entries(h.leaves)) {
    const r = lienthong(dir, ['pki', 'verify-chain', leaf, ...chainArgs(h)]);
    t.equal(r.code, 0, `${name}: exit 0`, { stdout: r.stdout, stderr: r.stderr });
    t.match(r.stdout, /^VALID/, `${name}: says VALID`);
    t.match(r.stdout, /revocation: checked against 2 CRL/, `${name}: CRLs used`);
    const o = opensslVerify(leaf, true);
    t.ok(o.ok, `${name}: openssl verify -crl_check_all: ${o.out.trim()}`);
  }
});

void t.test('the chain is printed target first with the subjects, and --json parses', async (t) => {
  const r = lienthong(dir, ['pki', 'verify-chain', h.leaves.person, ...chainArgs(h), '--json']);
  t.equal(r.code, 0);
  const json = JSON.parse(r.stdout) as {
    valid: boolean;
    chain: { subject: string }[];
    revocation: string;
    validationTime: string;
  };
  t.equal(json.valid, true);
  t.equal(json.chain.length, 3);
  t.match(json.chain[0]!.subject, /CN=Nguyễn Văn An/);
  t.match(json.chain[0]!.subject, /title=Chánh Văn phòng/);
  t.match(json.chain[2]!.subject, /CN=Lienthong CLI Test Root/);
  t.equal(json.revocation, 'crl');
  t.equal(json.validationTime, '2026-01-10T00:00:00.000Z');
  t.notMatch(r.stdout, /PRIVATE KEY/);
});

void t.test('a leaf revoked with `pki crl --revoke` fails with REVOKED (exit 1), as openssl says', async (t) => {
  const r = lienthong(dir, ['pki', 'verify-chain', h.revoked, ...chainArgs(h)]);
  t.equal(r.code, 1);
  t.match(r.stdout, /^INVALID: REVOKED: /);
  t.match(r.stdout, /\[0\] .*CN=Trần Thị Bình.*FAILED HERE/);
  t.match(r.stdout, /\[2\] .*CN=Lienthong CLI Test Root/, 'chain subjects printed');
  const o = opensslVerify(h.revoked, true);
  t.notOk(o.ok, 'openssl rejects it too');
  t.match(o.out, /revoked/i);
  const crl = execFileSync('openssl', ['crl', '-in', 'inter.crl', '-noout', '-text'], { cwd: dir, encoding: 'utf8' });
  t.match(
    crl.toLowerCase(),
    serialOf(join(dir, h.revoked)).replace(/^00/, ''),
    'openssl reads the revoked serial in our CRL',
  );
  t.match(crl, /Key Compromise/);
});

void t.test('without --crl revocation is not checked, and the output says so', async (t) => {
  const r = lienthong(dir, ['pki', 'verify-chain', h.revoked, ...chainArgs(h, false)]);
  t.equal(r.code, 0);
  t.match(r.stdout, /revocation: NOT checked/);
});

void t.test('a validation time after notAfter fails with EXPIRED (exit 1)', async (t) => {
  const r = lienthong(dir, [
    'pki',
    'verify-chain',
    h.leaves.seal,
    '--anchor',
    h.root,
    '--intermediate',
    h.intermediate,
    '--at',
    '2100-01-01',
  ]);
  t.equal(r.code, 1);
  t.match(r.stdout, /^INVALID: EXPIRED: /);
  const early = lienthong(dir, [
    'pki',
    'verify-chain',
    h.leaves.seal,
    '--anchor',
    h.root,
    '--intermediate',
    h.intermediate,
    '--at',
    '2025-06-01T00:00:00+07:00',
  ]);
  t.equal(early.code, 1);
  t.match(early.stdout, /^INVALID: NOT_YET_VALID: /);
});

void t.test('a trust anchor that did not issue the chain gives NO_PATH (exit 1)', async (t) => {
  const other = lienthong(dir, [
    'pki',
    'ca',
    '--out',
    'other',
    '--name',
    'CN=Another Root,O=Elsewhere,C=VN',
    '--key-type',
    'p256',
    '--not-before',
    '2026-01-01',
  ]);
  t.equal(other.code, 0, other.stderr);
  const r = lienthong(dir, [
    'pki',
    'verify-chain',
    h.leaves.seal,
    '--anchor',
    'other/cert.pem',
    '--intermediate',
    h.intermediate,
    '--at',
    '2026-01-10',
  ]);
  t.equal(r.code, 1);
  t.match(r.stdout, /^INVALID: NO_PATH: /);
});

void t.test('--eku demands a key purpose of the target', async (t) => {
  const tsa = lienthong(dir, ['pki', 'verify-chain', h.leaves.tsa, ...chainArgs(h), '--eku', 'timeStamping']);
  t.equal(tsa.code, 0, 'exit 0', { stdout: tsa.stdout });
  const seal = lienthong(dir, ['pki', 'verify-chain', h.leaves.seal, ...chainArgs(h), '--eku', '1.3.6.1.5.5.7.3.8']);
  t.equal(seal.code, 1);
  t.match(seal.stdout, /^INVALID: EXTENDED_KEY_USAGE/);
});

void t.test(
  'a bundle file (leaf first, then its CA) needs no --intermediate; --max-depth counts intermediates as openssl -verify_depth',
  async (t) => {
    writeFileSync(
      join(dir, 'bundle.pem'),
      readFileSync(join(dir, h.leaves.seal), 'latin1') + readFileSync(join(dir, h.intermediate), 'latin1'),
    );
    const r = lienthong(dir, ['pki', 'verify-chain', 'bundle.pem', '--anchor', h.root, '--at', '2026-01-10']);
    t.equal(r.code, 0, 'exit 0', { stdout: r.stdout });
    t.match(r.stdout, /conformance: strict/);
    const depth = (n: string) =>
      lienthong(dir, ['pki', 'verify-chain', 'bundle.pem', '--anchor', h.root, '--at', '2026-01-10', '--max-depth', n]);
    const openssl = (n: string): boolean => {
      try {
        execFileSync(
          'openssl',
          [
            'verify',
            '-x509_strict',
            '-attime',
            AT_EPOCH,
            '-verify_depth',
            n,
            '-CAfile',
            h.root,
            '-untrusted',
            h.intermediate,
            h.leaves.seal,
          ],
          { cwd: dir, stdio: 'ignore' },
        );
        return true;
      } catch {
        return false;
      }
    };
    const zero = depth('0');
    t.equal(zero.code, 1, 'one intermediate is too deep for --max-depth 0');
    t.match(zero.stdout, /^INVALID: NO_PATH/);
    t.notOk(openssl('0'), 'openssl -verify_depth 0 refuses it too');
    const one = depth('1');
    t.equal(one.code, 0, '--max-depth 1 allows the one intermediate', { stdout: one.stdout });
    t.ok(openssl('1'), 'as openssl -verify_depth 1 does');
    const leafOfRoot = lienthong(dir, [
      'pki',
      'verify-chain',
      h.intermediate,
      '--anchor',
      h.root,
      '--at',
      '2026-01-10',
      '--max-depth',
      '0',
    ]);
    t.equal(leafOfRoot.code, 0, '--max-depth 0: a certificate the anchor issued itself', { stdout: leafOfRoot.stdout });
  },
);

void t.test(
  'an old external root with serial number 0 is refused by default and accepted with --lenient',
  async (t) => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'old.key',
        '-out',
        'old.pem',
      ].concat(['-subj', '/CN=Old External Root', '-days', '3650', '-set_serial', '0']),
      { cwd: dir, stdio: 'ignore' },
    );
    const strict = lienthong(dir, ['pki', 'verify-chain', 'old.pem', '--anchor', 'old.pem']);
    t.equal(strict.code, 1, 'refused by default');
    t.match(strict.stdout, /^INVALID: NON_CONFORMING: .*serial number is zero/);
    const lenient = lienthong(dir, ['pki', 'verify-chain', 'old.pem', '--anchor', 'old.pem', '--lenient']);
    t.equal(lenient.code, 0, 'accepted under RFC 5280 §6 alone', { stdout: lenient.stdout });
  },
);

void t.test('--lenient is reported, in text and in JSON', async (t) => {
  const args = ['pki', 'verify-chain', h.leaves.seal, ...chainArgs(h), '--lenient'];
  const text = lienthong(dir, args);
  t.equal(text.code, 0, 'exit 0', { stdout: text.stdout });
  t.match(text.stdout, /conformance: lenient \(RFC 5280 §6 only\)/);
  const json = JSON.parse(lienthong(dir, [...args, '--json']).stdout) as { conformance?: string };
  t.equal(json.conformance, 'lenient');
  const strict = JSON.parse(
    lienthong(dir, ['pki', 'verify-chain', h.leaves.seal, ...chainArgs(h), '--json']).stdout,
  ) as {
    conformance?: string;
  };
  t.equal(strict.conformance, 'strict', 'strict by default');
});

void t.test('DER inputs are read as well as PEM', async (t) => {
  execFileSync('openssl', ['x509', '-in', h.leaves.seal, '-outform', 'DER', '-out', 'seal.der'], { cwd: dir });
  execFileSync('openssl', ['crl', '-in', 'inter.crl', '-outform', 'DER', '-out', 'inter.crl.der'], { cwd: dir });
  const r = lienthong(dir, [
    'pki',
    'verify-chain',
    'seal.der',
    '--anchor',
    h.root,
    '--intermediate',
    h.intermediate,
    '--crl',
    'inter.crl.der',
    '--crl',
    'root.crl',
    '--at',
    '2026-01-10',
  ]);
  t.equal(r.code, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
});
