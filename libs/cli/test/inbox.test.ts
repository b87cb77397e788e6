/**
 * `lienthong inbox list|get|accept|refuse|status|follow` and `lienthong delivery status`
 * against a running delivery app and a running intake (127.0.0.1, ports of their own): the
 * caller's office's inbox as text and --json, the PDF written, answers and the service's
 * refusals (exit 1), bad command lines (exit 2), new documents followed as they arrive, and
 * the sender's view per recipient.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { intakeForFile } from '../../../services/intake/test/support.ts';
import { seedRegisterOffices } from '../../../services/intake/test/register-support.ts';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from '../../../services/delivery/test/support.ts';
import { MAIN } from './helpers/cli.ts';

const intake = await intakeForFile(t);
await seedRegisterOffices(intake.pool);
const intakeAddress = await intake.app.listen({ host: '127.0.0.1', port: 0 });
const d = await deliveryForFile(t, { env: { LIENTHONG_DELIVERY_INTAKE_URL: intakeAddress } });
await d.app.listen({ host: '127.0.0.1', port: 0 });
const address = `http://127.0.0.1:${(d.app.server.address() as AddressInfo).port}`;
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-inbox-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const data = await issueDocument(d, ['HU-A1', 'HU-B1'], {
  urgency: 'very-urgent',
  deadline: '2026-03-02T17:00:00+07:00',
});
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(d.pool, data.documentId, 2);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process without blocking this one (the apps answer it). */
function lienthong(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(office: string, roles: string[], endpoints: Record<string, string> = { delivery: address }): string {
  const path = join(dir, `${office}-${roles.join('-')}-${Object.keys(endpoints).join('-')}.json`);
  writeFileSync(path, JSON.stringify({ endpoints, token: testToken({ subject: 'system:cli', office, roles }) }));
  return path;
}

const a1 = configFor('HU-A1', ['office-system']);
const b1 = configFor('HU-B1', ['registry']);

let entryId = '';

await t.test('list: the office’s inbox as text and JSON', async (t) => {
  const json = await lienthong(['inbox', 'list', '--config', a1, '--json']);
  t.equal(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout) as { office: string; entries: { id: string; documentId: string }[] };
  t.equal(listed.office, 'HU-A1');
  t.same(
    listed.entries.map((e) => e.documentId),
    [data.documentId],
  );
  entryId = listed.entries[0]!.id;
  const text = await lienthong(['inbox', 'list', '--status', '01', '--config', a1]);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, new RegExp(`${entryId}  01 arrived +very-urgent +12-CT/TU +VPTU-A +Về tăng cường`));
  t.match(text.stdout, /1 document\(s\) in the inbox of HU-A1/);
});

await t.test('get: the entry, its history and the PDF', async (t) => {
  const run = await lienthong(['inbox', 'get', entryId, '-o', 'van-ban-den.pdf', '--config', a1]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /consigned +01/);
  const bytes = readFileSync(join(dir, 'van-ban-den.pdf'));
  t.equal(createHash('sha256').update(bytes).digest('hex'), data.file.sha256, 'the PDF as issued');
  const other = await lienthong(['inbox', 'get', entryId, '--config', b1]);
  t.equal(other.code, 1, "another office's entry is refused");
  t.match(other.stderr, /INBOX_ENTRY_NOT_FOUND/);
  const exists = await lienthong(['inbox', 'get', entryId, '-o', 'van-ban-den.pdf', '--config', a1]);
  t.equal(exists.code, 2, 'an existing file is not replaced without --force');
});

await t.test('accept, status; answering twice is a refusal', async (t) => {
  const accept = await lienthong(['inbox', 'accept', entryId, '--config', a1, '--json']);
  t.equal(accept.code, 0, accept.stderr);
  t.match(JSON.parse(accept.stdout), { status: '03', incoming: { number: 1 } });
  const again = await lienthong(['inbox', 'accept', entryId, '--config', a1]);
  t.equal(again.code, 1);
  t.match(again.stderr, /DELIVERY_ALREADY_ANSWERED/);
  const done = await lienthong(['inbox', 'status', entryId, 'completed', '--config', a1]);
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /06 completed/);
  const back = await lienthong(['inbox', 'status', entryId, 'assigned', '--config', a1, '--json']);
  t.equal(back.code, 1);
  t.match(JSON.parse(back.stdout), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED' });
  const bogus = await lienthong(['inbox', 'status', entryId, 'archived', '--config', a1]);
  t.equal(bogus.code, 2, 'an unknown status is a bad command line');
});

await t.test('refuse needs a reason', async (t) => {
  const listed = JSON.parse((await lienthong(['inbox', 'list', '--config', b1, '--json'])).stdout) as {
    entries: { id: string }[];
  };
  const id = listed.entries[0]!.id;
  const none = await lienthong(['inbox', 'refuse', id, '--config', b1]);
  t.equal(none.code, 2);
  t.match(none.stderr, /--reason is required/);
  const refused = await lienthong(['inbox', 'refuse', id, '--reason', 'Gửi nhầm nơi nhận', '--config', b1]);
  t.equal(refused.code, 0, refused.stderr);
  t.match(refused.stdout, /02 refused/);
});

await t.test('follow: a new document as it arrives', async (t) => {
  // Resumed after the latest entry, so the document is followed however late the stream opens.
  const { rows } = await d.pool.query<{ seq: string }>(
    "SELECT max(inbox_seq) AS seq FROM delivery_leg WHERE recipient = 'HU-A1'",
  );
  const child = spawn(
    process.execPath,
    [MAIN, 'inbox', 'follow', '--after', rows[0]!.seq, '--count', '1', '--json', '--config', a1],
    { cwd: dir, env: { LANG: 'C.UTF-8' } },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const next = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(next));
  t.equal(await exited, 0);
  t.equal((JSON.parse(stdout.trim()) as { documentId: string }).documentId, next.documentId);
  const bad = await lienthong(['inbox', 'follow', '--after', 'x', '--config', a1]);
  t.equal(bad.code, 2);
});

await t.test("delivery status: the sender's view per recipient", async (t) => {
  const sender = configFor('VPTU-A', ['registry']);
  const run = await lienthong(['delivery', 'status', data.documentId, '--config', sender]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /HU-A1 +06 completed/);
  t.match(run.stdout, /HU-B1 +02 refused .*refused: Gửi nhầm nơi nhận/);
  t.match(run.stdout, /2 recipient\(s\)/);
  const json = await lienthong(['delivery', 'status', data.documentId, '--config', sender, '--json']);
  t.equal((JSON.parse(json.stdout) as { legs: unknown[] }).legs.length, 2);
  const notSender = await lienthong(['delivery', 'status', data.documentId, '--config', a1]);
  t.equal(notSender.code, 1, 'a recipient has no delivery of it');
  t.match(notSender.stderr, /DELIVERY_NOT_FOUND/);
  const noEndpoint = await lienthong([
    'delivery',
    'status',
    data.documentId,
    '--config',
    configFor('VPTU-A', ['registry'], { intake: intakeAddress }),
  ]);
  t.equal(noEndpoint.code, 2);
  t.match(noEndpoint.stderr, /endpoints.delivery is missing/);
});
