/**
 * `lienthong doc sign ID --pin PIN` and `lienthong doc issue ID` against a running intake app
 * that calls a REAL signing app (services/intake/test/issue-support.ts): the signer signs,
 * the registry issues (`--json` gives number and symbol), `doc get` writes the issued PDF;
 * a wrong PIN is exit 1 with signing's code, no --pin exit 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { issueWorld, pin, submitDocument } from '../../../services/intake/test/issue-support.ts';
import { MAIN } from './helpers/cli.ts';

const world = await issueWorld(t);
const address = await world.intake.app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-issue-'));
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

function configFor(name: string, subject: string, roles: string[]): string {
  const path = join(dir, name);
  const token = testToken({ subject, office: 'VPTU-CM', roles });
  writeFileSync(path, JSON.stringify({ endpoints: { intake: address }, token }));
  return path;
}

const signer = configFor('signer.json', 'person:bi-thu-cm', ['signer']);
const registry = configFor('registry.json', 'person:van-thu-cm', ['registry']);
const id = await submitDocument(world);

await t.test('a wrong PIN: exit 1 with the relayed code; no --pin: exit 2', async (t) => {
  const wrong = await lienthong(['doc', 'sign', id, '--pin', 'wrong-pin-1', '--config', signer]);
  t.equal(wrong.code, 1, wrong.stderr);
  t.match(wrong.stderr, /SIGNING_PIN_INCORRECT/);
  const none = await lienthong(['doc', 'sign', id, '--config', signer]);
  t.equal(none.code, 2, none.stderr);
  t.match(none.stderr, /--pin is required/);
});

await t.test('doc sign, then doc issue --json: number and symbol', async (t) => {
  const signed = await lienthong(['doc', 'sign', id, '--pin', pin, '--config', signer]);
  t.equal(signed.code, 0, signed.stderr);
  t.equal(signed.stdout, `${id} signed\n`);
  const issued = await lienthong(['doc', 'issue', id, '--json', '--config', registry]);
  t.equal(issued.code, 0, issued.stderr);
  t.match(JSON.parse(issued.stdout), { id, number: 1, symbol: '01-CT/VPTU', printed: 'Số 01-CT/VPTU' });
  const again = await lienthong(['doc', 'issue', id, '--config', registry]);
  t.equal(again.code, 0, again.stderr);
  t.equal(again.stdout, `Số 01-CT/VPTU  ${id} issued\n`, 'again: the same number');
});

await t.test('doc get writes the issued PDF; --version original the submitted one', async (t) => {
  const got = await lienthong(['doc', 'get', id, '-o', 'issued.pdf', '--config', registry]);
  t.equal(got.code, 0, got.stderr);
  t.match(got.stdout, /\(issued, SHA-256 [0-9a-f]{64}\)/);
  const original = await lienthong([
    'doc',
    'get',
    id,
    '-o',
    'original.pdf',
    '--version',
    'original',
    '--config',
    registry,
  ]);
  t.equal(original.code, 0, original.stderr);
  const [a, b] = [readFileSync(join(dir, 'issued.pdf')), readFileSync(join(dir, 'original.pdf'))];
  t.ok(a.length > b.length && a.subarray(0, b.length).equals(b), 'the issued PDF extends the original');
});
