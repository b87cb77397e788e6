/**
 * `lienthong archive fixity` against a running archive app (127.0.0.1, a port of its own) on the
 * real PostgreSQL over a folder store: an intact package after `--run` (exit 0), a version's
 * bytes flipped on disk behind the service's back found by the next `--run` (exit 1, the object
 * named), a caller who is not an archivist refused (exit 1), bad options and an unreachable
 * archive (exit 2).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { packageArchiveForFile, writeTestPackage } from '../../../services/archive/test/package-support.ts';
import { MAIN } from './helpers/cli.ts';

const d = await packageArchiveForFile(t);
const address = await d.app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-fixity-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI as a separate process without blocking this one (the app answers it). */
function lienthong(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(office: string, roles: string[], endpoint = address): string {
  const path = join(dir, `${office}-${roles.join('-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { archive: endpoint }, token: testToken({ subject: 'person:cli', office, roles }) }),
  );
  return path;
}

const archivist = configFor('VPTU-CM', ['archivist']);
const pkg = await writeTestPackage(d, 'VPTU-CM', []);

await t.test('an intact package: exit 0 after a run', async (t) => {
  const r = await lienthong(['archive', 'fixity', '--run', '--json', '--config', archivist]);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { failures: unknown[]; lastRun: { checked: number; finishedAt: string | null } };
  t.same(out.failures, []);
  t.match(out.lastRun, { checked: 2, failed: 0 });
  t.not(out.lastRun.finishedAt, null, 'waited for its end');
});

await t.test('bytes flipped behind the service: the next run finds them, exit 1', async (t) => {
  const pdf = pkg.objects.find((o) => o.name === 'document.pdf')!;
  const file = join(
    d.dir,
    'buckets',
    d.bucket,
    'objects',
    createHash('sha256').update(pdf.key).digest('hex'),
    `${pdf.versionId}.bin`,
  );
  const bytes = readFileSync(file);
  bytes[0] = bytes[0]! ^ 1;
  writeFileSync(file, bytes);
  const r = await lienthong(['archive', 'fixity', '--run', '--config', archivist]);
  t.equal(r.code, 1);
  t.match(r.stdout, new RegExp(`MISMATCH ${pkg.recordId}/document\\.pdf at primary`));
  t.match(r.stdout, /1 object\(s\) whose last check failed/);
  const again = await lienthong(['archive', 'fixity', '--config', archivist]);
  t.equal(again.code, 1, 'without --run the failures are still there');
});

await t.test('refusals and bad input', async (t) => {
  const registry = await lienthong(['archive', 'fixity', '--config', configFor('VPTU-CM', ['registry'])]);
  t.equal(registry.code, 1);
  t.match(registry.stderr, /FORBIDDEN/);
  const extra = await lienthong(['archive', 'fixity', 'x', '--config', archivist]);
  t.equal(extra.code, 2);
  const option = await lienthong(['archive', 'fixity', '--office', 'VPTU-BL', '--config', archivist]);
  t.equal(option.code, 2);
  const down = await lienthong([
    'archive',
    'fixity',
    '--config',
    configFor('VPTU-CM', ['archivist'], 'http://127.0.0.1:9'),
  ]);
  t.equal(down.code, 2);
  const help = await lienthong(['archive', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /fixity/);
});
