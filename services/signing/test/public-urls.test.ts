/**
 * LIENTHONG_SIGNING_PUBLIC_URL: the certificates the local CA issues say where their CRL
 * (cRLDistributionPoints, RFC 5280 §4.2.1.13), their issuer and the OCSP responder
 * (authorityInfoAccess, §4.2.2.1) are. The service listens on a real loopback port, and
 * openssl, as an outside validator, fetches the CRLs and asks the OCSP responder at the
 * URLs the certificates carry. Without the variable nothing changes; a hierarchy created
 * before it was set is kept as it is.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { readCertificate, readCrl, toPem, type Certificate } from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';
import { authHeader } from '../../../test/support/auth.ts';
import { runTool, skipUnless } from '../../../test/support/judges.ts';
import { freePort } from '../../../test/support/transports.ts';
import { enrolKey, testPin } from './enrolment.ts';
import { signingForFile, startTestSigning } from './support.ts';

const officeName = 'VPTU-CM';
const admin = authHeader({ subject: 'person:admin', office: officeName, roles: ['ca-admin'] });

// The URL must be in the config before the CA is set up: take a free port first.
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// Given with a trailing slash: the config trims it, so no URL below holds '//'.
const signing = await signingForFile(t, { LIENTHONG_SIGNING_PUBLIC_URL: `${base}/` });
const { app } = signing;
await app.listen({ port, host: '127.0.0.1' });

const dir = await mkdtemp(join(tmpdir(), 'signing-public-urls-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const file = async (name: string, data: string | Uint8Array): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};

interface Listed {
  id: string;
  role: string;
  serial: string;
}
// Personal certificates are listed only to their office: pass the office's headers to see them.
const listOf = async (on: ServiceApp, headers: Record<string, string> = {}): Promise<Listed[]> =>
  (await on.inject({ method: 'GET', url: '/v1/ca/certificates?limit=100', headers })).json<{
    certificates: Listed[];
  }>().certificates;
const derOf = async (on: ServiceApp, id: string): Promise<Uint8Array> =>
  new Uint8Array((await on.inject({ method: 'GET', url: `/v1/ca/certificates/${id}` })).rawPayload);
const listed = await listOf(app);
const idOf = (role: string): string => listed.find((c) => c.role === role)!.id;
const rootId = idOf('root');
const issuingId = idOf('issuing-ca');

/** The CDP URIs of a certificate, as libs/pki reads them. */
const crlUrisOf = (cert: Certificate): string[] =>
  (cert.crlDistributionPoints ?? [])
    .flatMap((dp) => (dp.name !== undefined && 'fullName' in dp.name ? dp.name.fullName : []))
    .flatMap((g) => (g.kind === 'uri' ? [g.value] : []));

/** The AIA of a certificate as Node's X509Certificate prints it ("OCSP - URI:…" lines). */
function aiaOf(der: Uint8Array): { ocsp: string[]; caIssuers: string[] } {
  const lines = (new X509Certificate(der).infoAccess ?? '').split('\n').filter((l) => l !== '');
  const uris = (method: string) =>
    lines.filter((l) => l.startsWith(`${method} - URI:`)).map((l) => l.slice(`${method} - URI:`.length));
  return { ocsp: uris('OCSP'), caIssuers: uris('CA Issuers') };
}

const hasExtension = (cert: Certificate, oid: string): boolean => cert.extensions.some((e) => e.oid === oid);
const cdpOid = '2.5.29.31';
const aiaOid = '1.3.6.1.5.5.7.1.1';

/** A personal certificate for `name` (recorded by the office as person:nhung, asked for, approved). */
async function enrol(on: ServiceApp, name: string): Promise<{ der: Uint8Array; certificateId: string }> {
  const key = await enrolKey<{ certificate: string }>(
    on,
    { subject: 'person:nhung', office: officeName, name, title: 'Chánh Văn phòng' },
    { pin: testPin, keyType: 'p-256' },
  );
  const der = new Uint8Array(Buffer.from(key.certificate, 'base64'));
  const serial = readCertificate(der).serialHex;
  const certificateId = (await listOf(on, admin)).find((c) => c.serial === serial)!.id;
  return { der, certificateId };
}

const rootPem = await file('root.pem', toPem('CERTIFICATE', await derOf(app, rootId)));
const issuingPem = await file('issuing.pem', toPem('CERTIFICATE', await derOf(app, issuingId)));

void t.test(
  'the hierarchy created with the URL: the root bare, the certificates below it point to their issuer',
  async (t) => {
    const root = readCertificate(await derOf(app, rootId));
    t.notOk(
      hasExtension(root, cdpOid) || hasExtension(root, aiaOid),
      'the self-signed root carries neither CDP nor AIA',
    );

    const issuingDer = await derOf(app, issuingId);
    t.same(
      crlUrisOf(readCertificate(issuingDer)),
      [`${base}/v1/ca/certificates/${rootId}/crl`],
      "the issuing CA: the root's CRL",
    );
    t.same(
      aiaOf(issuingDer),
      { ocsp: [], caIssuers: [`${base}/v1/ca/certificates/${rootId}`] },
      'the issuing CA: the root as caIssuers, no OCSP',
    );

    for (const role of ['tsa', 'ocsp']) {
      const der = await derOf(app, idOf(role));
      t.same(
        crlUrisOf(readCertificate(der)),
        [`${base}/v1/ca/certificates/${issuingId}/crl`],
        `${role}: the issuing CA's CRL`,
      );
      t.same(aiaOf(der), { ocsp: [], caIssuers: [`${base}/v1/ca/certificates/${issuingId}`] }, `${role}: no AIA OCSP`);
    }
    t.same(
      readCertificate(await derOf(app, idOf('ocsp'))).extensions.filter((e) => e.oid === '1.3.6.1.5.5.7.48.1.5').length,
      1,
      'the responder keeps id-pkix-ocsp-nocheck',
    );
  },
);

void t.test(
  'a personal certificate and a seal carry CDP, AIA OCSP and caIssuers, and the URLs answer without a token',
  async (t) => {
    const person = await enrol(app, 'Nguyễn Thị Hồng Nhung');
    const sealRes = await app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: admin,
      payload: {},
    });
    t.equal(sealRes.statusCode, 201, sealRes.body);
    const sealDer = await derOf(app, sealRes.json<{ id: string }>().id);

    for (const [what, der] of [
      ['person', person.der],
      ['seal', sealDer],
    ] as const) {
      t.same(crlUrisOf(readCertificate(der)), [`${base}/v1/ca/certificates/${issuingId}/crl`], `${what}: CDP`);
      t.same(
        aiaOf(der),
        { ocsp: [`${base}/v1/ocsp`], caIssuers: [`${base}/v1/ca/certificates/${issuingId}`] },
        `${what}: AIA`,
      );
    }

    // Over real HTTP, as a validator fetches them: no Authorization header.
    const crl = await fetch(`${base}/v1/ca/certificates/${issuingId}/crl`);
    t.equal(crl.status, 200);
    t.equal(crl.headers.get('content-type'), 'application/pkix-crl');
    const issuing = readCertificate(await derOf(app, issuingId));
    t.equal(
      readCrl(new Uint8Array(await crl.arrayBuffer())).issuer.key,
      issuing.subject.key,
      "the CRL is the issuing CA's",
    );
    const rootCrl = await fetch(`${base}/v1/ca/certificates/${rootId}/crl`);
    t.equal(
      readCrl(new Uint8Array(await rootCrl.arrayBuffer())).issuer.key,
      issuing.issuer.key,
      "the root's CRL is the root's",
    );

    const caIssuers = await fetch(aiaOf(person.der).caIssuers[0]!, { headers: { accept: '*/*' } });
    t.equal(
      caIssuers.headers.get('content-type'),
      'application/pkix-cert',
      'caIssuers answers DER (RFC 5280 §4.2.2.1)',
    );
    t.same(new Uint8Array(await caIssuers.arrayBuffer()), issuing.der, 'the issuer certificate');
  },
);

void t.test('the CRL of one CA: only the root and the issuing CA have one; bad ids are refused', async (t) => {
  const person = await enrol(app, 'Trần Văn Hùng');
  for (const id of [person.certificateId, idOf('tsa'), '00000000-0000-4000-8000-000000000000']) {
    const res = await app.inject({ method: 'GET', url: `/v1/ca/certificates/${id}/crl` });
    t.equal(res.statusCode, 404, id);
    t.match(res.json(), { code: 'CERTIFICATE_NOT_FOUND' });
  }
  const bad = await app.inject({ method: 'GET', url: '/v1/ca/certificates/not-a-uuid/crl' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { code: 'VALIDATION_FAILED' });
});

// openssl 3.0 with -crl_check_all wants a CRL for the self-signed trust anchor too, which has
// no CDP (RFC 5280 §6.1: the anchor is an input of path validation, not a certificate of the
// path). So each CA's CDP is judged with -crl_check on the certificate it issued: the person
// (the issuing CA's CRL) and the issuing CA (the root's CRL), both downloaded by openssl.
void t.test(
  'openssl fetches the CRLs at the CDP URLs and asks the OCSP responder at the AIA URL: good, then revoked',
  { skip: skipUnless('openssl') },
  async (t) => {
    const person = await enrol(app, 'Lê Thị Mai');
    const personPem = await file('person.pem', toPem('CERTIFICATE', person.der));
    const verify = (...target: string[]) =>
      runTool('openssl', ['verify', '-crl_download', '-crl_check', '-CAfile', rootPem, ...target]);
    const ocspUrl = aiaOf(person.der).ocsp[0]!;
    const ocsp = () =>
      runTool('openssl', [
        'ocsp',
        '-issuer',
        issuingPem,
        '-cert',
        personPem,
        '-url',
        ocspUrl,
        '-CAfile',
        rootPem,
        '-verify_other',
        issuingPem,
      ]);
    const out = (run: { stdout: string; stderr: string }) => `${run.stdout}${run.stderr}`;

    const issuingGood = await verify(issuingPem);
    t.equal(issuingGood.code, 0, `openssl verify of the issuing CA with the root's CRL: ${out(issuingGood)}`);
    t.match(issuingGood.stdout, /issuing\.pem: OK/);
    const good = await verify('-untrusted', issuingPem, personPem);
    t.equal(good.code, 0, `openssl verify of the person with the issuing CA's CRL: ${out(good)}`);
    t.match(good.stdout, /person\.pem: OK/);
    const goodOcsp = await ocsp();
    t.equal(goodOcsp.code, 0, `openssl ocsp: ${out(goodOcsp)}`);
    t.match(goodOcsp.stdout, /person\.pem: good/);
    t.match(out(goodOcsp), /Response verify OK/);

    const revoke = await app.inject({
      method: 'POST',
      url: `/v1/ca/certificates/${person.certificateId}/revocation`,
      headers: admin,
      payload: { reason: 'keyCompromise' },
    });
    t.equal(revoke.statusCode, 200, revoke.body);

    const revoked = await verify('-untrusted', issuingPem, personPem);
    t.not(revoked.code, 0, 'openssl verify fails');
    t.match(out(revoked), /certificate revoked/, `openssl verify: ${out(revoked)}`);
    const revokedOcsp = await ocsp();
    t.match(revokedOcsp.stdout, /person\.pem: revoked/, `openssl ocsp: ${out(revokedOcsp)}`);
    t.match(revokedOcsp.stdout, /Reason: keyCompromise/);
  },
);

void t.test(
  "openssl -crl_check_all: every CRL below the anchor downloaded, the anchor's own given",
  { skip: skipUnless('openssl') },
  async (t) => {
    const seal = await app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: admin,
      payload: {},
    });
    const sealPem = await file('seal.pem', toPem('CERTIFICATE', await derOf(app, seal.json<{ id: string }>().id)));
    // The root's CRL as a file answers for the anchor; openssl would also take it for the issuing CA, so
    // this run proves the person's CDP download in a full check, the test above the issuing CA's.
    const rootCrl = await fetch(`${base}/v1/ca/certificates/${rootId}/crl`);
    const rootCrlPem = await file('root-crl.pem', toPem('X509 CRL', new Uint8Array(await rootCrl.arrayBuffer())));
    const all = await runTool('openssl', [
      'verify',
      '-crl_download',
      '-crl_check_all',
      '-CRLfile',
      rootCrlPem,
      '-CAfile',
      rootPem,
      '-untrusted',
      issuingPem,
      sealPem,
    ]);
    t.equal(all.code, 0, `openssl verify -crl_check_all: ${all.stdout}${all.stderr}`);
    t.match(all.stdout, /seal\.pem: OK/);
  },
);

void t.test(
  'without the URL nothing is added; setting it later keeps the hierarchy and reaches only new certificates',
  async (t) => {
    const plain = await signingForFile(t);
    const before = await listOf(plain.app);
    for (const c of before) {
      const cert = readCertificate(await derOf(plain.app, c.id));
      t.notOk(hasExtension(cert, cdpOid) || hasExtension(cert, aiaOid), `${c.role}: no CDP, no AIA`);
    }
    const old = await enrol(plain.app, 'Phạm Văn Bình');
    const oldCert = readCertificate(old.der);
    t.notOk(
      hasExtension(oldCert, cdpOid) || hasExtension(oldCert, aiaOid),
      'a person issued without the URL: no CDP, no AIA',
    );

    // A second instance on the same schema, now with the URL (not listening: inject only).
    const later = await startTestSigning(plain.schema, {
      LIENTHONG_SIGNING_PUBLIC_URL: 'https://ky-so.vptu.example.vn',
    });
    try {
      await assertKeptAndExtended(t, plain.app, later.app, before, old);
    } finally {
      await later.close();
    }
  },
);

async function assertKeptAndExtended(
  t: Test,
  plain: ServiceApp,
  later: ServiceApp,
  before: Listed[],
  old: { der: Uint8Array; certificateId: string },
): Promise<void> {
  const after = await listOf(later);
  const plainIssuing = before.find((c) => c.role === 'issuing-ca')!.id;
  for (const c of before) {
    t.same(await derOf(later, c.id), await derOf(plain, c.id), `${c.role}: the same certificate, not re-issued`);
  }
  t.equal(after.filter((c) => c.role === 'issuing-ca').length, 1, 'still one issuing CA');
  t.same(await derOf(later, old.certificateId), old.der, 'the person issued before is unchanged');
  const fresh = await enrol(later, 'Võ Thị Sáu');
  t.same(
    crlUrisOf(readCertificate(fresh.der)),
    [`https://ky-so.vptu.example.vn/v1/ca/certificates/${plainIssuing}/crl`],
    'a new person points to the CRL',
  );
  t.same(aiaOf(fresh.der).ocsp, ['https://ky-so.vptu.example.vn/v1/ocsp']);
}
