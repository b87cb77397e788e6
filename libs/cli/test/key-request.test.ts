/**
 * `lienthong key request --csr FILE` against a real signing app (real PostgreSQL, 127.0.0.1):
 * a USB token's certification request (openssl req -new; node:crypto stands in for the token)
 * filed as a pending key request in the registered name (exit 0, --json); the same key again
 * refused by signing (exit 1, its code on stderr); a file that is no request, a request that
 * does not prove possession, a weak key, a bad command line or configuration (exit 2, no call).
 */
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { toPem } from '@lienthong/pki';
import { handMadeRequest, opensslRequest } from '../../pki/test/helpers/certification-requests.ts';
import { scratch } from '../../pki/test/helpers/openssl.ts';
import { testToken } from '../../../test/support/auth.ts';
import { registerPerson } from '../../../services/signing/test/enrolment.ts';
import { signingForFile } from '../../../services/signing/test/support.ts';
import { lienthongAsync } from './helpers/cli.ts';

const signing = await signingForFile(t);
const { app, pool } = signing;
await app.listen({ port: 0, host: '127.0.0.1' });
const signingUrl = `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`;
const dir = mkdtempSync(join(tmpdir(), 'lienthong-key-request-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const s = scratch('lienthong-key-request-csr-');
t.teardown(s.cleanup);

const nhung = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
await registerPerson(app, nhung);

function configFor(name: string, roles: string[]): string {
  const path = join(dir, name);
  const token = testToken({ subject: nhung.subject, office: nhung.office, roles });
  writeFileSync(path, JSON.stringify({ endpoints: { signing: signingUrl }, token }));
  return path;
}
const config = configFor('signer.json', ['signer']);
const token = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const der = opensslRequest(s, token, 'nhung', ['-sha256'], '/CN=Ai đó khác');
const pemFile = join(dir, 'nhung.csr.pem');
writeFileSync(pemFile, toPem('CERTIFICATE REQUEST', der));

const requests = async () => (await pool.query('SELECT id FROM key_request')).rowCount;

await t.test('a PEM request is filed: pending, in the registered name', async (t) => {
  const r = await lienthongAsync(dir, ['key', 'request', '--csr', 'nhung.csr.pem', '--config', config]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^key request [0-9a-f-]{36} pending \(p-256 on your token\)\n/);
  t.match(r.stdout, /certificate subject: C=VN, O=Tỉnh ủy Cà Mau, .*CN=Nguyễn Thị Hồng Nhung\n/);
  t.notMatch(r.stdout, /Ai đó khác/, "the request's subject is not certified");
});

await t.test('--json, DER, a validity: the request as signing answers it', async (t) => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  writeFileSync(join(dir, 'rsa.csr.der'), opensslRequest(s, other, 'rsa', ['-sha256']));
  const r = await lienthongAsync(dir, [
    'key',
    'request',
    '--csr',
    'rsa.csr.der',
    '--validity-days',
    '365',
    '--config',
    config,
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(JSON.parse(r.stdout), { kind: 'csr', state: 'pending', keyType: 'rsa-2048', validityDays: 365 });
});

await t.test('signing refuses: exit 1 with its code', async (t) => {
  const again = await lienthongAsync(dir, ['key', 'request', '--csr', pemFile, '--config', config]);
  t.equal(again.code, 1);
  t.match(again.stderr, /^lienthong: CSR_KEY_IN_USE: /);
  const registry = await lienthongAsync(dir, [
    'key',
    'request',
    '--csr',
    pemFile,
    '--config',
    configFor('registry.json', ['registry']),
    '--json',
  ]);
  t.equal(registry.code, 1);
  t.match(JSON.parse(registry.stdout), { code: 'FORBIDDEN', status: 403 });
});

await t.test('unusable input is refused before any call: exit 2', async (t) => {
  const before = await requests();
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  writeFileSync(join(dir, 'weak.der'), handMadeRequest(rsa1024));
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  writeFileSync(join(dir, 'forged.der'), handMadeRequest(token, { signingKey: other }));
  writeFileSync(join(dir, 'text.pem'), 'không phải một yêu cầu\n');
  writeFileSync(join(dir, 'truncated.der'), der.subarray(0, der.length - 4));
  const cases: [string[], RegExp][] = [
    [['--csr', 'weak.der'], /PKI_ERROR: .*weak\.der: .*1024 bits/],
    [['--csr', 'forged.der'], /PKI_ERROR: .*proof of possession/],
    [['--csr', 'text.pem'], /PKI_ERROR: /],
    [['--csr', 'truncated.der'], /PKI_ERROR: /],
    [['--csr', 'missing.der'], /FILE_NOT_READABLE: .*no such file/],
    [[], /USAGE: key request: --csr is required/],
    [['--csr', pemFile, '--validity-days', '0'], /USAGE: /],
    [['--csr', pemFile, 'extra'], /USAGE: /],
  ];
  for (const [args, message] of cases) {
    const r = await lienthongAsync(dir, ['key', 'request', ...args, '--config', config]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
  const noConfig = await lienthongAsync(dir, ['key', 'request', '--csr', pemFile]);
  t.equal(noConfig.code, 2, 'no configuration');
  t.match(noConfig.stderr, /CONFIG_MISSING/);
  t.equal(await requests(), before, 'nothing was filed');
});

await t.test(
  'a CA administrator lists, approves (the certificate written) and refuses; the signer fetches it',
  async (t) => {
    await registerPerson(app, { subject: 'person:admin', office: 'VPTU-CM', name: 'Trần Văn Quản' });
    const adminPath = join(dir, 'admin.json');
    writeFileSync(
      adminPath,
      JSON.stringify({
        endpoints: { signing: signingUrl },
        token: testToken({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] }),
      }),
    );
    const listed = await lienthongAsync(dir, [
      'key',
      'requests',
      '--state',
      'pending',
      '--config',
      adminPath,
      '--json',
    ]);
    t.equal(listed.code, 0, listed.stderr);
    const pending = (JSON.parse(listed.stdout) as { requests: Array<{ id: string; kind: string; keyType: string }> })
      .requests;
    t.same(pending.map((r) => [r.kind, r.keyType]).sort(), [
      ['csr', 'p-256'],
      ['csr', 'rsa-2048'],
    ]);
    const p256 = pending.find((r) => r.keyType === 'p-256')!.id;
    const rsa = pending.find((r) => r.keyType === 'rsa-2048')!.id;
    const text = await lienthongAsync(dir, ['key', 'requests', '--config', adminPath]);
    t.match(
      text.stdout,
      new RegExp(
        `^${p256} csr pending by person:nhung at \\S+ \\(p-256\\)\n {2}certificate subject: .*CN=Nguyễn Thị Hồng Nhung\n`,
        'm',
      ),
    );

    const own = await lienthongAsync(dir, ['key', 'approve', p256, '--config', configFor('own.json', ['ca-admin'])]);
    t.equal(own.code, 1, 'the requester does not approve their own request');
    t.match(own.stderr, /KEY_REQUEST_OWN/);

    const approved = await lienthongAsync(dir, ['key', 'approve', p256, '-o', 'nhung.pem', '--config', adminPath]);
    t.equal(approved.code, 0, approved.stderr);
    t.match(
      approved.stdout,
      new RegExp(`^key ${p256} approved: .*CN=Nguyễn Thị Hồng Nhung, until \\S+; certificate in nhung\\.pem\n$`),
    );
    const certificate = new X509Certificate(readFileSync(join(dir, 'nhung.pem')));
    t.match(certificate.subject, /CN=Nguyễn Thị Hồng Nhung/);
    t.ok(
      certificate.publicKey.equals(createPublicKey(token)),
      "the certificate holds the token's key, the one the request proved",
    );
    const again = await lienthongAsync(dir, ['key', 'approve', p256, '-o', 'nhung.pem', '--config', adminPath]);
    t.equal(again.code, 2, 'an existing output is not overwritten without --force');
    t.match(again.stderr, /OUTPUT_EXISTS/);

    const fetched = await lienthongAsync(dir, ['key', 'certificate', p256, '-o', 'mine.pem', '--config', config]);
    t.equal(fetched.code, 0, fetched.stderr);
    t.equal(readFileSync(join(dir, 'mine.pem'), 'utf8'), readFileSync(join(dir, 'nhung.pem'), 'utf8'));

    const refused = await lienthongAsync(dir, [
      'key',
      'refuse',
      rsa,
      '--reason',
      'Không đúng thiết bị',
      '--config',
      adminPath,
    ]);
    t.equal(refused.code, 0, refused.stderr);
    t.equal(refused.stdout, `key request ${rsa} refused: Không đúng thiết bị\n`);
    const twice = await lienthongAsync(dir, ['key', 'refuse', rsa, '--reason', 'x', '--config', adminPath]);
    t.equal(twice.code, 1);
    t.match(twice.stderr, /KEY_REQUEST_DECIDED/);

    for (const args of [
      ['requests', '--state', 'lost'],
      ['approve', 'not-an-id'],
      ['approve'],
      ['refuse', rsa],
      ['refuse', rsa, '--reason', '  '],
      ['certificate', p256],
    ]) {
      const r = await lienthongAsync(dir, ['key', ...args, '--config', adminPath]);
      t.equal(r.code, 2, args.join(' '));
      t.match(r.stderr, /USAGE: /, args.join(' '));
    }
  },
);

await t.test('lienthong key --help and key request --help', async (t) => {
  const group = await lienthongAsync(dir, ['key', '--help']);
  t.equal(group.code, 0);
  t.match(group.stdout, /request +ask the CA to certify the key of your USB token/);
  const help = await lienthongAsync(dir, ['key', 'request', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /Usage: lienthong key request --csr FILE/);
});
