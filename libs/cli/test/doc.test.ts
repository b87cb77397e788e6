/**
 * `lienthong doc submit|show|get|list` against a running intake app (127.0.0.1, a port of
 * its own): a submission prints the id (or `{ id, state, … }` with --json), the PDF comes
 * back byte for byte, a refusal is exit 1 with every problem, a bad command line or file
 * exit 2, another office's document is not found, and an upload over 4 MiB shows progress.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { writeLargePdf } from '../../../test/support/large-pdf.ts';
import { plainPdf, seedDirectory } from '../../../services/intake/test/documents-support.ts';
import { intakeForFile } from '../../../services/intake/test/support.ts';
import { MAIN } from './helpers/cli.ts';

const intake = await intakeForFile(t);
await seedDirectory(intake);
const address = await intake.app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-doc-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lienthong(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: dir, env: { LANG: 'C.UTF-8' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function configFor(office: string, name: string): string {
  const path = join(dir, name);
  const token = testToken({ subject: `system:${office.toLowerCase()}`, office, roles: ['office-system'] });
  writeFileSync(path, JSON.stringify({ endpoints: { intake: address }, token }));
  return path;
}

const officeA = configFor('VPTU-A', 'a.json');
const officeB = configFor('VPTU-B', 'b.json');
const pdf = await plainPdf(2);
writeFileSync(join(dir, 'van-ban.pdf'), pdf);
const basics = ['--type', 'CT', '--subject', 'Về việc sơ kết công tác năm 2026', '--signer', 'nhung'];

let id = '';

await t.test('submit prints the id; --json the document', async (t) => {
  const run = await lienthong(['doc', 'submit', 'van-ban.pdf', ...basics, '--to', 'HU-A1,@A-XA', '--config', officeA]);
  t.equal(run.code, 0, run.stderr);
  id = run.stdout.trim();
  t.match(id, /^[0-9a-f-]{36}$/);
  const json = await lienthong([
    'doc',
    'submit',
    'van-ban.pdf',
    ...basics,
    '--to',
    'HU-A1',
    '--urgency',
    'urgent',
    '--idempotency-key',
    'cli-1',
    '--config',
    officeA,
    '--json',
  ]);
  t.equal(json.code, 0, json.stderr);
  t.match(JSON.parse(json.stdout), { id: /^[0-9a-f-]{36}$/, state: 'awaiting-signature', office: 'VPTU-A' });
});

await t.test('show and list; get writes the PDF byte for byte', async (t) => {
  const show = await lienthong(['doc', 'show', id, '--config', officeA]);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /state\s+awaiting-signature/);
  t.match(show.stdout, /HU-A1, @A-XA/);
  t.match(show.stdout, /submit/);
  const list = await lienthong(['doc', 'list', '--config', officeA]);
  t.equal(list.code, 0);
  t.match(list.stdout, /2 document\(s\)/);
  const get = await lienthong(['doc', 'get', id, '-o', 'back.pdf', '--config', officeA]);
  t.equal(get.code, 0, get.stderr);
  t.ok(readFileSync(join(dir, 'back.pdf')).equals(pdf));
  const again = await lienthong(['doc', 'get', id, '-o', 'back.pdf', '--config', officeA]);
  t.equal(again.code, 2);
  t.match(again.stderr, /OUTPUT_EXISTS/);
});

await t.test("another office's document: exit 1, not found", async (t) => {
  const run = await lienthong(['doc', 'show', id, '--config', officeB]);
  t.equal(run.code, 1);
  t.match(run.stderr, /DOCUMENT_NOT_FOUND/);
});

await t.test('a refusal is exit 1 with every problem; --json prints the problem', async (t) => {
  const run = await lienthong(['doc', 'submit', 'van-ban.pdf', ...basics, '--to', 'HU-ZZ,@NONE', '--config', officeA]);
  t.equal(run.code, 1);
  t.match(run.stderr, /DOCUMENT_RECIPIENT_UNKNOWN/);
  t.match(run.stderr, /\/recipients\/offices\/0/);
  t.match(run.stderr, /\/recipients\/groups\/0/);
  writeFileSync(join(dir, 'notes.pdf'), 'not a pdf');
  const json = await lienthong([
    'doc',
    'submit',
    'notes.pdf',
    ...basics,
    '--to',
    'HU-A1',
    '--config',
    officeA,
    '--json',
  ]);
  t.equal(json.code, 1);
  t.equal(JSON.parse(json.stdout).code, 'DOCUMENT_NOT_PDF');
});

await t.test('an unusable command line or file: exit 2', async (t) => {
  const noType = await lienthong([
    'doc',
    'submit',
    'van-ban.pdf',
    '--subject',
    'x',
    '--to',
    'HU-A1',
    '--config',
    officeA,
  ]);
  t.equal(noType.code, 2);
  t.match(noType.stderr, /type/);
  const noFile = await lienthong(['doc', 'submit', 'absent.pdf', ...basics, '--to', 'HU-A1', '--config', officeA]);
  t.equal(noFile.code, 2);
  t.match(noFile.stderr, /FILE_NOT_READABLE/);
  const noTo = await lienthong(['doc', 'submit', 'van-ban.pdf', ...basics, '--to', ',', '--config', officeA]);
  t.equal(noTo.code, 2);
});

await t.test('an upload over 4 MiB shows a progress bar and arrives whole', async (t) => {
  const size = await writeLargePdf(join(dir, 'large.pdf'), 5 * 1024 * 1024);
  const run = await lienthong([
    'doc',
    'submit',
    'large.pdf',
    ...basics,
    '--to',
    'HU-A1',
    '--config',
    officeA,
    '--json',
  ]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /upload \[#+\]/);
  t.equal(JSON.parse(run.stdout).size, size);
});
