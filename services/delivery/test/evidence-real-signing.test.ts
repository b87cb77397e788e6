/**
 * Evidence sealed by the real signing service (its `POST /v1/evidence/signatures`, offices
 * registered with seals by its CA, delivery's key in LIENTHONG_SIGNING_EVIDENCE_JWKS) and
 * time-stamped by its TSA (the default `<signing>/v1/tsa`, with the same evidence token):
 * a delivery from VPTU-CM to VPTU-HN and VPTU-BL, a hand-over and a refusal sealed by the
 * recipients' seals, each CMS checked against signing's root, the chains, a bundle from the
 * export routes with signing's CA certificates and CRLs through verifyBundle; and an office
 * signing does not know (409 OFFICE_NOT_REGISTERED): its rows wait, the others are sealed.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { assembleBundle, checkEvidence, evidenceDigest, verifyBundle } from '@lienthong/evidence';
import { toPem } from '@lienthong/pki';
import { publicJwks } from '@lienthong/service';
import { signingForFile } from '../../signing/test/support.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { waitFor } from '../../../test/support/env.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const deliveryKey = generateKeyPairSync('ed25519').privateKey;
const signing = await signingForFile(t, { LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1') });
await signing.app.listen({ port: 0, host: '127.0.0.1' });
const signingUrl = `http://127.0.0.1:${(signing.app.server.address() as AddressInfo).port}`;
for (const office of ['VPTU-CM', 'VPTU-HN', 'VPTU-BL']) {
  const res = await signing.app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: authHeader({ subject: 'person:ca-admin', office, roles: ['ca-admin'] }),
    payload: {},
  });
  if (res.statusCode !== 201) throw new Error(res.body);
}
const fetchDer = async (url: string): Promise<Buffer> => (await signing.app.inject({ method: 'GET', url })).rawPayload;
const certificates = (await signing.app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
  certificates: Array<{ id: string; role: string }>;
}>().certificates;
const root = await fetchDer(`/v1/ca/certificates/${certificates.find((c) => c.role === 'root')!.id}`);
const issuing = await fetchDer(`/v1/ca/certificates/${certificates.find((c) => c.role === 'issuing-ca')!.id}`);
const tsaCertificate = await fetchDer(`/v1/ca/certificates/${certificates.find((c) => c.role === 'tsa')!.id}`);
const crls = [await fetchDer('/v1/ca/crl?issuer=issuing-ca'), await fetchDer('/v1/ca/crl?issuer=root')];

const d = await deliveryForFile(t, {
  env: {
    LIENTHONG_DELIVERY_SIGNING_URL: signingUrl,
    LIENTHONG_DELIVERY_EVIDENCE_KEY: deliveryKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-1',
    LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: '50',
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MIN_MS: '20',
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MAX_MS: '200',
  },
});
const { app, pool } = d;
const trust = { trustAnchors: [root], time: new Date() };

const data = await issueDocument(d, ['VPTU-BL', 'VPTU-HN', 'HU-X'], { office: 'VPTU-CM' });
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 3);
const deliveryId = (
  await pool.query<{ id: string }>('SELECT id FROM delivery WHERE document_id = $1', [data.documentId])
).rows[0]!.id;
const legOf = async (office: string) =>
  (
    await pool.query<{ id: string }>('SELECT id FROM delivery_leg WHERE delivery_id = $1 AND recipient = $2', [
      deliveryId,
      office,
    ])
  ).rows[0]!.id;
const hn = callerOf('VPTU-HN', 'registry');
const bl = callerOf('VPTU-BL', 'registry');
const x = callerOf('HU-X', 'registry');
await t.test('two hand-overs and a refusal', async (t) => {
  for (const [leg, who] of [
    [await legOf('VPTU-HN'), hn],
    [await legOf('HU-X'), x],
  ] as const)
    t.equal((await app.inject({ method: 'GET', url: `/v1/inbox/${leg}/content`, headers: who })).statusCode, 200);
  const refused = await app.inject({
    method: 'POST',
    url: `/v1/inbox/${await legOf('VPTU-BL')}/refusal`,
    headers: { ...bl, 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: 'Không thuộc thẩm quyền' }),
  });
  t.equal(refused.statusCode, 200, refused.body);
});

interface Row {
  id: string;
  event: string;
  recipient_office: string | null;
  acting_office: string;
  cms: Buffer | null;
  last_error: string | null;
  stamped: boolean;
}
const rows = async (): Promise<Row[]> =>
  (
    await pool.query<Row>(
      `SELECT e.id, e.event, e.recipient_office, e.acting_office, e.cms, e.last_error, b.token IS NOT NULL AS stamped
       FROM evidence e LEFT JOIN evidence_batch b ON b.id = e.batch_id
       WHERE e.delivery_id = $1 ORDER BY coalesce(e.recipient_office, ''), e.seq`,
      [deliveryId],
    )
  ).rows;

await t.test('sealed by the real signing service; an unknown office’s act waits alone', async (t) => {
  await waitFor('all but HU-X’s hand-over sealed and stamped, and that one refused', async () =>
    (await rows()).every((r) =>
      r.acting_office === 'HU-X' ? r.last_error !== null && r.cms === null : r.cms !== null && r.stamped,
    ),
  );
  const all = await rows();
  t.same(
    all.map((r) => [r.recipient_office, r.event, r.acting_office]),
    [
      [null, 'SubmissionAcceptance', 'VPTU-CM'],
      ['HU-X', 'ContentConsignment', 'VPTU-CM'],
      ['HU-X', 'ContentHandover', 'HU-X'],
      ['VPTU-BL', 'ContentConsignment', 'VPTU-CM'],
      ['VPTU-BL', 'RejectionByRecipient', 'VPTU-BL'],
      ['VPTU-HN', 'ContentConsignment', 'VPTU-CM'],
      ['VPTU-HN', 'ContentHandover', 'VPTU-HN'],
    ],
  );
  t.match(all.find((r) => r.acting_office === 'HU-X')!.last_error, /OFFICE_NOT_REGISTERED|409/);
  let previous: Row | undefined;
  for (const r of all.filter((r) => r.cms !== null)) {
    const check = checkEvidence(r.cms!, { ...trust, crls });
    t.ok(check.ok, `${r.event} of ${r.recipient_office}: ${check.message}`);
    const statement = check.statement!;
    const predecessor =
      r.recipient_office === null ? undefined : previous?.recipient_office === r.recipient_office ? previous : all[0];
    t.equal(statement.previous, predecessor && Buffer.from(evidenceDigest(predecessor.cms!)).toString('hex'));
    previous = r;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lt-evidence-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const refusal = all.find((r) => r.event === 'RejectionByRecipient')!;
  await writeFile(join(dir, 'e.p7s'), refusal.cms!);
  await writeFile(join(dir, 'root.pem'), toPem('CERTIFICATE', root));
  const printed = execFileSync(
    'openssl',
    ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'e.p7s'), '-CAfile', join(dir, 'root.pem')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.match(
    printed.toString('utf8'),
    /"event":"RejectionByRecipient"/,
    'openssl verifies the refusal against signing’s root',
  );
});

await t.test('a bundle from the export routes with signing’s CA certificates and CRLs verifies', async (t) => {
  const sender = callerOf('VPTU-CM', 'office-system');
  const page = (
    await app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}/evidence`, headers: sender })
  ).json<{
    evidence: Array<{
      cms: string | null;
      proof: { index: number; size: number; path: string[] } | null;
      timestamp: string | null;
      recipientOffice: string | null;
    }>;
    timestamps: Array<{ id: string; token: string }>;
  }>();
  const content = await app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}/content`, headers: sender });
  const tokens = new Map(page.timestamps.map((ts) => [ts.id, Buffer.from(ts.token, 'base64')]));
  const sealed = page.evidence.filter((e) => e.recipientOffice !== 'HU-X');
  const files = assembleBundle({
    documentId: data.documentId,
    document: content.rawPayload,
    evidence: sealed.map((e) => ({
      cms: Buffer.from(e.cms!, 'base64'),
      stamp: {
        proof: { ...e.proof!, path: e.proof!.path.map((h) => Buffer.from(h, 'hex')) },
        token: tokens.get(e.timestamp!)!,
      },
    })),
    certificates: [issuing, root, tsaCertificate],
    // Signing's CRLs, for the seals and its TSA alike.
    crls,
  });
  const report = await verifyBundle(files, trust);
  t.ok(report.valid, JSON.stringify(report.pieces.filter((p) => !p.ok)));
  t.ok(report.revocationChecked, 'revocation checked against signing’s CRLs');
  t.equal(
    page.evidence.find((e) => e.recipientOffice === 'HU-X' && e.cms === null) !== undefined,
    true,
    'the waiting one is listed unsealed',
  );
});
