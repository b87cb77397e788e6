/**
 * `lienthong archive dispose` and `archive hold` against a running archive app on the real
 * PostgreSQL and MinIO, records whose retention ends seconds after they are written: due,
 * a hold that keeps one off the list, propose, approve by another person (the record's objects
 * gone), show, reject; refusals exit 1, bad command lines 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';
import { packageArchiveForFile, writeTestPackage } from '../../../services/archive/test/package-support.ts';
import { MAIN } from './helpers/cli.ts';

const d = await packageArchiveForFile(t, { s3: true, deps: { permanentHorizonMs: 3_600_000 } });
const address = await d.app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-dispose-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function lienthong(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(subject: string, roles: string[]): string {
  const path = join(dir, `${subject.replace(/\W/g, '-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { archive: address }, token: testToken({ subject, office: 'VPTU-CM', roles }) }),
  );
  return path;
}

const archivist = configFor('person:luu-tru', ['archivist']);
const approver = configFor('person:chanh-van-phong', ['archive-approver']);
const end = () => {
  const at = new Date(Date.now() + 4_000);
  return { retentionClass: '5-years', retainUntil: at, lockedUntil: at, legalHold: false };
};
const a = await writeTestPackage(d, 'VPTU-CM', [], { retention: end() });
const held = await writeTestPackage(d, 'VPTU-CM', [], { retention: end() });
t.teardown(async () => {
  for (const o of held.objects) await d.store.setLegalHold(d.bucket, o.key, o.versionId, false).catch(() => {});
});

await t.test('hold, due, propose, approve, show', async (t) => {
  const hold = await lienthong(['archive', 'hold', held.recordId, '--reason', 'Đang thanh tra', '--config', archivist]);
  t.equal(hold.code, 0, hold.stderr);
  t.match(hold.stdout, /under legal hold, locked in the store until \d{4}-\d\d-\d\dT/);
  await waitFor(
    'a record due',
    async () => (await lienthong(['archive', 'dispose', 'due', '--config', archivist])).stdout.includes(a.recordId),
    30_000,
    500,
  );
  const due = await lienthong(['archive', 'dispose', 'due', '--json', '--config', archivist]);
  t.same(
    (JSON.parse(due.stdout) as { records: Array<{ recordId: string }> }).records.map((r) => r.recordId),
    [a.recordId],
  );
  const proposed = await lienthong([
    'archive',
    'dispose',
    'propose',
    a.recordId,
    '--reason',
    'Hết hạn',
    '--json',
    '--config',
    archivist,
  ]);
  t.equal(proposed.code, 0, proposed.stderr);
  const id = (JSON.parse(proposed.stdout) as { id: string }).id;
  const self = await lienthong(['archive', 'dispose', 'approve', id, '--config', archivist]);
  t.equal(self.code, 1, 'an archivist does not approve');
  t.match(self.stderr, /FORBIDDEN/);
  const approved = await lienthong(['archive', 'dispose', 'approve', id, '--config', approver]);
  t.equal(approved.code, 0, approved.stderr);
  t.match(approved.stdout, new RegExp(`${a.recordId} disposed`));
  t.match(approved.stdout, /certificate dispositions\//);
  const shown = await lienthong(['archive', 'dispose', 'show', id, '--config', archivist]);
  t.match(shown.stdout, /: done;/);
  const twice = await lienthong(['archive', 'dispose', 'approve', id, '--config', approver]);
  t.equal(twice.code, 1);
  t.match(twice.stderr, /DISPOSITION_STATE/);
  const release = await lienthong(['archive', 'hold', held.recordId, '--release', '--config', archivist]);
  t.equal(release.code, 0, release.stderr);
  const rejectable = await lienthong([
    'archive',
    'dispose',
    'propose',
    held.recordId,
    '--reason',
    'x',
    '--json',
    '--config',
    archivist,
  ]);
  const rid = (JSON.parse(rejectable.stdout) as { id: string }).id;
  const rejected = await lienthong(['archive', 'dispose', 'reject', rid, '--reason', 'Giữ lại', '--config', approver]);
  t.equal(rejected.code, 0, rejected.stderr);
  t.match(rejected.stdout, /rejected/);

  const listed = await lienthong(['archive', 'dispose', 'list', '--json', '--config', approver]);
  t.equal(listed.code, 0, listed.stderr);
  t.same(
    (JSON.parse(listed.stdout) as { dispositions: Array<{ id: string; state: string }> }).dispositions.map((x) => [
      x.id,
      x.state,
    ]),
    [
      [rid, 'rejected'],
      [id, 'done'],
    ],
    'newest first, as the approver sees them',
  );
  const done = await lienthong(['archive', 'dispose', 'list', '--state', 'done', '--config', archivist]);
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, new RegExp(`^${id} done 1 record\\(s\\) proposed .* by person:luu-tru: Hết hạn\\n$`));
  const badState = await lienthong(['archive', 'dispose', 'list', '--state', 'burnt', '--config', archivist]);
  t.equal(badState.code, 1, 'the archive refuses an unknown state');
  t.match(badState.stderr, /VALIDATION_FAILED/);
});

await t.test('bad command lines exit 2', async (t) => {
  for (const args of [
    ['archive', 'dispose'],
    ['archive', 'dispose', 'burn'],
    ['archive', 'dispose', 'propose', 'not-a-uuid', '--reason', 'x'],
    ['archive', 'dispose', 'propose', a.recordId],
    ['archive', 'dispose', 'approve'],
    ['archive', 'dispose', 'list', a.recordId],
    ['archive', 'dispose', 'due', '--state', 'done'],
    ['archive', 'dispose', 'reject', a.recordId],
    ['archive', 'hold', a.recordId],
    ['archive', 'hold', a.recordId, '--reason', 'x', '--release'],
  ]) {
    const r = await lienthong([...args, '--config', archivist]);
    t.equal(r.code, 2, args.join(' '));
  }
});
