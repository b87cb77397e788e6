/**
 * The root key is not needed online: the root's CRL is pre-issued for a year (configurable),
 * so with the root's key taken out of the database the service goes on, months later, serving
 * CRLs, OCSP, time-stamps, signatures and verification. When the root's CRL is due and its key
 * is away, the start says so and serves the current one; with the key back, it is re-issued.
 * A request about the issuing CA's own status is answered `unauthorized` rather than signed
 * with the root's key.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildOcspRequest, fixedClock, readCertificate, readCrl, readOcspResponse } from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { uniqueName } from '../../../test/support/env.ts';
import { buildApp } from '../src/app.ts';
import { findByRole } from '../src/ca/certificate-repository.ts';
import { enrolKey, testPin, type TestSigner } from './enrolment.ts';
import { ocspStatus } from './ocsp-status.ts';
import { capturingLogger, connectTestPlatform, dropTestSchemas, startTestSigning, testConfig } from './support.ts';

const day = 86_400_000;
const schema = uniqueName('signing_root_offline');
const first = await startTestSigning(schema);
const { pool } = first;
const closers: Array<() => Promise<void>> = [() => first.close()];
t.teardown(async () => {
  for (const close of closers.reverse()) await close();
  await dropTestSchemas(schema);
});
const start = Date.now();
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const nhung: TestSigner = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
const content = Buffer.from('Quyết định số 15-QĐ/TU');

/** Another instance on the same schema whose CA clock says `at`. */
async function instanceAt(at: Date, env: Record<string, string> = {}): Promise<{ app: ServiceApp; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-root-offline-'));
  const { logger, lines } = capturingLogger();
  const platform = await connectTestPlatform(schema, logger, dir);
  const app = await buildApp(testConfig(dir, env), { platform, logger, clock: fixedClock(at) });
  closers.push(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { app, lines };
}

const rootCrlOf = async (app: ServiceApp) =>
  readCrl((await app.inject({ method: 'GET', url: '/v1/ca/crl?issuer=root' })).rawPayload);
const root = (await findByRole(pool, 'root'))!;
const issuing = (await findByRole(pool, 'issuing-ca'))!;

const seal = await first.app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
const { keyId: sealId } = seal.json<{ keyId: string }>();
const personal = await enrolKey<{ id: string; certificate: string }>(first.app, nhung, { pin: testPin });

void t.test('the root CRL is issued at setup for a year', async (t) => {
  const crl = await rootCrlOf(first.app);
  t.equal(crl.crlNumber, 1n);
  t.equal(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime(), 365 * day);
});

// The root key leaves the database (kept offline) at the start of the next subtest; the row
// is kept to put it back later. No await at the top level between subtests: tap ends the
// root test at 'beforeExit', and a later t.test() would then come too late.
let rootKey: Buffer | undefined;
async function takeRootKeyOffline(): Promise<void> {
  rootKey = (
    await pool.query<{ encrypted_pkcs8: Buffer }>('SELECT encrypted_pkcs8 FROM private_key WHERE certificate_id = $1', [
      root.id,
    ])
  ).rows[0]!.encrypted_pkcs8;
  await pool.query('DELETE FROM private_key WHERE certificate_id = $1', [root.id]);
}

void t.test('two months on, without the root key: CRLs, OCSP, time-stamps, seals and verification work', async (t) => {
  await takeRootKeyOffline();
  const { app, lines } = await instanceAt(new Date(start + 60 * day));
  t.notOk(
    lines.some((l) => l.includes("root's key is not in the database")),
    'nothing due yet',
  );
  const rootCrl = await rootCrlOf(app);
  t.equal(rootCrl.crlNumber, 1n, 'the pre-issued root CRL is served');
  const issuingCrl = readCrl((await app.inject({ method: 'GET', url: '/v1/ca/crl' })).rawPayload);
  t.ok(
    issuingCrl.thisUpdate.getTime() >= start + 60 * day - 1000,
    "the issuing CA's CRL is re-issued (its key is here)",
  );
  t.equal(await ocspStatus(app, Buffer.from(personal.certificate, 'base64')), 'good');
  const aboutIssuing = await app.inject({
    method: 'POST',
    url: '/v1/ocsp',
    headers: { 'content-type': 'application/ocsp-request' },
    payload: Buffer.from(
      buildOcspRequest({ issuer: readCertificate(root.der), certificates: [readCertificate(issuing.der)] }),
    ),
  });
  t.equal(
    readOcspResponse(aboutIssuing.rawPayload).status,
    6,
    "the issuing CA's status: unauthorized, not signed by the root",
  );
  const sealed = await app.inject({
    method: 'POST',
    url: `/v1/keys/${sealId}/signatures`,
    headers: registry,
    payload: { digest: createHash('sha256').update(content).digest().toString('base64'), level: 'B-T' },
  });
  t.equal(sealed.statusCode, 201, `the seal signs, time-stamped: ${sealed.body.slice(0, 200)}`);
  const verified = await app.inject({
    method: 'POST',
    url: '/v1/verify',
    headers: registry,
    payload: { signature: sealed.json<{ signature: string }>().signature, content: content.toString('base64') },
  });
  t.match(verified.json(), { indication: 'TOTAL_PASSED' }, 'verified with the root CRL as pre-issued');
  const pdf = await app.inject({
    method: 'POST',
    url: `/v1/keys/${sealId}/pdf-signatures?level=B-LT`,
    headers: { ...registry, 'content-type': 'application/pdf' },
    payload: Buffer.from(await fixturePdf({ pages: 1 })),
  });
  t.equal(pdf.statusCode, 200, `a B-LT PDF, the root CRL in its DSS: ${pdf.body.slice(0, 200)}`);
  const report = await app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...registry, 'content-type': 'application/pdf' },
    payload: pdf.rawPayload,
  });
  t.match(report.json(), { indication: 'TOTAL_PASSED' }, 'and it verifies');
});

void t.test(
  'ten months on: the root CRL is due; without its key the start says so and serves the current one',
  async (t) => {
    const { app, lines } = await instanceAt(new Date(start + 300 * day));
    t.ok(
      lines.some((l) => l.includes("root's key is not in the database")),
      'a warning names what is needed',
    );
    t.equal((await rootCrlOf(app)).crlNumber, 1n);
  },
);

void t.test('with the root key back, the due root CRL is issued for another year', async (t) => {
  await pool.query('INSERT INTO private_key (certificate_id, encrypted_pkcs8) VALUES ($1, $2)', [root.id, rootKey!]);
  const at = new Date(start + 300 * day);
  const { app } = await instanceAt(at, { LIENTHONG_SIGNING_ROOT_CRL_DAYS: '730' });
  const crl = await rootCrlOf(app);
  t.equal(crl.crlNumber, 2n);
  t.equal(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime(), 730 * day, 'for the configured period');
});
