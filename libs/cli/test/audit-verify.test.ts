/**
 * `lienthong audit verify` against a running archive app (127.0.0.1, a port of its own) on the
 * real PostgreSQL: a valid chain over several pages (exit 0, the head remembered next to the
 * configuration), then rows changed behind the service's back (the append-only trigger
 * dropped, the SQL run, the trigger made again): an entry edited, a middle entry deleted, the
 * tail deleted (found only through the remembered head), the tail rewritten; refusals,
 * bad options, a corrupt state file and an unreachable archive (exit 2).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTransaction } from '@lienthong/db';
import t from 'tap';
import { testToken } from '../../../test/support/auth.ts';
import { appendAudit } from '../../../services/archive/src/audit/audit-log.ts';
import { checkpointAuditChains } from '../../../services/archive/src/audit/audit-checkpoint.ts';
import type { CheckpointTsa } from '../../../services/archive/src/audit/audit-checkpoint.ts';
import { buildTimeStampRequest, issueTimeStampToken, keySigner, toPem, tokenFrom } from '@lienthong/pki';
import { buildHierarchy } from '../../pki/test/helpers/hierarchy.ts';
import { archiveForFile } from '../../../services/archive/test/support.ts';
import { MAIN } from './helpers/cli.ts';

const { app, pool } = await archiveForFile(t);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-audit-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const statePath = join(dir, 'lienthong-audit-heads.json');

// The archive's TSA in these tests: libs/pki's test hierarchy, in process.
const h = await buildHierarchy();
let serial = 1n;
const tsa: CheckpointTsa = {
  stamp: async (imprint) =>
    tokenFrom(
      await issueTimeStampToken({
        request: buildTimeStampRequest({ hash: 'sha256', imprint, certReq: true }),
        tsaCertificate: h.tsa.certificate,
        chain: [h.intermediate.certificate],
        signer: keySigner(h.tsa.privateKey),
        serialNumber: serial++,
        policy: '1.3.6.1.4.1.99999.2.1',
      }),
    ),
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Verdict {
  office: string;
  valid: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  remembered: { seq: number; hash: string } | null;
  broken: { kind: string; seq: number; message: string } | null;
  checkpoints?: { count: number; lastSeq: number; anchored: boolean };
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

function configFor(office: string, roles: string[], endpoint = address): string {
  const path = join(dir, `${office}-${roles.join('-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ endpoints: { archive: endpoint }, token: testToken({ subject: 'person:cli', office, roles }) }),
  );
  return path;
}

/** `office`'s chain grown by `n` entries, in one transaction. */
async function append(office: string, n: number, actor = 'person:archivist'): Promise<void> {
  await withTransaction(pool, async (c) => {
    for (let i = 0; i < n; i++)
      await appendAudit(c, {
        office,
        actor,
        action: 'record.read',
        recordId: '0f8fad5b-d9cb-469f-a165-70867728950e',
        detail: { i, note: 'Kế hoạch' },
      });
  });
}

/** Runs `sql` on the archive's table as someone with its owner's rights would: the trigger dropped, then made again. */
async function behindTheBack(sql: string, params: unknown[]): Promise<void> {
  await pool.query('DROP TRIGGER audit_entry_append_only ON audit_entry');
  try {
    await pool.query(sql, params);
  } finally {
    await pool.query(
      'CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()',
    );
  }
}

async function verify(config: string, ...more: string[]): Promise<{ run: Run; verdict: Verdict }> {
  const run = await lienthong(['audit', 'verify', '--json', '--config', config, ...more]);
  return { run, verdict: JSON.parse(run.stdout) as Verdict };
}

await t.test(
  'a valid chain over several pages: exit 0, and its head remembered next to the configuration',
  async (t) => {
    await append('VPTU-A', 1003);
    const config = configFor('VPTU-A', ['archivist']);
    const first = await lienthong(['audit', 'verify', '--config', config]);
    t.equal(first.code, 0, first.stderr);
    t.match(
      first.stdout,
      /^audit log of VPTU-A at http:\/\/127\.0\.0\.1:\d+\/: valid, 1003 entries, head 1003 [0-9a-f]{16}…; first verification here; no time-stamped checkpoint yet\n$/,
    );
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
      version: number;
      heads: Record<string, { seq: number; hash: string }>;
    };
    t.equal(state.version, 1);
    t.same(Object.keys(state.heads), [`${address}/ VPTU-A`]);
    t.equal(state.heads[`${address}/ VPTU-A`]!.seq, 1003);
    await append('VPTU-A', 2);
    const { run, verdict } = await verify(config);
    t.equal(run.code, 0, run.stderr);
    t.match(verdict, { office: 'VPTU-A', valid: true, entries: 1005, remembered: { seq: 1003 }, broken: null });
    t.equal(verdict.head?.seq, 1005);
    const empty = await verify(configFor('EMPTY-1', ['archivist']));
    t.equal(empty.run.code, 0, empty.run.stderr);
    t.match(empty.verdict, { office: 'EMPTY-1', valid: true, entries: 0, head: null });
  },
);

await t.test('an entry edited behind the service’s back is found (exit 1), and the head is not moved', async (t) => {
  await append('EDIT-1', 6);
  const config = configFor('EDIT-1', ['archivist']);
  t.equal((await verify(config)).run.code, 0);
  await append('EDIT-1', 2);
  await behindTheBack("UPDATE audit_entry SET actor = 'person:forger' WHERE office = $1 AND seq = 3", ['EDIT-1']);
  const text = await lienthong(['audit', 'verify', '--config', config]);
  t.equal(text.code, 1, text.stderr);
  t.match(text.stdout, /BROKEN at entry 3 \(edited\): entry 3 was changed.*\n {2}2 entries before it hold\.\n$/s);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { heads: Record<string, { seq: number }> };
  t.equal(state.heads[`${address}/ EDIT-1`]!.seq, 6, 'the remembered head stays where the chain last held');
});

await t.test('a middle entry deleted behind the service’s back is found', async (t) => {
  await append('DEL-M', 7);
  const config = configFor('DEL-M', ['archivist']);
  await behindTheBack('DELETE FROM audit_entry WHERE office = $1 AND seq = 4', ['DEL-M']);
  const { run, verdict } = await verify(config);
  t.equal(run.code, 1, run.stderr);
  t.match(verdict, { valid: false, entries: 3, broken: { kind: 'removed', seq: 4 } });
  // Renumbered after the deletion so that no gap shows: the links and hashes still do not hold.
  await behindTheBack('UPDATE audit_entry SET seq = seq - 1 WHERE office = $1 AND seq > 4', ['DEL-M']);
  const renumbered = await verify(config);
  t.equal(renumbered.run.code, 1);
  t.match(renumbered.verdict, { valid: false, broken: { kind: 'edited', seq: 4 } });
});

await t.test('the tail deleted, or rewritten, is found through the remembered head', async (t) => {
  await append('DEL-T', 6);
  const config = configFor('DEL-T', ['archivist']);
  t.equal((await verify(config)).run.code, 0, 'verified once: head 6 remembered');
  await behindTheBack('DELETE FROM audit_entry WHERE office = $1 AND seq > 4', ['DEL-T']);
  const fresh = await verify(config, '--state', join(dir, 'elsewhere.json'));
  t.equal(fresh.run.code, 0, 'consistent in itself: a verifier without the remembered head cannot tell');
  const { run, verdict } = await verify(config);
  t.equal(run.code, 1, run.stderr);
  t.match(verdict, { valid: false, entries: 4, remembered: { seq: 6 }, broken: { kind: 'truncated', seq: 6 } });
  t.match(verdict.broken?.message, /^the chain ends at entry 4; entry 6 \([0-9a-f]{16}…\), verified before, is gone$/);
  // Refilled by the service itself with other entries: as long as before, its entry 6 another.
  await append('DEL-T', 3, 'person:someone-else');
  const rewritten = await verify(config);
  t.equal(rewritten.run.code, 1);
  t.match(rewritten.verdict, { valid: false, entries: 5, broken: { kind: 'rewritten', seq: 6 } });
});

await t.test('the tail cut off before a checkpoint is found on a first run, its token verified', async (t) => {
  await append('CKPT-1', 8);
  t.same(
    (await checkpointAuditChains(pool, tsa, { warn: () => undefined })).find((c) => c.office === 'CKPT-1')?.seq,
    8,
    'the archive time-stamped the head',
  );
  const config = configFor('CKPT-1', ['archivist']);
  const anchor = join(dir, 'root.pem');
  writeFileSync(anchor, toPem('CERTIFICATE', h.root.certificate.der));
  const held = await lienthong([
    'audit',
    'verify',
    '--anchor',
    anchor,
    '--state',
    join(dir, 'ckpt-a.json'),
    '--config',
    config,
  ]);
  t.equal(held.code, 0, held.stderr);
  t.match(held.stdout, /; 1 time-stamped checkpoint\(s\) hold, the last at entry 8 \(\d{4}-\d\d-\d\dT[\d:.]+Z\)\n$/);
  const unanchored = await verify(config, '--state', join(dir, 'ckpt-b.json'));
  t.match(unanchored.verdict, { valid: true, checkpoints: { count: 1, lastSeq: 8, anchored: false } });
  const otherRoot = join(dir, 'other-root.pem');
  writeFileSync(otherRoot, toPem('CERTIFICATE', h.tsa.certificate.der));
  const wrongAnchor = await verify(config, '--anchor', otherRoot, '--state', join(dir, 'ckpt-c.json'));
  t.equal(wrongAnchor.run.code, 1, 'a token that does not verify to the anchor given breaks the log');
  t.match(wrongAnchor.verdict.broken, { kind: 'rewritten', seq: 8, message: /token that does not verify/ });

  // Someone with the owner's rights lets the checkpoint's entry go, and cuts the tail off.
  await pool.query('ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_office_seq_fkey');
  try {
    await behindTheBack('DELETE FROM audit_entry WHERE office = $1 AND seq > 5', ['CKPT-1']);
  } finally {
    await pool.query(
      'ALTER TABLE audit_checkpoint ADD CONSTRAINT audit_checkpoint_office_seq_fkey FOREIGN KEY (office, seq) REFERENCES audit_entry (office, seq) NOT VALID',
    );
  }
  const { run, verdict } = await verify(config, '--anchor', anchor, '--state', join(dir, 'ckpt-d.json'));
  t.equal(run.code, 1, 'found by a verifier that never saw the log before');
  t.match(verdict, { valid: false, remembered: null, broken: { kind: 'truncated', seq: 8 } });
  t.match(verdict.broken?.message, /^entry 8 was time-stamped at \S+, the log ends at entry 5$/);
  // Refilled with other entries as long as before: entry 8 is not the one time-stamped.
  await append('CKPT-1', 3, 'person:someone-else');
  const refilled = await verify(config, '--state', join(dir, 'ckpt-e.json'));
  t.equal(refilled.run.code, 1);
  t.match(refilled.verdict.broken, { kind: 'rewritten', seq: 8, message: /is not the one time-stamped/ });
});

await t.test('refusals, bad options, a corrupt state file, an unreachable archive: exit 2', async (t) => {
  const archivist = configFor('VPTU-A', ['archivist']);
  const corrupt = join(dir, 'corrupt.json');
  writeFileSync(corrupt, '{"version":1,"heads":{"x":{"seq":0,"hash":"a"}}}');
  const noArchive = join(dir, 'no-archive.json');
  writeFileSync(noArchive, JSON.stringify({ endpoints: { intake: address }, token: testToken({ office: 'VPTU-A' }) }));
  const cases: [string, string[], RegExp][] = [
    ["another office's log", ['--office', 'EDIT-1', '--config', archivist], /^lienthong: FORBIDDEN: /],
    ['a registry token', ['--config', configFor('VPTU-A', ['registry'])], /^lienthong: FORBIDDEN: /],
    ['an office that is no code', ['--office', '../x', '--config', archivist], /^lienthong: USAGE: /],
    ['a corrupt state file', ['--state', corrupt, '--config', archivist], /^lienthong: AUDIT_STATE_INVALID: /],
    [
      'an unreachable archive',
      ['--config', configFor('GONE-1', ['archivist'], 'http://127.0.0.1:9')],
      /^lienthong: SERVICE_UNREACHABLE: /,
    ],
    ['no archive endpoint', ['--config', noArchive], /^lienthong: CONFIG_INVALID: .*endpoints\.archive is missing/],
  ];
  const runs = await Promise.all(cases.map(([, args]) => lienthong(['audit', 'verify', ...args])));
  cases.forEach(([what, , stderr], i) => {
    t.equal(runs[i]!.code, 2, what);
    t.match(runs[i]!.stderr, stderr, what);
    t.equal(runs[i]!.stdout, '', `${what}: no verdict`);
  });
});

await t.test('a hostile archive: a verdict or exit 2, never a crash or an endless loop', async (t) => {
  let deep: unknown = 1;
  for (let i = 0; i < 50; i++) deep = { d: deep };
  const answers: Record<string, { head: unknown; page: unknown; checkpoints?: unknown } | undefined> = {
    loop: { head: { office: 'X-1', seq: 0, hash: null }, page: { office: 'X-1', entries: [], nextAfter: 0 } },
    foreign: { head: { office: 'X-1', seq: 0, hash: null }, page: { office: 'X-2', entries: [], nextAfter: null } },
    garbage: {
      head: { office: 'X-1', seq: 2, hash: null },
      page: { office: 'X-1', entries: [{ seq: 1, office: 'X-1', detail: deep }, 'x'], nextAfter: null },
    },
    nohead: { head: ['not', 'a', 'head'], page: {} },
    checkpoints: {
      head: { office: 'X-1', seq: 0, hash: null },
      page: { office: 'X-1', entries: [], nextAfter: null },
      checkpoints: { office: 'X-1', checkpoints: [{ seq: 1, hash: 'zz', genTime: 1, token: {} }], nextAfter: null },
    },
    'checkpoint-loop': {
      head: { office: 'X-1', seq: 0, hash: null },
      page: { office: 'X-1', entries: [], nextAfter: null },
      checkpoints: { office: 'X-1', checkpoints: [], nextAfter: 0 },
    },
  };
  const server = createServer((request, response) => {
    const [, mode, ...rest] = (request.url ?? '').split('?')[0]!.split('/');
    const answer = answers[mode!];
    if (answer === undefined) {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an archive</html>');
      return;
    }
    const path = rest.join('/');
    const body =
      path === 'v1/audit/head'
        ? answer.head
        : path === 'v1/audit/checkpoints'
          ? (answer.checkpoints ?? { office: 'X-1', checkpoints: [], nextAfter: null })
          : answer.page;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  const cases: [string, number, RegExp][] = [
    ['loop', 2, /^lienthong: SERVICE_UNREACHABLE: .*does not lead on from 0/],
    ['foreign', 2, /^lienthong: SERVICE_UNREACHABLE: .*not X-1's/],
    ['html', 2, /^lienthong: SERVICE_UNREACHABLE: .*without JSON/],
    ['nohead', 2, /^lienthong: SERVICE_UNREACHABLE: .*without an office and a seq/],
    ['garbage', 1, /^$/],
    ['checkpoints', 2, /^lienthong: SERVICE_UNREACHABLE: .*a checkpoint without a seq, hash, time and token/],
    ['checkpoint-loop', 2, /^lienthong: SERVICE_UNREACHABLE: .*checkpoints that do not lead on/],
  ];
  const runs = await Promise.all(
    cases.map(([mode]) =>
      lienthong([
        'audit',
        'verify',
        '--json',
        '--state',
        join(dir, `hostile-${mode}.json`),
        '--config',
        configFor(`H-${mode}`, ['archivist'], `http://127.0.0.1:${port}/${mode}/`),
      ]),
    ),
  );
  cases.forEach(([mode, code, stderr], i) => {
    t.equal(runs[i]!.code, code, mode);
    t.match(runs[i]!.stderr, stderr, mode);
  });
  const garbage = JSON.parse(runs[4]!.stdout) as Verdict;
  t.match(garbage, { valid: false, entries: 0, broken: { kind: 'malformed', seq: 1 } });
});

await t.test('lienthong --help lists audit verify', async (t) => {
  const main = await lienthong(['--help']);
  t.match(main.stdout, /^ {2}audit verify +check your office's archive audit log/m);
});
