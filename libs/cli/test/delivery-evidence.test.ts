/**
 * `lienthong delivery evidence DOC -o DIR` against a running delivery service whose evidence
 * the real signing service seals and time-stamps (127.0.0.1, ports of their own), then
 * `lienthong verify DIR` with no network: exit 0 for the bundle as exported, 1 once any
 * piece has a changed byte; and the command's refusals (exit 1 from the services, 2 for the
 * command line and the output folder).
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { toPem } from '@lienthong/pki';
import { publicJwks } from '@lienthong/service';
import { testToken } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';
import { signingForFile } from '../../../services/signing/test/support.ts';
import {
  callerOf,
  deliveryForFile,
  issuedData,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from '../../../services/delivery/test/support.ts';
import { plainPdf } from '../../../services/intake/test/documents-support.ts';
import { MAIN } from './helpers/cli.ts';

const deliveryKey = generateKeyPairSync('ed25519').privateKey;
const signing = await signingForFile(t, { LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1') });
await signing.app.listen({ port: 0, host: '127.0.0.1' });
const signingUrl = `http://127.0.0.1:${(signing.app.server.address() as AddressInfo).port}`;
const seals = new Map<string, string>();
for (const office of ['VPTU-CM', 'VPTU-HN', 'VPTU-BL']) {
  const res = await signing.app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: { authorization: `Bearer ${testToken({ subject: 'person:ca-admin', office, roles: ['ca-admin'] })}` },
    payload: {},
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  seals.set(office, res.json<{ keyId: string }>().keyId);
}
const certificates = (await signing.app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
  certificates: Array<{ id: string; role: string }>;
}>().certificates;
const root = (
  await signing.app.inject({
    method: 'GET',
    url: `/v1/ca/certificates/${certificates.find((c) => c.role === 'root')!.id}`,
  })
).rawPayload;

const d = await deliveryForFile(t, {
  env: {
    LIENTHONG_DELIVERY_SIGNING_URL: signingUrl,
    LIENTHONG_DELIVERY_EVIDENCE_KEY: deliveryKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-1',
    LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: '50',
  },
});
await d.app.listen({ host: '127.0.0.1', port: 0 });
const deliveryUrl = `http://127.0.0.1:${(d.app.server.address() as AddressInfo).port}`;

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-evidence-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'root.pem'), toPem('CERTIFICATE', new Uint8Array(root)));

function lienthong(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: dir, env: { LANG: 'C.UTF-8' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function configFor(office: string, role: string): string {
  const path = join(dir, `${office}-${role}.json`);
  const endpoints = { delivery: deliveryUrl, signing: signingUrl };
  writeFileSync(
    path,
    JSON.stringify({ endpoints, token: testToken({ subject: 'system:cli', office, roles: [role] }) }),
  );
  return path;
}
const sender = configFor('VPTU-CM', 'registry');

// One directive from VPTU-CM, sealed by its seal (the bundle's verify checks its PAdES
// signature too), to two offices: one fetches it, one refuses it.
const sealedPdf = await signing.app.inject({
  method: 'POST',
  url: `/v1/keys/${seals.get('VPTU-CM')}/pdf-signatures?level=B-T`,
  headers: {
    authorization: `Bearer ${testToken({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] })}`,
    'content-type': 'application/pdf',
  },
  payload: await plainPdf(),
});
if (sealedPdf.statusCode !== 200) throw new Error(sealedPdf.body);
const pdf = sealedPdf.rawPayload;
const documentId = randomUUID();
const put = await d.store.put(d.bucket, `documents/${documentId}/issued.pdf`, pdf, { contentType: 'application/pdf' });
const data = issuedData(
  d.bucket,
  ['VPTU-BL', 'VPTU-HN'],
  {
    sha256: createHash('sha256').update(pdf).digest('hex'),
    byteLength: pdf.length,
    ...(put.versionId === 'null' ? {} : { versionId: put.versionId }),
  },
  { documentId, office: 'VPTU-CM' },
);
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(d.pool, data.documentId, 2);
const legOf = async (office: string) =>
  (
    await d.pool.query<{ id: string }>(
      'SELECT l.id FROM delivery_leg l JOIN delivery x ON x.id = l.delivery_id WHERE x.document_id = $1 AND l.recipient = $2',
      [data.documentId, office],
    )
  ).rows[0]!.id;
const fetched = await d.app.inject({
  method: 'GET',
  url: `/v1/inbox/${await legOf('VPTU-HN')}/content`,
  headers: callerOf('VPTU-HN', 'registry'),
});
if (fetched.statusCode !== 200) throw new Error(fetched.body);
const refused = await d.app.inject({
  method: 'POST',
  url: `/v1/inbox/${await legOf('VPTU-BL')}/refusal`,
  headers: { ...callerOf('VPTU-BL', 'registry'), 'content-type': 'application/json' },
  payload: JSON.stringify({ reason: 'Không thuộc thẩm quyền' }),
});
if (refused.statusCode !== 200) throw new Error(refused.body);
// Submission, two consignments, a hand-over and a refusal: all sealed and stamped.
await waitFor(
  'five evidence sealed and time-stamped',
  async () =>
    Number(
      (
        await d.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM evidence e JOIN evidence_batch b ON b.id = e.batch_id
           WHERE b.token IS NOT NULL AND e.delivery_id = (SELECT id FROM delivery WHERE document_id = $1)`,
          [data.documentId],
        )
      ).rows[0]!.n,
    ) === 5,
);

await t.test('export, then verify offline: exit 0; a changed byte in any piece: exit 1', async (t) => {
  const run = await lienthong(['delivery', 'evidence', data.documentId, '-o', 'bundle', '--config', sender]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /wrote bundle: document \d+ bytes .*, 5 evidence, 3 certificate\(s\), 2 CRL\(s\)/);
  t.equal(run.stderr.replace(/.*TimeoutNegativeWarning.*\n?/g, '').trim(), '', 'no warning: everything sealed');
  t.same(readdirSync(join(dir, 'bundle')).sort(), [
    'certificates',
    'crls',
    'document.pdf',
    'evidence',
    'manifest.json',
    'timestamps',
  ]);
  t.notOk(
    readdirSync(dir).some((name) => name.includes('.partial-')),
    'no working folder left',
  );
  const verified = await lienthong(['verify', 'bundle', '--anchor', 'root.pem']);
  t.equal(verified.code, 0, verified.stdout + verified.stderr);
  const json = await lienthong(['verify', 'bundle', '--anchor', 'root.pem', '--json']);
  t.match(JSON.parse(json.stdout), { valid: true });

  for (const piece of [
    'document.pdf',
    `evidence/${readdirSync(join(dir, 'bundle', 'evidence')).find((f) => f.endsWith('.p7s'))}`,
  ]) {
    const path = join(dir, 'bundle', piece);
    const original = readFileSync(path);
    const changed = Buffer.from(original);
    changed[changed.length >> 1]! ^= 0x01;
    writeFileSync(path, changed);
    const failed = await lienthong(['verify', 'bundle', '--anchor', 'root.pem']);
    t.equal(failed.code, 1, `a changed byte in ${piece} fails the bundle`);
    writeFileSync(path, original);
  }
  t.equal((await lienthong(['verify', 'bundle', '--anchor', 'root.pem'])).code, 0, 'restored, it verifies again');

  const json2 = await lienthong([
    'delivery',
    'evidence',
    data.documentId,
    '-o',
    'bundle2',
    '--config',
    sender,
    '--json',
  ]);
  t.equal(json2.code, 0, json2.stderr);
  t.match(JSON.parse(json2.stdout), {
    documentId: data.documentId,
    evidence: 5,
    unsealed: 0,
    unstamped: 0,
    dir: 'bundle2',
  });
});

await t.test("a recipient exports its own leg's evidence: the submission and its leg, and it verifies", async (t) => {
  const hn = configFor('VPTU-HN', 'registry');
  const run = await lienthong(['inbox', 'evidence', await legOf('VPTU-HN'), '-o', 'hn', '--config', hn, '--json']);
  t.equal(run.code, 0, run.stderr);
  t.match(JSON.parse(run.stdout), { documentId: data.documentId, evidence: 3, unsealed: 0, unstamped: 0 });
  const verified = await lienthong(['verify', 'hn', '--anchor', 'root.pem', '--json']);
  t.equal(verified.code, 0, verified.stdout);
  const report = JSON.parse(verified.stdout) as { legs: Array<{ recipientOffice?: string }> };
  t.notOk(JSON.stringify(report).includes('VPTU-BL'), "nothing of another recipient's leg");
  const other = await lienthong([
    'inbox',
    'evidence',
    await legOf('VPTU-HN'),
    '-o',
    'bl',
    '--config',
    configFor('VPTU-BL', 'registry'),
  ]);
  t.equal(other.code, 1, "another office's entry");
  t.match(other.stderr, /INBOX_ENTRY_NOT_FOUND/);
});

await t.test('refusals: the command line, the output folder, another office, an unknown document', async (t) => {
  const noOutput = await lienthong(['delivery', 'evidence', data.documentId, '--config', sender]);
  t.equal(noOutput.code, 2, 'without -o');
  t.match(noOutput.stderr, /--output is required/);
  mkdirSync(join(dir, 'full'));
  writeFileSync(join(dir, 'full', 'keep.txt'), 'mine');
  const notEmpty = await lienthong(['delivery', 'evidence', data.documentId, '-o', 'full', '--config', sender]);
  t.equal(notEmpty.code, 2, 'a folder that is not empty');
  t.match(notEmpty.stderr, /not empty/);
  t.same(readdirSync(join(dir, 'full')), ['keep.txt'], 'left as it was');
  const other = await lienthong([
    'delivery',
    'evidence',
    data.documentId,
    '-o',
    'other',
    '--config',
    configFor('VPTU-HN', 'registry'),
  ]);
  t.equal(other.code, 1, 'a recipient is not the sender');
  t.match(other.stderr, /DELIVERY_NOT_FOUND/);
  const unknown = await lienthong([
    'delivery',
    'evidence',
    '00000000-0000-4000-8000-000000000000',
    '-o',
    'unknown',
    '--config',
    sender,
  ]);
  t.equal(unknown.code, 1);
  t.notOk(readdirSync(dir).includes('other') || readdirSync(dir).includes('unknown'), 'nothing written');
  const noSigning = join(dir, 'no-signing.json');
  writeFileSync(
    noSigning,
    JSON.stringify({
      endpoints: { delivery: deliveryUrl },
      token: testToken({ subject: 'system:cli', office: 'VPTU-CM', roles: ['registry'] }),
    }),
  );
  const unconfigured = await lienthong(['delivery', 'evidence', data.documentId, '-o', 'x', '--config', noSigning]);
  t.equal(unconfigured.code, 2, 'a configuration without the signing endpoint');
  t.match(unconfigured.stderr, /endpoints\.signing is missing/);
});
