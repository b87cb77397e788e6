/**
 * `lienthong doc recall|replace` against a running intake and `lienthong inbox
 * recall-answer` and `delivery status` after a recall against a running delivery on Kafka
 * (127.0.0.1, ports of their own): text and --json, the services' refusals (exit 1), bad
 * command lines (exit 2).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createEnvelope } from '@lienthong/bus';
import { withTransaction } from '@lienthong/db';
import { eventDefinitions } from '@lienthong/records';
import { testToken } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';
import { appendTransition, setDocumentState } from '../../../services/intake/src/documents/document-repository.ts';
import { confirmIssued, reserveNumber } from '../../../services/intake/src/registers/numbering.ts';
import {
  metadataOf,
  plainPdf,
  seedDirectory,
  submissionParts,
  submit,
} from '../../../services/intake/test/documents-support.ts';
import { intakeForFile } from '../../../services/intake/test/support.ts';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from '../../../services/delivery/test/support.ts';
import { MAIN } from './helpers/cli.ts';

const intake = await intakeForFile(t);
await seedDirectory(intake);
const intakeAddress = await intake.app.listen({ host: '127.0.0.1', port: 0 });
const d = await deliveryForFile(t, { bus: 'kafka' });
await d.app.listen({ host: '127.0.0.1', port: 0 });
const deliveryAddress = `http://127.0.0.1:${(d.app.server.address() as AddressInfo).port}`;
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-recall-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function lienthong(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(office: string, roles: string[]): string {
  const path = join(dir, `${office}-${roles.join('-')}.json`);
  const endpoints = { intake: intakeAddress, delivery: deliveryAddress };
  writeFileSync(path, JSON.stringify({ endpoints, token: testToken({ subject: 'system:cli', office, roles }) }));
  return path;
}

/** A document of VPTU-A as the issue route leaves it (numbered, issued), without signing. */
async function issued(): Promise<string> {
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()));
  const id = (JSON.parse(res.body) as { id: string }).id;
  await withTransaction(intake.pool, async (c) => {
    const by = 'person:van-thu-a';
    await reserveNumber(c, { office: 'VPTU-A', documentId: id, type: 'CT', date: new Date(), subject: 'Chỉ thị', by });
    await confirmIssued(c, { office: 'VPTU-A', documentId: id, by });
    await setDocumentState(c, id, 'issued');
    await appendTransition(c, id, { from: 'awaiting-signature', to: 'issued', action: 'issue', by });
  });
  return id;
}

const registryA = configFor('VPTU-A', ['registry']);

await t.test('doc recall (and delivery recall) and doc replace', async (t) => {
  const id = await issued();
  const none = await lienthong(['doc', 'recall', id, '--config', registryA]);
  t.equal(none.code, 2, 'without --reason');
  t.match(none.stderr, /--reason is required/);
  const run = await lienthong(['doc', 'recall', id, '--reason', 'Ban hành nhầm', '--config', registryA]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, new RegExp(`${id}  recalled`));
  const again = await lienthong(['doc', 'recall', id, '--reason', 'Lần nữa', '--config', registryA, '--json']);
  t.equal(again.code, 1);
  t.match(JSON.parse(again.stdout), { code: 'DOCUMENT_TRANSITION_NOT_ALLOWED', state: 'recalled' });
  const other = await lienthong(['doc', 'recall', id, '--reason', 'x', '--config', configFor('VPTU-B', ['registry'])]);
  t.equal(other.code, 1);
  t.match(other.stderr, /DOCUMENT_NOT_FOUND/);
  const byDelivery = await issued();
  const noReason = await lienthong(['delivery', 'recall', byDelivery, '--config', registryA]);
  t.equal(noReason.code, 2, 'delivery recall without --reason');
  t.match(noReason.stderr, /delivery recall: --reason is required/);
  const viaDelivery = await lienthong([
    'delivery',
    'recall',
    byDelivery,
    '--reason',
    'Sai nơi nhận',
    '--config',
    registryA,
  ]);
  t.equal(viaDelivery.code, 0, viaDelivery.stderr);
  t.match(viaDelivery.stdout, new RegExp(`${byDelivery}  recalled`), 'delivery recall is the same recall at intake');

  const old = await issued();
  const fresh = await issued();
  const noBy = await lienthong(['doc', 'replace', old, '--reason', 'x', '--config', registryA]);
  t.equal(noBy.code, 2);
  const replaced = await lienthong([
    'doc',
    'replace',
    old,
    '--by',
    fresh,
    '--reason',
    'Thay thế',
    '--config',
    registryA,
    '--json',
  ]);
  t.equal(replaced.code, 0, replaced.stderr);
  t.match(JSON.parse(replaced.stdout), { id: old, state: 'replaced' });
});

await t.test('inbox recall-answer and delivery status after a recall', async (t) => {
  const data = await issueDocument(d, ['HU-A1', 'HU-B1']);
  await publishIssued(d, issuedEnvelope(data));
  await waitForConsigned(d.pool, data.documentId, 2);
  const a1 = configFor('HU-A1', ['office-system']);
  const b1 = configFor('HU-B1', ['registry']);
  const idOf = async (config: string) =>
    (
      JSON.parse((await lienthong(['inbox', 'list', '--config', config, '--json'])).stdout) as {
        entries: { id: string }[];
      }
    ).entries[0]!.id;
  const [ida1, idb1] = [await idOf(a1), await idOf(b1)];
  const early = await lienthong(['inbox', 'recall-answer', ida1, 'accept', '--config', a1]);
  t.equal(early.code, 1, 'no recall asked yet');
  t.match(early.stderr, /RECALL_NOT_ASKED/);

  const definition = eventDefinitions.documentRecalled;
  const envelope = createEnvelope({
    type: definition.type,
    schemaVersion: 1,
    source: 'intake',
    subject: data.documentId,
    data: {
      documentId: data.documentId,
      office: 'VPTU-A',
      symbol: '12-CT/TU',
      reason: 'Ban hành nhầm',
      recalledAt: new Date().toISOString(),
    },
  });
  await d.bus.publish([{ topic: d.topics.recalled, key: 'VPTU-A', envelope }]);
  await waitFor('13 on both legs', async () => {
    const { rows } = await d.pool.query<{ n: string }>(`SELECT count(*) AS n FROM delivery_leg WHERE status = '13'`);
    return Number(rows[0]!.n) === 2;
  });

  const listed = await lienthong(['inbox', 'list', '--status', '13', '--config', a1]);
  t.match(listed.stdout, /13 recall asked/);
  const bad = await lienthong(['inbox', 'recall-answer', ida1, 'maybe', '--config', a1]);
  t.equal(bad.code, 2, 'neither accept nor refuse');
  const noReason = await lienthong(['inbox', 'recall-answer', idb1, 'refuse', '--config', b1]);
  t.equal(noReason.code, 2, 'a refusal needs --reason');
  const accepted = await lienthong(['inbox', 'recall-answer', ida1, 'accept', '--config', a1]);
  t.equal(accepted.code, 0, accepted.stderr);
  t.match(accepted.stdout, /15 recall accepted/);
  const refused = await lienthong([
    'inbox',
    'recall-answer',
    idb1,
    'refuse',
    '--reason',
    'Đã triển khai',
    '--config',
    b1,
    '--json',
  ]);
  t.equal(refused.code, 0, refused.stderr);
  t.match(JSON.parse(refused.stdout), { status: '16', recallRefusalReason: 'Đã triển khai' });
  const twice = await lienthong(['inbox', 'recall-answer', ida1, 'accept', '--config', a1]);
  t.equal(twice.code, 1);
  t.match(twice.stderr, /RECALL_ALREADY_ANSWERED/);
  const got = await lienthong(['inbox', 'get', ida1, '--config', a1]);
  t.match(got.stdout, /recalled .*: Ban hành nhầm/);

  const status = await lienthong(['delivery', 'status', data.documentId, '--config', registryA]);
  t.equal(status.code, 0, status.stderr);
  t.match(status.stdout, /recalled .*: Ban hành nhầm/);
  t.match(status.stdout, /HU-A1 +15 recall accepted/);
  t.match(status.stdout, /HU-B1 +16 recall refused .*kept: Đã triển khai/);
});
