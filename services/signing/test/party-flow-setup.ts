/**
 * What the PDF tests of the Party flow start from: a signing service on its own schema, the
 * signer (Nguyễn Thị Hồng Nhung, recorded by the office) with a key asked for and approved,
 * the office's seal issued by the CA administrator for the registry, the CA's root as PEM (the judges' trust anchor) and a
 * two-page PDF to sign.
 */
import { toPem } from '@lienthong/pki';
import { fixturePdf } from '../../../libs/pdf/test/fixtures.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { enrolKey, testPin } from './enrolment.ts';
import { scratch } from './fixtures.ts';
import { signingForFile } from './support.ts';
import type { TestSigning } from './support.ts';

export interface PartyFlowSetup extends TestSigning {
  /** A folder for the files the judges read, removed after the test file. */
  s: ReturnType<typeof scratch>;
  signer: Record<string, string>;
  registry: Record<string, string>;
  admin: Record<string, string>;
  pin: string;
  /** The signer's enrolled key. */
  keyId: string;
  /** The office's seal key (the registry's). */
  sealKeyId: string;
  rootPem: string;
  original: Buffer;
}

/** Builds the setup for one test file (torn down with it); `env` adds to the service's configuration. */
export async function partyFlowSetup(
  t: { teardown(fn: () => Promise<void> | void): void },
  env: Record<string, string> = {},
): Promise<PartyFlowSetup> {
  const signing = await signingForFile(t, env);
  const { app } = signing;
  const s = scratch();
  t.teardown(() => s.cleanup());
  const signer = authHeader({
    subject: 'person:nhung',
    office: 'VPTU-CM',
    roles: ['signer'],
    name: 'Nguyễn Thị Hồng Nhung',
  });
  const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
  const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
  const pin = testPin;
  const enrolled = await enrolKey<{ id: string }>(
    app,
    { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung', title: 'Phó Bí thư Tỉnh ủy' },
    { pin },
  );
  const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  const listed = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
    certificates: Array<{ id: string; role: string }>;
  }>().certificates;
  const rootDer = new Uint8Array(
    (await app.inject({ method: 'GET', url: `/v1/ca/certificates/${listed.find((c) => c.role === 'root')!.id}` }))
      .rawPayload,
  );
  return {
    ...signing,
    s,
    signer,
    registry,
    admin,
    pin,
    keyId: enrolled.id,
    sealKeyId: seal.json<{ keyId: string }>().keyId,
    rootPem: s.file('root.pem', toPem('CERTIFICATE', rootDer)),
    original: Buffer.from(await fixturePdf({ pages: 2 })),
  };
}
