/**
 * Documents signed under an external hierarchy (the Government Cipher Committee's CA, here a
 * test hierarchy of libs/pki) are trusted when LIENTHONG_SIGNING_TRUST_ANCHORS_FILE names
 * its root, and only then.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { keySigner, toPem } from '@lienthong/pki';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import { buildHierarchy } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { scratch } from './fixtures.ts';
import { signingForFile, startTestSigning } from './support.ts';

const s = scratch();
t.teardown(() => s.cleanup());
const external = await buildHierarchy();
const anchors = s.file('external-roots.pem', toPem('CERTIFICATE', external.root.certificate.der));
const signed = memorySink();
await signPdf(memorySource(await fixturePdf()), signed, {
  signer: keySigner(external.person.privateKey),
  certificate: external.person.certificate,
  chain: [external.intermediate.certificate],
});
const caller = {
  ...authHeader({ subject: 'person:archivist', office: 'VPTU-CM', roles: ['archivist'] }),
  'content-type': 'application/pdf',
};
type Report = { signatures: Array<{ trusted: boolean; integrity: boolean; subIndication?: string }> };

void t.test('with the external root configured, its signatures are trusted', async (t) => {
  const { app } = await signingForFile(t, { LIENTHONG_SIGNING_TRUST_ANCHORS_FILE: anchors });
  const report = (
    await app.inject({ method: 'POST', url: '/v1/verify/pdf', headers: caller, payload: Buffer.from(signed.bytes()) })
  ).json<Report>();
  // The path to the configured root is found; what remains is revocation data for the external CA.
  t.match(
    report.signatures[0],
    { integrity: true, subIndication: 'TRY_LATER' },
    JSON.stringify(report.signatures[0]).slice(0, 300),
  );
});

void t.test('without it, the same signature is intact but not trusted', async (t) => {
  const { app } = await signingForFile(t);
  const report = (
    await app.inject({ method: 'POST', url: '/v1/verify/pdf', headers: caller, payload: Buffer.from(signed.bytes()) })
  ).json<Report>();
  t.match(
    report.signatures[0],
    { integrity: true, trusted: false, subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' },
    JSON.stringify(report.signatures[0]).slice(0, 300),
  );
});

void t.test('an unreadable or empty anchors file stops the start with a clear message', async (t) => {
  const empty = s.file('empty.pem', 'no certificates here\n');
  writeFileSync(join(s.dir, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  for (const [file, message] of [
    [join(s.dir, 'missing.pem'), /cannot be read \(ENOENT\)/],
    [empty, /holds no PEM CERTIFICATE/],
    [join(s.dir, 'garbage.pem'), /not readable X\.509/],
  ] as const) {
    await t.rejects(startTestSigning(undefined, { LIENTHONG_SIGNING_TRUST_ANCHORS_FILE: file }), { message }, file);
  }
});
