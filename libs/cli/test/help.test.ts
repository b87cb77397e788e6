// Help texts, and unknown commands or options: exit 2 with a usage hint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lienthong } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-help-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

void t.test('lienthong --help lists every command and the exit codes', async (t) => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = lienthong(dir, args);
    t.equal(r.code, 0, args.join(' '));
    for (const c of ['verify ', 'pki verify-chain', 'pki ca', 'pki issue', 'pki crl']) t.match(r.stdout, c);
    t.match(r.stdout, /Exit status: 0 .* 1 .* 2 /s);
    t.match(r.stdout, /--passphrase-env VAR/);
    t.equal(r.stderr, '');
  }
});

void t.test('lienthong pki --help lists the pki commands', async (t) => {
  const r = lienthong(dir, ['pki', '--help']);
  t.equal(r.code, 0);
  for (const c of ['verify-chain', 'ca', 'issue', 'crl']) t.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
});

void t.test('each command has its own --help', async (t) => {
  const cases: [string[], RegExp][] = [
    [['verify', '--help'], /Usage: lienthong verify FILE .*--content FILE/s],
    [
      ['pki', 'verify-chain', '--help'],
      /Usage: lienthong pki verify-chain LEAF --anchor FILE.*--crl FILE.*--at ISO-8601.*--eku.*--max-depth N.*--json/s,
    ],
    [
      ['pki', 'ca', '-h'],
      /Usage: lienthong pki ca --out DIR --name DN.*--key-type.*--path-length N.*--passphrase-env VAR/s,
    ],
    [['pki', 'issue', '--help'], /--profile seal\|person\|tsa\|ocsp.*--title.*--office/s],
    [['pki', 'crl', '--help'], /--revoke SERIAL\[:REASON\].*--next-update-days N.*--number N/s],
    [['help', 'pki', 'crl'], /Usage: lienthong pki crl/],
  ];
  for (const [args, pattern] of cases) {
    const r = lienthong(dir, args);
    t.equal(r.code, 0, args.join(' '));
    t.match(r.stdout, pattern, args.join(' '));
  }
});

void t.test('unknown commands and options exit 2 with a usage hint', async (t) => {
  const cases: [string[], RegExp][] = [
    [['sign', 'x'], /^lienthong: USAGE: unknown command "sign"\. Run 'lienthong --help'\.\n$/],
    [['--frobnicate'], /unknown option "--frobnicate"\. Run 'lienthong --help'/],
    [['pki', 'revoke'], /unknown command "pki revoke"\. Run 'lienthong pki --help'/],
    [['verify', 'x.p7s', '--detached'], /USAGE: .*--detached.*Run 'lienthong verify --help'/],
    [['pki', 'crl', '--out'], /USAGE: .*--out.*Run 'lienthong pki crl --help'/],
    [['verify', 'a', 'b'], /USAGE: verify: expected FILE, got a b/],
  ];
  for (const [args, pattern] of cases) {
    const r = lienthong(dir, args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, pattern, args.join(' '));
    t.equal(r.stdout, '');
  }
  const bare = lienthong(dir, []);
  t.equal(bare.code, 2, 'no command: exit 2');
  t.match(bare.stderr, /^Usage: lienthong COMMAND/);
});
