// `lienthong verify` on CAdES signatures made by libs/pki signCades and by
// `openssl cms -sign -cades` with certificates and keys the CLI issued.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fromPem, keySigner, readCertificate, readNode, readPrivateKey, signCades, toPem } from '@lienthong/pki';
import { lienthong } from './helpers/cli.ts';
import { AT, buildCliHierarchy } from './helpers/hierarchy.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-verify-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const h = buildCliHierarchy(dir);
const trust = ['--anchor', h.root, ...h.crls.flatMap((c) => ['--crl', c]), '--at', AT];
const pem = (p: string): Uint8Array => fromPem(readFileSync(join(dir, p), 'latin1'))[0]!.der;

const content = Buffer.from('Công văn số 12-CV/TU về việc tổ chức hội nghị\n', 'utf8');
writeFileSync(join(dir, 'doc.txt'), content);
writeFileSync(join(dir, 'tampered.txt'), Buffer.concat([content, Buffer.from(' ')]));

const signer = keySigner(readPrivateKey(pem('person/key.pem')));
const cms = await signCades(content, signer, {
  certificate: readCertificate(pem(h.leaves.person)),
  chain: [readCertificate(pem(h.intermediate))],
  signingTime: new Date('2026-01-05T08:00:00Z'),
});
writeFileSync(join(dir, 'person.p7s'), cms);
writeFileSync(join(dir, 'person.p7s.pem'), toPem('CMS', cms));

const openssl = (args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
};
openssl([
  'cms',
  '-sign',
  '-binary',
  '-cades',
  '-nosmimecap',
  '-in',
  'doc.txt',
  '-signer',
  h.leaves.seal,
  '-inkey',
  'seal/key.pem',
  '-certfile',
  h.intermediate,
  '-md',
  'sha256',
  '-outform',
  'DER',
  '-out',
  'seal.p7s',
]);
openssl([
  'cms',
  '-sign',
  '-binary',
  '-cades',
  '-nosmimecap',
  '-nodetach',
  '-in',
  'doc.txt',
  '-signer',
  h.leaves.seal,
  '-inkey',
  'seal/key.pem',
  '-certfile',
  h.intermediate,
  '-outform',
  'PEM',
  '-out',
  'seal-attached.pem',
]);

interface JsonReport {
  indication: string;
  signatures: {
    indication: string;
    signer: { subject: string };
    signingCertificateSerial: string;
    integrity: boolean;
    trusted: boolean;
    isCadesBaselineB: boolean;
    chain: unknown[];
  }[];
  signedData: { detached: boolean };
}

void t.test('a detached CAdES-B-B made by signCades verifies: TOTAL_PASSED, exit 0', async (t) => {
  const r = lienthong(dir, ['verify', 'person.p7s', '--content', 'doc.txt', ...trust]);
  t.equal(r.code, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
  t.match(r.stdout, /Signature 1 of 1: TOTAL_PASSED/);
  t.match(r.stdout, /signer: +C=VN, O=Tỉnh ủy Hà Nội, OU=Văn phòng Tỉnh ủy, title=Chánh Văn phòng, CN=Nguyễn Văn An/);
  t.match(r.stdout, /serial: +[0-9a-f]+ \(issuer .*Lienthong CLI Issuing CA\)/);
  t.match(r.stdout, /signing time: +2026-01-05T08:00:00.000Z/);
  t.match(r.stdout, /integrity: +ok/);
  t.match(r.stdout, /trust: +ok/);
  t.match(r.stdout, /CAdES-B-B: +yes/);
  t.match(r.stdout, /Result: TOTAL_PASSED/);
});

void t.test('--json prints the report as JSON', async (t) => {
  const r = lienthong(dir, ['verify', 'person.p7s.pem', '--content', 'doc.txt', ...trust, '--json']);
  t.equal(r.code, 0, 'exit 0 (PEM CMS input)', { stderr: r.stderr });
  const json = JSON.parse(r.stdout) as JsonReport;
  t.equal(json.indication, 'TOTAL_PASSED');
  t.equal(json.signatures.length, 1);
  const s = json.signatures[0]!;
  t.equal(s.integrity, true);
  t.equal(s.trusted, true);
  t.equal(s.isCadesBaselineB, true);
  t.equal(s.chain.length, 3);
  t.match(s.signer.subject, /CN=Nguyễn Văn An/);
  t.equal(s.signingCertificateSerial, readCertificate(pem(h.leaves.person)).serialHex);
  t.equal(json.signedData.detached, true);
  // The level arrives with the CAdES levels work in libs/pki; when the report has one, both forms show it.
  const level = (s as { level?: string }).level;
  if (level !== undefined) {
    t.equal(level, 'B-B', 'a signCades signature without time-stamps is B-B');
    t.match(lienthong(dir, ['verify', 'person.p7s', '--content', 'doc.txt', ...trust]).stdout, /level: +CAdES-B-B/);
  }
});

void t.test(
  'a signature made by openssl cms -sign -cades with our certificate and key verifies (interop)',
  async (t) => {
    const r = lienthong(dir, ['verify', 'seal.p7s', '--content', 'doc.txt', ...trust]);
    t.equal(r.code, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
    t.match(r.stdout, /TOTAL_PASSED/);
    t.match(r.stdout, /CN=Văn phòng Tỉnh ủy/);
    const attached = lienthong(dir, ['verify', 'seal-attached.pem', ...trust]);
    t.equal(attached.code, 0, 'attached PEM signature: exit 0', { stdout: attached.stdout, stderr: attached.stderr });
  },
);

void t.test('tampered content fails with HASH_FAILURE (exit 1)', async (t) => {
  for (const sig of ['person.p7s', 'seal.p7s']) {
    const r = lienthong(dir, ['verify', sig, '--content', 'tampered.txt', ...trust]);
    t.equal(r.code, 1, `${sig}: exit 1`);
    t.match(r.stdout, /TOTAL_FAILED \/ HASH_FAILURE/, sig);
    t.match(r.stdout, /integrity: +NOT established/, sig);
  }
  const json = JSON.parse(
    lienthong(dir, ['verify', 'person.p7s', '--content', 'tampered.txt', ...trust, '--json']).stdout,
  ) as { subIndication: string };
  t.equal(json.subIndication, 'HASH_FAILURE');
});

void t.test('a signer whose certificate is revoked is not TOTAL_PASSED (exit 1)', async (t) => {
  const revokedSigner = keySigner(readPrivateKey(pem('revoked/key.pem')));
  writeFileSync(
    join(dir, 'revoked.p7s'),
    await signCades(content, revokedSigner, {
      certificate: readCertificate(pem(h.revoked)),
      chain: [readCertificate(pem(h.intermediate))],
    }),
  );
  const r = lienthong(dir, ['verify', 'revoked.p7s', '--content', 'doc.txt', ...trust]);
  t.equal(r.code, 1);
  t.match(r.stdout, /TOTAL_FAILED \/ REVOKED/);
});

void t.test('without a trust anchor or content the result is INDETERMINATE (exit 1)', async (t) => {
  const noAnchor = lienthong(dir, ['verify', 'person.p7s', '--content', 'doc.txt', '--at', AT]);
  t.equal(noAnchor.code, 1);
  t.match(noAnchor.stdout, /INDETERMINATE \/ NO_CERTIFICATE_CHAIN_FOUND/);
  const noContent = lienthong(dir, ['verify', 'person.p7s', ...trust]);
  t.equal(noContent.code, 1);
  t.match(noContent.stdout, /INDETERMINATE \/ SIGNED_DATA_NOT_FOUND/);
});

void t.test(
  'a PDF goes to PAdES verification; one without cross-reference data is unusable input (exit 2)',
  async (t) => {
    // Signed PDFs are covered by pdf-party-flow.test.ts and pdf-sign.test.ts.
    writeFileSync(join(dir, 'doc.pdf'), '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    const r = lienthong(dir, ['verify', 'doc.pdf', ...trust]);
    t.equal(r.code, 2);
    t.match(r.stderr, /^lienthong: BAD_PDF: doc\.pdf: /);
    t.equal(r.stdout, '');
  },
);

void t.test('a file that is not CMS, or a truncated one, is unusable input (exit 2)', async (t) => {
  writeFileSync(join(dir, 'truncated.p7s'), cms.subarray(0, Math.floor(cms.length / 2)));
  for (const [file, pattern] of [
    ['truncated.p7s', /BAD_SIGNATURE_FILE: truncated\.p7s: not a readable CMS SignedData/],
    ['doc.txt', /BAD_SIGNATURE_FILE: doc\.txt/],
    ['missing.p7s', /FILE_NOT_READABLE: missing\.p7s: no such file/],
  ] as const) {
    const r = lienthong(dir, ['verify', file, '--content', 'doc.txt', ...trust]);
    t.equal(r.code, 2, `${file}: exit 2`);
    t.match(r.stderr, pattern, file);
    t.equal(r.stderr.trim().split('\n').length, 1, `${file}: one line`);
  }
});

void t.test('a SHA-1 signature names the algorithm-policy rule it breaks, in text and JSON (exit 1)', async (t) => {
  openssl([
    'cms',
    '-sign',
    '-binary',
    '-nosmimecap',
    '-in',
    'doc.txt',
    '-signer',
    h.leaves.seal,
    '-inkey',
    'seal/key.pem',
    '-certfile',
    h.intermediate,
    '-md',
    'sha1',
    '-outform',
    'DER',
    '-out',
    'seal-sha1.p7s',
  ]);
  const r = lienthong(dir, ['verify', 'seal-sha1.p7s', '--content', 'doc.txt', ...trust]);
  t.equal(r.code, 1, 'exit 1', { stdout: r.stdout, stderr: r.stderr });
  t.match(r.stdout, /INDETERMINATE \/ CRYPTO_CONSTRAINTS_FAILURE/);
  t.match(r.stdout, /policy rule: +TS119312:SHA1-SUNSET \(algorithm policy/);
  const json = JSON.parse(
    lienthong(dir, ['verify', 'seal-sha1.p7s', '--content', 'doc.txt', ...trust, '--json']).stdout,
  ) as { signatures: { policyRule?: string }[] };
  t.equal(json.signatures[0]?.policyRule, 'TS119312:SHA1-SUNSET');
});

void t.test('a CMS that is not DER (BER indefinite length) is TOTAL_FAILED / FORMAT_FAILURE (exit 1)', async (t) => {
  const outer = readNode(cms, 0);
  const ber = Buffer.concat([Uint8Array.of(0x30, 0x80), cms.subarray(outer.contentStart), Uint8Array.of(0, 0)]);
  writeFileSync(join(dir, 'person-ber.p7s'), ber);
  const r = lienthong(dir, ['verify', 'person-ber.p7s', '--content', 'doc.txt', ...trust]);
  t.equal(r.code, 1, 'exit 1', { stdout: r.stdout, stderr: r.stderr });
  t.match(r.stdout, /Result: TOTAL_FAILED \/ FORMAT_FAILURE \(0 of 0 signature\(s\) passed\)\nThe CMS is not DER/);
  const json = JSON.parse(
    lienthong(dir, ['verify', 'person-ber.p7s', '--content', 'doc.txt', ...trust, '--json']).stdout,
  ) as { subIndication: string; message: string };
  t.equal(json.subIndication, 'FORMAT_FAILURE');
  t.match(json.message, /not DER \(X\.690 §10\): indefinite length at byte 0/);
});
