/**
 * `lienthong directory import|list` against a running intake app (127.0.0.1, a port of its
 * own): the client configuration from --config or LIENTHONG_CONFIG (missing, unreadable,
 * malformed: exit 2), imports of JSON and CSV (exit 0), the service's refusals printed with
 * every problem (exit 1, or the problem as --json), an unreachable service (exit 2), the
 * listing, and the progress bar of a large upload.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { baseDirectory, intakeForFile } from '../../../services/intake/test/support.ts';
import { MAIN } from './helpers/cli.ts';

const { app } = await intakeForFile(t);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-directory-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process without blocking this one (the app answers it). */
function lienthong(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: dir, env: { LANG: 'C.UTF-8', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Writes a client configuration for a caller of `office` and returns its path. */
function configFor(
  office: string,
  roles: string[],
  name = `${office}-${roles.join('-')}.json`,
  endpoint = address,
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { intake: endpoint }, token: testToken({ subject: 'person:cli', office, roles }) }),
  );
  return path;
}

const centre = configFor('VPTW', ['directory-admin']);
const provinceA = configFor('VPTU-A', ['directory-admin']);
const write = (file: string, content: string): string => {
  writeFileSync(join(dir, file), content);
  return file;
};

await t.test('no configuration, or an unusable one: exit 2 naming it', async (t) => {
  const missing = await lienthong(['directory', 'list']);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^lienthong: CONFIG_MISSING: .*--config FILE or LIENTHONG_CONFIG/);
  const absent = await lienthong(['directory', 'list', '--config', 'nope.json']);
  t.equal(absent.code, 2);
  t.match(absent.stderr, /CONFIG_INVALID: nope.json: no such file/);
  const notJson = await lienthong(['directory', 'list'], { LIENTHONG_CONFIG: write('bad.json', '{"endpoints":') });
  t.equal(notJson.code, 2);
  t.match(notJson.stderr, /CONFIG_INVALID: bad.json: not JSON/);
  const noIntake = write('no-intake.json', JSON.stringify({ endpoints: { signing: address }, token: 'a.b.c' }));
  const r = await lienthong(['directory', 'list', '--config', noIntake]);
  t.equal(r.code, 2);
  t.match(r.stderr, /endpoints.intake is missing/);
  const badToken = write('bad-token.json', JSON.stringify({ endpoints: { intake: address }, token: 'two words' }));
  t.match((await lienthong(['directory', 'list', '--config', badToken])).stderr, /"token" must be an access token/);
  const unreachable = configFor('VPTW', ['directory-admin'], 'closed.json', 'http://127.0.0.1:9');
  const closed = await lienthong(['directory', 'list', '--config', unreachable]);
  t.equal(closed.code, 2);
  t.match(closed.stderr, /SERVICE_UNREACHABLE: intake at http:\/\/127.0.0.1:9/);
  t.notOk(`${closed.stdout}${closed.stderr}`.includes(testToken().slice(0, 20)), 'no token printed');
});

await t.test('import JSON, then again: nothing changes the second time', async (t) => {
  const file = write('directory.json', JSON.stringify(baseDirectory));
  const first = await lienthong(['directory', 'import', file], { LIENTHONG_CONFIG: centre });
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /offices 10 created, 0 changed, 0 unchanged; 2 people and 2 groups .*; 12 directory.changed/);
  const again = await lienthong(['directory', 'import', file, '--config', centre, '--json']);
  t.equal(again.code, 0, again.stderr);
  t.same(JSON.parse(again.stdout), {
    summary: { officesCreated: 0, officesUpdated: 0, officesUnchanged: 10, people: 0, groups: 0 },
    events: 0,
  });
});

await t.test('import CSV, told by extension or by content', async (t) => {
  const csv = 'code,name,abbreviation,level,parent\nDU-A13,Đảng ủy xã Bình Hòa,ĐU,commune,HU-A1\n';
  const byName = await lienthong(['directory', 'import', write('communes.csv', csv), '--config', provinceA]);
  t.equal(byName.code, 0, byName.stderr);
  t.match(byName.stdout, /offices 1 created/);
  const sniffed = await lienthong([
    'directory',
    'import',
    write('communes.txt', csv.replace(/DU-A13/g, 'DU-A14')),
    '--config',
    provinceA,
  ]);
  t.equal(sniffed.code, 0, sniffed.stderr);
});

await t.test('a refusal: exit 1, every problem on stderr with its line; --json prints the problem', async (t) => {
  const csv =
    'code,name,abbreviation,level,parent\nDU-X1,Đảng ủy xã X,ĐU,commune,HU-NOWHERE\nHU-X,Huyện ủy X,HU,district,DU-A11\n';
  const file = write('wrong.csv', csv);
  const r = await lienthong(['directory', 'import', file, '--config', provinceA]);
  t.equal(r.code, 1);
  t.match(r.stderr, /^lienthong: DIRECTORY_INVALID: /);
  t.match(r.stderr, /line 2 \(\/offices\/0\/parent\): "HU-NOWHERE" is neither/);
  t.match(r.stderr, /line 3 \(\/offices\/1\/parent\): a district office cannot sit under DU-A11/);
  const json = await lienthong(['directory', 'import', file, '--config', provinceA, '--json']);
  t.equal(json.code, 1);
  t.match(JSON.parse(json.stdout), { status: 422, code: 'DIRECTORY_INVALID', problems: [{ line: 2 }, { line: 3 }] });
  const outside = await lienthong([
    'directory',
    'import',
    write('b.csv', 'code,name,abbreviation,level,parent\nDU-B11,Đảng ủy xã B,ĐU,commune,HU-B1\n'),
    '--config',
    provinceA,
  ]);
  t.equal(outside.code, 1);
  t.match(outside.stderr, /DIRECTORY_OUT_OF_SCOPE.*\n {2}outside your part of the directory: DU-B11/);
  const clerk = configFor('VPTU-A', ['registry']);
  const forbidden = await lienthong(['directory', 'import', file, '--config', clerk]);
  t.equal(forbidden.code, 1);
  t.match(forbidden.stderr, /FORBIDDEN: this needs the role directory-admin/);
  const missing = await lienthong(['directory', 'import', 'absent.json', '--config', provinceA]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /FILE_NOT_READABLE: absent.json: no such file/);
});

await t.test('list: every office, or by level and parent; --json', async (t) => {
  const all = await lienthong(['directory', 'list', '--config', provinceA]);
  t.equal(all.code, 0, all.stderr);
  t.match(all.stdout, /^CODE +LEVEL +ABBR +PARENT +NAME\n/);
  t.match(all.stdout, /\nDU-A11 +commune +ĐU +HU-A1 +Đảng ủy xã Vĩnh Hanh\n/);
  t.match(all.stdout, /\n12 office\(s\)\n$/);
  const districts = await lienthong(['directory', 'list', '--level', 'district', '--json'], {
    LIENTHONG_CONFIG: provinceA,
  });
  t.same(
    (JSON.parse(districts.stdout) as { offices: { code: string }[] }).offices.map((o) => o.code),
    ['HU-A1', 'HU-B1'],
  );
  const underA = await lienthong(['directory', 'list', '--parent', 'HU-A1', '--json', '--config', provinceA]);
  t.equal((JSON.parse(underA.stdout) as { offices: unknown[] }).offices.length, 4);
  const badLevel = await lienthong(['directory', 'list', '--level', 'village', '--config', provinceA]);
  t.equal(badLevel.code, 2);
  t.match(badLevel.stderr, /USAGE: --level village: expected one of centre/);
});

await t.test('an upload over 4 MiB shows its progress on stderr', async (t) => {
  const doc = JSON.stringify({
    offices: [{ code: 'DU-A15', name: 'Đảng ủy xã Tân Lập', abbreviation: 'ĐU', level: 'commune', parent: 'HU-A1' }],
  });
  const file = write('padded.json', `${doc}${' '.repeat(5 * 1024 * 1024)}`);
  const r = await lienthong(['directory', 'import', file, '--config', provinceA]);
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stderr, /upload \[#{30}\] 5\.0\/5\.0 MB\n$/);
  t.match(r.stdout, /offices 1 created/);
});
