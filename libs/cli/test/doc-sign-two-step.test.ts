/**
 * `lienthong doc sign ID --prepare` / `--complete` against a running intake app that calls a
 * REAL signing app (services/intake/test/issue-support.ts), the USB token a key the test
 * holds (services/intake/test/usb-token.ts): the to-sign file, the value made on the
 * "token" from its signedAttributes, the document signed; a value of another key is the
 * service's refusal (exit 1), another document's to-sign file and a missing option exit 2.
 */
import { execFile } from 'node:child_process';
import { sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { toPem } from '@lienthong/pki';
import { testToken } from '../../../test/support/auth.ts';
import { issueWorld, submitDocument } from '../../../services/intake/test/issue-support.ts';
import { usbToken } from '../../../services/intake/test/usb-token.ts';
import { MAIN } from './helpers/cli.ts';

const world = await issueWorld(t);
const address = await world.intake.app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-two-step-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lienthong(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const config = join(dir, 'signer.json');
writeFileSync(
  config,
  JSON.stringify({
    endpoints: { intake: address },
    token: testToken({ subject: 'person:bi-thu-cm', office: 'VPTU-CM', roles: ['signer'] }),
  }),
);
const token = await usbToken(world);
const other = await usbToken(world);
// The certificate and its CA in one PEM file, as a token's tool exports them.
writeFileSync(
  join(dir, 'token.pem'),
  [token.certificate, ...token.chain].map((b64) => toPem('CERTIFICATE', Buffer.from(b64, 'base64'))).join(''),
);

/** The token's value over the to-sign file's signedAttributes (ECDSA, DER as openssl gives it). */
function signOnToken(file: string, key = token.key): string {
  const toSign = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { signedAttributes: string };
  const out = `${file}.sig`;
  writeFileSync(join(dir, out), nodeSign('sha256', Buffer.from(toSign.signedAttributes, 'base64'), key));
  return out;
}

await t.test('prepare, sign on the token, complete: the document is signed', async (t) => {
  const id = await submitDocument(world);
  const prepared = await lienthong([
    'doc',
    'sign',
    id,
    '--prepare',
    '--certificate',
    'token.pem',
    '-o',
    'a.json',
    '--config',
    config,
  ]);
  t.equal(prepared.code, 0, prepared.stderr);
  t.match(prepared.stdout, /a\.json: sign signedAttributes \(ECDSA-SHA256\)/);
  t.match(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')), { document: id, algorithm: 'ECDSA-SHA256' });
  const again = await lienthong([
    'doc',
    'sign',
    id,
    '--prepare',
    '--certificate',
    'token.pem',
    '-o',
    'a.json',
    '--config',
    config,
  ]);
  t.equal(again.code, 2, 'an existing to-sign file is not replaced without --force');
  t.match(again.stderr, /OUTPUT_EXISTS|exists already/);

  const wrong = await lienthong([
    'doc',
    'sign',
    id,
    '--complete',
    'a.json',
    '--signature',
    signOnToken('a.json', other.key),
    '--config',
    config,
  ]);
  t.equal(wrong.code, 1, wrong.stderr);
  t.match(wrong.stderr, /SIGNING_REFUSED/);
  const done = await lienthong([
    'doc',
    'sign',
    id,
    '--complete',
    'a.json',
    '--signature',
    signOnToken('a.json'),
    '--json',
    '--config',
    config,
  ]);
  t.equal(done.code, 0, done.stderr);
  t.match(JSON.parse(done.stdout), { id, state: 'signed' });
});

await t.test('unusable command lines and files: exit 2, nothing sent', async (t) => {
  const id = await submitDocument(world);
  const elsewhere = await submitDocument(world);
  const prepared = await lienthong([
    'doc',
    'sign',
    elsewhere,
    '--prepare',
    '--certificate',
    'token.pem',
    '-o',
    'b.json',
    '--config',
    config,
  ]);
  t.equal(prepared.code, 0, prepared.stderr);
  writeFileSync(join(dir, 'junk.json'), '{ not json');
  writeFileSync(join(dir, 'empty.sig'), '');
  writeFileSync(
    join(dir, 'own.json'),
    JSON.stringify({ document: id, session: '00000000-0000-4000-8000-000000000000' }),
  );
  for (const [what, args, message] of [
    [
      "another document's to-sign file",
      ['--complete', 'b.json', '--signature', signOnToken('b.json')],
      /BAD_TWO_STEP_FILE|prepared for document/,
    ],
    ['a to-sign file that is not JSON', ['--complete', 'junk.json', '--signature', 'b.json.sig'], /not JSON/],
    ['an empty signature value', ['--complete', 'own.json', '--signature', 'empty.sig'], /not a signature value/],
    ['--complete without --signature', ['--complete', 'b.json'], /--signature is required/],
    ['--prepare without --certificate', ['--prepare', '-o', 'c.json'], /--certificate is required/],
    ['--pin and --prepare', ['--pin', '1234', '--prepare'], /one of --pin, --token-module, --prepare and --complete/],
  ] as const) {
    const run = await lienthong(['doc', 'sign', id, ...args, '--config', config]);
    t.equal(run.code, 2, `${what}: ${run.stderr}`);
    t.match(run.stderr, message, what);
  }
  const { rows } = await world.intake.pool.query<{ state: string }>('SELECT state FROM document WHERE id = $1', [id]);
  t.equal(rows[0]?.state, 'awaiting-signature', 'the document still awaits its signature');
});
