/**
 * The province → district → commune flow of issue 19, as clerks run it with `bin/lienthong`
 * (each command a child process with the caller's client configuration, as the README's
 * walkthrough types it), shared by the end-to-end tests of both modes (flow.test.ts: real
 * PostgreSQL, Kafka and MinIO; embedded-flow.test.ts: `npm start`). Events travel
 * asynchronously: every step that waits on one polls with a bounded wait (`waitFor`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { runTool, toolPath } from '../support/judges.ts';
import { waitFor } from '../support/env.ts';

const lienthongBin = join(import.meta.dirname, '..', '..', 'bin', 'lienthong');

/** Where the flow runs: the callers' client configurations and the demo folder of the suite. */
export interface FlowContext {
  /** <data>/cli: `<office>/<role>.json` for every demo caller. */
  cliDir: string;
  /** <data>/demo: the unsigned draft (du-thao-chi-thi.pdf) and the embedded CA's root.pem. */
  demoDir: string;
  /** A folder of the test's own where files are written (the working directory of every command). */
  workDir: string;
  /** The signer's PIN. */
  pin: string;
}

/** What a command did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bin/lienthong ARGS --config <cliDir>/<office>/<role>.json` in the work folder (without
 * a caller: `bin/lienthong ARGS`, for the offline commands).
 */
export function lienthong(
  ctx: FlowContext,
  caller: [office: string, role: string] | undefined,
  args: string[],
): Promise<CliRun> {
  const config = caller === undefined ? [] : ['--config', join(ctx.cliDir, caller[0], `${caller[1]}.json`)];
  const env = { ...process.env };
  delete env.LIENTHONG_CONFIG;
  return new Promise((resolve) => {
    execFile(
      lienthongBin,
      [...args, ...config],
      { cwd: ctx.workDir, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A command that must succeed; its output otherwise fails the test with what it said. */
async function ok(t: Test, ctx: FlowContext, caller: [string, string], args: string[]): Promise<string> {
  const run = await lienthong(ctx, caller, args);
  t.equal(run.code, 0, `${caller.join('/')}: lienthong ${args.join(' ')}`, { stderr: run.stderr, stdout: run.stdout });
  return run.stdout;
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The province office (VPTU-DEMO) and its callers. */
const office = (role: string): [string, string] => ['VPTU-DEMO', role];
const system = (code: string): [string, string] => [code, 'office-system'];

interface InboxEntry {
  id: string;
  documentId: string;
  status: string;
  incoming: { number: number } | null;
}

interface Leg {
  recipient: string;
  status: string;
  refusalReason: string | null;
  recallRefusalReason?: string | null;
  incoming: { number: number } | null;
}

/** The inbox entry of `documentId` in `code`'s inbox, once it arrived (and has `status`, when given). */
async function inboxEntry(ctx: FlowContext, code: string, documentId: string, status?: string): Promise<InboxEntry> {
  let found: InboxEntry | undefined;
  await waitFor(
    `${documentId} in the inbox of ${code}${status === undefined ? '' : ` at ${status}`}`,
    async () => {
      const run = await lienthong(ctx, system(code), [
        'inbox',
        'list',
        '--json',
        ...(status ? ['--status', status] : []),
      ]);
      if (run.code !== 0) return false;
      const { entries } = JSON.parse(run.stdout) as { entries: InboxEntry[] };
      found = entries.find((e) => e.documentId === documentId);
      return found !== undefined;
    },
    120_000,
    250,
  );
  return found!;
}

/** The sender's view of the delivery (`delivery status --json`), once `done` holds of it. */
async function deliveryLegs(ctx: FlowContext, documentId: string, done: (legs: Leg[]) => boolean): Promise<Leg[]> {
  let legs: Leg[] = [];
  await waitFor(
    `the delivery of ${documentId} as expected`,
    async () => {
      const run = await lienthong(ctx, office('registry'), ['delivery', 'status', documentId, '--json']);
      if (run.code !== 0) return false;
      legs = (JSON.parse(run.stdout) as { legs: Leg[] }).legs;
      return done(legs);
    },
    120_000,
    250,
  );
  return legs;
}

/** Submits (as `submitter`), signs (the Bí thư, with the PIN) and issues a directive; returns its id. */
async function issueDirective(
  t: Test,
  ctx: FlowContext,
  submitter: string,
  subject: string,
  to: string,
): Promise<string> {
  const draft = join(ctx.demoDir, 'du-thao-chi-thi.pdf');
  const submitted = await ok(t, ctx, office(submitter), [
    'doc',
    'submit',
    draft,
    '--type',
    'CT',
    '--subject',
    subject,
    '--to',
    to,
    '--signer',
    'bi-thu',
  ]);
  const id = uuid.exec(submitted)?.[0] ?? '';
  t.match(id, uuid, 'doc submit prints the id');
  t.match(await ok(t, ctx, office('signer'), ['doc', 'sign', id, '--pin', ctx.pin]), `${id} signed`);
  t.match(await ok(t, ctx, office('registry'), ['doc', 'issue', id]), /^Số \d+-CT\/\S+ .* issued/m, 'issued, numbered');
  return id;
}

/** The directive's subject: the archivist finds it typing `chuyen doi so`. */
const directiveSubject = 'Về tăng cường công tác chuyển đổi số';
const districts = ['HU-KIMSON', 'HU-YENMO', 'HU-NHOQUAN'];
const communes = ['DU-KIMCHINH', 'DU-LAITHANH', 'DU-VANHAI'];

/** The documents of a flow: the directive and the second document, recalled. */
export interface FlowDocuments {
  directive: string;
  recalled: string;
}

/** The whole flow; `ctx.workDir` receives the exported evidence and bag. */
export async function runFlow(t: Test, ctx: FlowContext): Promise<FlowDocuments> {
  // The province office sends a directive to the three district committees and the communes of Kim Sơn (a group).
  const directive = await issueDirective(
    t,
    ctx,
    'office-system',
    directiveSubject,
    `${districts.join(',')},@DEMO-XA-KIMSON`,
  );

  // District 1 reads and accepts (số đến), district 2 refuses, district 3 accepts and reports through to done.
  const kimSon = await inboxEntry(ctx, 'HU-KIMSON', directive);
  await ok(t, ctx, system('HU-KIMSON'), ['inbox', 'get', kimSon.id, '-o', 'den.pdf']);
  t.match(await ok(t, ctx, system('HU-KIMSON'), ['inbox', 'accept', kimSon.id]), /số đến \d+/);
  const yenMo = await inboxEntry(ctx, 'HU-YENMO', directive);
  await ok(t, ctx, system('HU-YENMO'), ['inbox', 'refuse', yenMo.id, '--reason', 'Gửi nhầm đơn vị']);
  const nhoQuan = await inboxEntry(ctx, 'HU-NHOQUAN', directive);
  await ok(t, ctx, system('HU-NHOQUAN'), ['inbox', 'accept', nhoQuan.id]);
  for (const status of ['assigned', 'in-progress', 'completed'])
    await ok(t, ctx, system('HU-NHOQUAN'), ['inbox', 'status', nhoQuan.id, status]);
  // A commune of the group accepts; the two others have not answered.
  const kimChinh = await inboxEntry(ctx, 'DU-KIMCHINH', directive);
  await ok(t, ctx, system('DU-KIMCHINH'), ['inbox', 'accept', kimChinh.id]);

  // A second document, issued then recalled: one recipient gives it back (15), one keeps it (16).
  const second = await issueDirective(t, ctx, 'registry', 'Về tổ chức hội nghị sơ kết', 'HU-KIMSON,HU-YENMO');
  await inboxEntry(ctx, 'HU-KIMSON', second);
  await inboxEntry(ctx, 'HU-YENMO', second);
  await ok(t, ctx, office('registry'), ['doc', 'recall', second, '--reason', 'Ban hành nhầm']);
  const recalledKimSon = await inboxEntry(ctx, 'HU-KIMSON', second, '13');
  await ok(t, ctx, system('HU-KIMSON'), ['inbox', 'recall-answer', recalledKimSon.id, 'accept']);
  const recalledYenMo = await inboxEntry(ctx, 'HU-YENMO', second, '13');
  await ok(t, ctx, system('HU-YENMO'), [
    'inbox',
    'recall-answer',
    recalledYenMo.id,
    'refuse',
    '--reason',
    'Đã triển khai thực hiện',
  ]);

  // The sender sees every recipient's status.
  const expected: Record<string, string> = {
    'HU-KIMSON': '03',
    'HU-YENMO': '02',
    'HU-NHOQUAN': '06',
    'DU-KIMCHINH': '03',
    'DU-LAITHANH': '01',
    'DU-VANHAI': '01',
  };
  const statusOf = (legs: Leg[]) => Object.fromEntries(legs.map((l) => [l.recipient, l.status]));
  const legs = await deliveryLegs(ctx, directive, (legs) => {
    const now = statusOf(legs);
    return Object.entries(expected).every(([code, status]) => now[code] === status);
  });
  t.same(statusOf(legs), expected, 'the sender sees each of the six recipients at its status');
  t.ok(legs.find((l) => l.recipient === 'HU-KIMSON')?.incoming !== null, 'with the số đến of an acceptance');
  t.equal(legs.find((l) => l.recipient === 'HU-YENMO')?.refusalReason, 'Gửi nhầm đơn vị', 'and the refusal reason');
  const shown = await ok(t, ctx, office('registry'), ['delivery', 'status', directive]);
  for (const code of [...districts, ...communes]) t.match(shown, code, `delivery status names ${code}`);
  const recallLegs = await deliveryLegs(ctx, second, (legs) => {
    const now = statusOf(legs);
    return now['HU-KIMSON'] === '15' && now['HU-YENMO'] === '16';
  });
  t.equal(
    recallLegs.find((l) => l.recipient === 'HU-YENMO')?.recallRefusalReason,
    'Đã triển khai thực hiện',
    'the sender sees the recall answered: given back (15), kept with its reason (16)',
  );

  // The evidence of every step, exported and verified offline against the root alone.
  const rootPem = join(ctx.demoDir, 'root.pem');
  let bundle = '';
  let verified: CliRun | undefined;
  await waitFor(
    'the evidence of every step sealed and time-stamped',
    async () => {
      bundle = await mkdtemp(join(ctx.workDir, 'bang-chung-'));
      const exported = await lienthong(ctx, office('registry'), ['delivery', 'evidence', directive, '-o', bundle]);
      if (exported.code !== 0 || exported.stderr.trim() !== '') return false;
      verified = await lienthong(ctx, undefined, ['verify', bundle, '--anchor', rootPem]);
      return verified.code === 0;
    },
    120_000,
    1_000,
  );
  t.equal(verified?.code, 0, 'lienthong verify passes the exported evidence offline');
  for (const code of [...districts, ...communes]) t.match(verified?.stdout, code, `the evidence covers ${code}`);

  // The archivist finds the record without diacritics, verifies it, and exports a bag bagit-python validates.
  let record = '';
  await waitFor(
    'the directive in the archive',
    async () => {
      const run = await lienthong(ctx, office('archivist'), ['archive', 'search', 'chuyen', 'doi', 'so', '--json']);
      if (run.code !== 0) return false;
      const { records } = JSON.parse(run.stdout) as { records: Array<{ id: string; subject: string }> };
      record = records.find((r) => r.subject === directiveSubject)?.id ?? '';
      return record !== '';
    },
    120_000,
    500,
  );
  t.match(
    await ok(t, ctx, office('archivist'), ['archive', 'search', 'chuyen', 'doi', 'so']),
    directiveSubject,
    'archive search finds the directive without diacritics',
  );
  await ok(t, ctx, office('archivist'), ['archive', 'get', record, '--original', '-o', 'luu-tru.pdf']);
  await ok(t, ctx, office('archivist'), ['archive', 'verify', record, '--anchor', rootPem]);
  const bag = join(ctx.workDir, 'bag');
  await ok(t, ctx, office('archivist'), ['archive', 'export', '--record', record, '-o', bag]);
  if (toolPath('bagit.py') === undefined) t.fail('bagit.py is not installed (LIENTHONG_TEST_BAGIT)');
  else t.equal((await runTool('bagit.py', ['--validate', bag])).code, 0, 'bagit-python validates the bag');
  t.match(
    await ok(t, ctx, office('archivist'), ['archive', 'fixity', '--run']),
    / 0 failed[^]*no failures/,
    'archive fixity --run reads every object back: none failed',
  );
  await ok(t, ctx, office('archivist'), ['archive', 'dispose', 'due']);
  await ok(t, ctx, office('archivist'), ['archive', 'dispose', 'list', '--state', 'proposed']);
  await ok(t, ctx, office('archivist'), ['audit', 'verify', '--anchor', rootPem]);
  return { directive, recalled: second };
}
