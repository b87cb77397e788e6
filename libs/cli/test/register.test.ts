/**
 * `lienthong register list|export` against a running intake app (127.0.0.1, a port of its
 * own): the caller's office's register listed (text and --json), exported as CSV (BOM) and
 * as the PDF book, the numbers left reserved (--state), the service's refusals (a wrong role: exit 1), bad options (exit 2), an
 * output that exists (exit 2 unless --force).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { intakeForFile } from '../../../services/intake/test/support.ts';
import { issueFlow, request, seedRegisterOffices } from '../../../services/intake/test/register-support.ts';
import { MAIN } from './helpers/cli.ts';
import { withTransaction } from '@lienthong/db';
import { reserveNumber } from '../../../services/intake/src/registers/numbering.ts';

const { app, pool } = await intakeForFile(t);
await seedRegisterOffices(pool);
const date = new Date('2026-03-02T02:00:00Z');
await issueFlow(pool, request('VPTU-A', 'CT', { date, subject: 'Chỉ thị về công tác kiểm tra, giám sát' }));
await issueFlow(pool, request('VPTU-A', 'QĐi', { date, subject: '=cmd|"/c calc"!A1' }));
await issueFlow(pool, request('TU-B', 'CT', { date, subject: 'Chỉ thị của Bạc Liêu' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-register-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process without blocking this one (the app answers it). */
function lienthong(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(office: string, roles: string[]): string {
  const path = join(dir, `${office}-${roles.join('-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { intake: address }, token: testToken({ subject: 'person:cli', office, roles }) }),
  );
  return path;
}

const registry = configFor('VPTU-A', ['registry']);

await t.test('list: the caller’s office’s register, as text and as JSON', async (t) => {
  const text = await lienthong(['register', 'list', '--config', registry]);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /2026 +01-CT\/VPTU +2026-03-02 +issued +Chỉ thị về công tác kiểm tra, giám sát\n/);
  t.match(text.stdout, /01-QĐi\/VPTU/);
  t.match(text.stdout, /2 entries in the register of VPTU-A/);
  t.notMatch(text.stdout, /Bạc Liêu/);
  const json = await lienthong(['register', 'list', '--series', 'QĐ', '--json', '--config', registry]);
  t.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as { office: string; entries: { symbol: string }[] };
  t.same(
    body.entries.map((e) => e.symbol),
    ['01-QĐi/VPTU'],
  );
});

await t.test('list --state reserved: the numbers whose issue did not complete, with how to resume them', async (t) => {
  const waiting = request('VPTU-A', 'KL', { date, subject: 'Kết luận chưa ban hành' });
  await withTransaction(pool, (c) => reserveNumber(c, waiting));
  const text = await lienthong(['register', 'list', '--state', 'reserved', '--config', registry]);
  t.equal(text.code, 0, text.stderr);
  t.match(
    text.stdout,
    new RegExp(
      `01-KL/VPTU .* reserved +Kết luận chưa ban hành \\(not issued: lienthong doc issue ${waiting.documentId}\\)`,
    ),
  );
  t.match(text.stdout, /1 entry in the register of VPTU-A/);
  const json = await lienthong(['register', 'list', '--state', 'issued', '--json', '--config', registry]);
  const body = JSON.parse(json.stdout) as { entries: { symbol: string }[] };
  t.same(body.entries.map((e) => e.symbol).sort(), ['01-CT/VPTU', '01-QĐi/VPTU'], 'issued only');
});

await t.test('export: CSV with BOM and the PDF book', async (t) => {
  const csv = await lienthong(['register', 'export', '--format', 'csv', '-o', 'so.csv', '--config', registry]);
  t.equal(csv.code, 0, csv.stderr);
  const bytes = readFileSync(join(dir, 'so.csv'));
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  t.match(bytes.toString('utf8'), /,"'=cmd\|""\/c calc""!A1",/);
  const pdf = await lienthong(['register', 'export', '--format', 'pdf', '--output', 'so.pdf', '--config', registry]);
  t.equal(pdf.code, 0, pdf.stderr);
  t.equal(readFileSync(join(dir, 'so.pdf')).subarray(0, 5).toString('latin1'), '%PDF-');
  const again = await lienthong(['register', 'export', '--format', 'pdf', '-o', 'so.pdf', '--config', registry]);
  t.equal(again.code, 2);
  t.match(again.stderr, /OUTPUT_EXISTS/);
  const forced = await lienthong([
    'register',
    'export',
    '--format',
    'pdf',
    '-o',
    'so.pdf',
    '--force',
    '--config',
    registry,
  ]);
  t.equal(forced.code, 0, forced.stderr);
});

await t.test('refused by the service: exit 1 with its code; bad options: exit 2', async (t) => {
  const signer = configFor('VPTU-A', ['signer']);
  const refused = await lienthong(['register', 'list', '--config', signer]);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /^lienthong: FORBIDDEN: /);
  const refusedExport = await lienthong(['register', 'export', '--format', 'csv', '-o', 'no.csv', '--config', signer]);
  t.equal(refusedExport.code, 1);
  t.notOk(existsSync(join(dir, 'no.csv')), 'nothing written');
  for (const args of [
    ['register', 'list', '--period', '26'],
    ['register', 'list', '--series', 'C/T'],
    ['register', 'list', 'extra'],
    ['register', 'list', '--state', 'pending'],
    ['register', 'export', '--format', 'xlsx', '-o', 'x'],
    ['register', 'export', '--format', 'csv'],
    ['register', 'nothing'],
  ]) {
    const r = await lienthong([...args, '--config', registry]);
    t.equal(r.code, 2, args.join(' '));
  }
});
