/**
 * POST /v1/verify says which trust anchor a signature's path ended at and who supplied it:
 * this CA's root, the deployment's anchors file, or the caller's `anchors`. A signature that
 * reaches trust only through a caller's anchor must say so.
 */
import t from 'tap';
import { keySigner, signCades, toPem } from '@lienthong/pki';
import { buildHierarchy } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { issuePerson, scratch } from './fixtures.ts';
import { signingForFile } from './support.ts';

const s = scratch();
t.teardown(() => s.cleanup());
const caller = authHeader({ subject: 'person:archivist', office: 'VPTU-CM', roles: ['archivist'] });
const content = Buffer.from('Công văn số 14-CV/VPTU');
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const external = await buildHierarchy();
const externalSignature = await signCades(content, keySigner(external.person.privateKey), {
  certificate: external.person.certificate,
  chain: [external.intermediate.certificate],
});

interface Marked {
  indication: string;
  message: string;
  trusted: boolean;
  pathFailure?: { reason: string; message?: string };
  chain: Array<{ subject: string; sha256: string; anchor?: string }>;
  trustAnchor?: { source: string; subject: string; sha256: string };
  signers: Array<{ trustAnchor?: { source: string } }>;
}

const { app, pool } = await signingForFile(t);
const verify = async (signature: Uint8Array, anchors?: Uint8Array[]): Promise<Marked> => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/verify',
    headers: caller,
    payload: { signature: b64(signature), content: b64(content), ...(anchors ? { anchors: anchors.map(b64) } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json<Marked>();
};

void t.test('a signature whose path ends only at a caller-supplied anchor says so', async (t) => {
  const report = await verify(externalSignature, [external.root.certificate.der]);
  t.match(report.trustAnchor, { source: 'caller-supplied', sha256: external.root.certificate.fingerprint });
  t.equal(report.signers[0]?.trustAnchor?.source, 'caller-supplied', 'each signer says it too');
  t.equal(report.chain.at(-1)?.anchor, 'caller-supplied', 'the anchor of the chain is marked');
  t.ok(
    report.chain.slice(0, -1).every((c) => c.anchor === undefined),
    'the signer and intermediate are not anchors',
  );

  const without = await verify(externalSignature);
  t.equal(without.trusted, false, 'without the caller anchor it is not trusted');
  t.equal(without.trustAnchor, undefined, 'and names no anchor');
  t.equal(without.pathFailure?.reason, 'NO_PATH', 'the report says why the path failed');
});

void t.test('a signature of this CA names the local root, even when the caller re-sends it', async (t) => {
  const person = await issuePerson(pool, 'Đỗ Thị Hoa');
  const signature = await person.sign(content);
  for (const anchors of [undefined, [person.root.der], [external.root.certificate.der]]) {
    const report = await verify(signature, anchors);
    t.equal(report.trusted, true);
    t.match(
      report.trustAnchor,
      { source: 'local-root', sha256: person.root.fingerprint },
      `anchors ${String(anchors?.length ?? 0)}`,
    );
  }
});

void t.test('a signature under the configured anchors file names "configured"', async (t) => {
  const file = s.file('external-roots.pem', toPem('CERTIFICATE', external.root.certificate.der));
  const configured = await signingForFile(t, { LIENTHONG_SIGNING_TRUST_ANCHORS_FILE: file });
  const res = await configured.app.inject({
    method: 'POST',
    url: '/v1/verify',
    headers: caller,
    payload: {
      signature: b64(externalSignature),
      content: b64(content),
      anchors: [b64(external.root.certificate.der)],
    },
  });
  t.equal(res.json<Marked>().trustAnchor?.source, 'configured', 'the deployment vouches for it, not only the caller');
});

void t.test('/docs describes the anchor marks', async (t) => {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).body;
  t.match(doc, /"trustAnchor"/, 'trustAnchor is in the response schema');
  t.match(doc, /"caller-supplied"/, 'with its sources');
});

void t.test(
  "a certificate made with this CA's key that its records do not hold does not pass (the database is the authority)",
  async (t) => {
    const ghost = await issuePerson(pool, 'Người Không Có Hồ Sơ', { recorded: false });
    const refused = await verify(await ghost.sign(content));
    t.equal(refused.indication, 'INDETERMINATE', 'no CRL can vouch for a certificate the CA never recorded');
    t.match(refused.message, /records hold no certificate/);
    const known = await issuePerson(pool, 'Đỗ Thị Hồng');
    t.equal((await verify(await known.sign(content))).indication, 'TOTAL_PASSED', 'a recorded one passes');
  },
);
