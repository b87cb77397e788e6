/**
 * The TSA's and the OCSP responder's certificates are renewed before they expire: instances
 * started later on the same database (their clock set years ahead) replace the one that is
 * due, once even when two start together, and then time-stamp and answer OCSP with the new
 * certificate; nothing outlives the issuing CA, and a certificate capped at it is not
 * renewed again and again.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  buildOcspRequest,
  buildTimeStampRequest,
  fixedClock,
  readCertificate,
  readOcspResponse,
  readTimeStampResponse,
} from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';
import { buildApp } from '../src/app.ts';
import { findByRole, findEncryptedKey } from '../src/ca/certificate-repository.ts';
import { renewalDue } from '../src/ca/trust-service-renewal.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { uniqueName } from '../../../test/support/env.ts';
import { capturingLogger, connectTestPlatform, dropTestSchemas, startTestSigning, testConfig } from './support.ts';

const day = 86_400_000;
const schema = uniqueName('signing_renewal');
const first = await startTestSigning(schema);
const { pool } = first;
const closers: Array<() => Promise<void>> = [() => first.close()];
t.teardown(async () => {
  for (const close of closers.reverse()) await close();
  await dropTestSchemas(schema);
});
const start = Date.now();
const caller = authHeader({ subject: 'person:nhung', office: 'VPTU-CM', roles: ['signer'] });

/** Another instance on the same schema whose CA clock says `at`. */
async function instanceAt(at: Date): Promise<{ app: ServiceApp; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-renewal-'));
  const { logger, lines } = capturingLogger();
  const platform = await connectTestPlatform(schema, logger, dir);
  const app = await buildApp(testConfig(dir), { platform, logger, clock: fixedClock(at) });
  closers.push(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { app, lines };
}

const rows = async (role: string) =>
  (await pool.query<{ n: string }>('SELECT count(*) AS n FROM certificate WHERE role = $1', [role])).rows[0]?.n;

/** The certificate the instance's TSA puts in its tokens. */
async function tsaCertificateOf(app: ServiceApp): Promise<Uint8Array | undefined> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/tsa',
    headers: { ...caller, 'content-type': 'application/timestamp-query' },
    payload: Buffer.from(
      buildTimeStampRequest({ hash: 'sha256', imprint: createHash('sha256').update('Nghị quyết').digest() }),
    ),
  });
  return readTimeStampResponse(new Uint8Array(res.rawPayload)).token?.signedData.certificates[0]?.der;
}

/** The responder certificate the instance's OCSP answers carry (asked about the TSA's certificate). */
async function ocspCertificateOf(app: ServiceApp): Promise<Uint8Array | undefined> {
  const issuing = readCertificate((await findByRole(pool, 'issuing-ca'))!.der);
  const tsa = readCertificate((await findByRole(pool, 'tsa'))!.der);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ocsp',
    headers: { 'content-type': 'application/ocsp-request' },
    payload: Buffer.from(buildOcspRequest({ issuer: issuing, certificates: [tsa] })),
  });
  return readOcspResponse(new Uint8Array(res.rawPayload)).basic?.certificates[0]?.der;
}

void t.test('due when a fifth of the lifetime, or 30 days, is left', async (t) => {
  const cert = (days: number) => ({ notBefore: new Date(0), notAfter: new Date(days * day) });
  t.notOk(renewalDue(cert(365), new Date(290 * day)), 'OCSP (1 year): 75 days left is not due');
  t.ok(renewalDue(cert(365), new Date(293 * day)), 'OCSP: 72 days left is due');
  t.notOk(renewalDue(cert(5 * 365), new Date(3 * 365 * day)), 'TSA (5 years): two years left is not due');
  t.ok(renewalDue(cert(5 * 365), new Date(4.2 * 365 * day)), 'TSA: under a year left is due');
  t.ok(renewalDue(cert(60), new Date(31 * day)), 'a short certificate: under 30 days left is due');
  t.ok(renewalDue(cert(365), new Date(400 * day)), 'an expired one is due');
});

void t.test(
  '300 days on: the OCSP certificate is renewed once by two instances starting together; the TSA one is kept',
  async (t) => {
    const before = { ocsp: (await findByRole(pool, 'ocsp'))!, tsa: (await findByRole(pool, 'tsa'))! };
    const at = new Date(start + 300 * day);
    const [a, b] = await Promise.all([instanceAt(at), instanceAt(at)]);
    t.equal(await rows('ocsp'), '2', 'one new OCSP certificate, not two');
    t.equal(await rows('tsa'), '1', 'the TSA certificate is not due');
    const renewed = (await findByRole(pool, 'ocsp'))!;
    t.not(renewed.id, before.ocsp.id);
    t.ok(Math.abs(renewed.notBefore.getTime() - at.getTime()) < 5 * 60_000, "valid from the instance's now");
    t.equal(Math.round((renewed.notAfter.getTime() - renewed.notBefore.getTime()) / day), 365, 'for a year');
    t.same(await ocspCertificateOf(a.app), renewed.der, 'instance A answers with the new responder certificate');
    t.same(await ocspCertificateOf(b.app), renewed.der, 'instance B too');
    t.same(await tsaCertificateOf(a.app), before.tsa.der, 'the TSA still signs with its certificate');
    t.ok(
      [...a.lines, ...b.lines].some((l) => l.includes('the ocsp now signs with a new certificate')),
      'the change is logged',
    );
    t.ok(await findEncryptedKey(pool, before.ocsp.id), 'the old certificate and its key are kept');
  },
);

void t.test('4.2 years on: the TSA certificate is renewed and new time-stamps carry it', async (t) => {
  const before = (await findByRole(pool, 'tsa'))!;
  const { app } = await instanceAt(new Date(start + 4.2 * 365 * day));
  const renewed = (await findByRole(pool, 'tsa'))!;
  t.not(renewed.id, before.id);
  t.same(await tsaCertificateOf(app), renewed.der, 'the new certificate signs the tokens');
  t.ok(renewed.notAfter <= (await findByRole(pool, 'issuing-ca'))!.notAfter, 'not past the issuing CA');
});

void t.test("near the issuing CA's end: capped at it, and not renewed again on every start", async (t) => {
  const issuing = (await findByRole(pool, 'issuing-ca'))!;
  await instanceAt(new Date(issuing.notAfter.getTime() - 200 * day));
  const capped = (await findByRole(pool, 'tsa'))!;
  t.same(capped.notAfter, issuing.notAfter, 'the TSA certificate ends with the issuing CA');
  const count = await rows('tsa');
  await instanceAt(new Date(issuing.notAfter.getTime() - 10 * day));
  t.equal(await rows('tsa'), count, 'nothing better can be issued: no new TSA certificate');
});
