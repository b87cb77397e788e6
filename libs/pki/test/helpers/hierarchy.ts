// A test PKI built by the tests themselves: root CA → intermediate CA → end
// entities of the project's profiles, at a pinned time.
import type { KeyObject } from 'node:crypto';
import {
  OID,
  caProfile,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  issueCrl,
  keySigner,
  officeSealProfile,
  ocspResponderProfile,
  personProfile,
  tsaProfile,
  type Certificate,
  type Crl,
} from '../../src/index.ts';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const clock = fixedClock(NOW);

export interface Entity {
  certificate: Certificate;
  privateKey: KeyObject;
}

export interface Hierarchy {
  root: Entity;
  intermediate: Entity;
  person: Entity;
  seal: Entity;
  tsa: Entity;
  ocsp: Entity;
  revokedPerson: Entity;
  rootCrl: Crl;
  intermediateCrl: Crl;
}

const start = new Date('2026-01-01T00:00:00Z');
const POLICY = '1.3.6.1.4.1.99999.1.1';

export async function buildHierarchy(): Promise<Hierarchy> {
  const rootKeys = await generateKeyPair({ type: 'rsa', modulusLength: 3072 });
  const root = await issueCertificate(
    caProfile({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Văn phòng Trung ương Đảng' },
        { type: 'CN', value: 'Lienthong Test Root CA' },
      ],
      publicKey: rootKeys.publicKey,
      notBefore: start,
      validityDays: 3650,
    }),
    { signer: keySigner(rootKeys.privateKey) },
    { clock },
  );
  const interKeys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const intermediate = await issueCertificate(
    caProfile({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Văn phòng Trung ương Đảng' },
        { type: 'CN', value: 'Lienthong Test Issuing CA' },
      ],
      publicKey: interKeys.publicKey,
      notBefore: start,
      validityDays: 1825,
      pathLenConstraint: 0,
      policies: [POLICY],
      crlUris: ['http://pki.example.vn/root.crl'],
    }),
    { certificate: root, signer: keySigner(rootKeys.privateKey) },
    { clock },
  );
  const interSigner = keySigner(interKeys.privateKey);
  const ee = async (template: Parameters<typeof issueCertificate>[0], key: KeyObject): Promise<Entity> => ({
    certificate: await issueCertificate(template, { certificate: intermediate, signer: interSigner }, { clock }),
    privateKey: key,
  });
  const personKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
  const person = await ee(
    personProfile({
      name: 'Nguyễn Văn An',
      title: 'Chánh Văn phòng',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Hà Nam',
      email: 'an.nv@example.vn',
      publicKey: personKeys.publicKey,
      notBefore: start,
      validityDays: 730,
      policies: [POLICY],
    }),
    personKeys.privateKey,
  );
  const sealKeys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const seal = await ee(
    officeSealProfile({
      organisation: 'Tỉnh ủy Hà Nam',
      office: 'Văn phòng Tỉnh ủy Hà Nam',
      publicKey: sealKeys.publicKey,
      notBefore: start,
      validityDays: 730,
      policies: [POLICY],
    }),
    sealKeys.privateKey,
  );
  const tsaKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
  const tsa = await ee(
    tsaProfile({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Lienthong' },
        { type: 'CN', value: 'Lienthong TSA' },
      ],
      publicKey: tsaKeys.publicKey,
      notBefore: start,
      validityDays: 730,
    }),
    tsaKeys.privateKey,
  );
  const ocspKeys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const ocsp = await ee(
    ocspResponderProfile({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Lienthong' },
        { type: 'CN', value: 'Lienthong OCSP' },
      ],
      publicKey: ocspKeys.publicKey,
      notBefore: start,
      validityDays: 730,
    }),
    ocspKeys.privateKey,
  );
  const revokedKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
  const revokedPerson = await ee(
    personProfile({
      name: 'Trần Thị Bình',
      title: 'Chuyên viên',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Hà Nam',
      publicKey: revokedKeys.publicKey,
      notBefore: start,
      validityDays: 730,
    }),
    revokedKeys.privateKey,
  );
  const rootCrl = await issueCrl(
    { crlNumber: 1, thisUpdate: new Date('2026-05-01T00:00:00Z'), nextUpdate: new Date('2026-12-01T00:00:00Z') },
    root,
    keySigner(rootKeys.privateKey),
    { clock },
  );
  const intermediateCrl = await issueCrl(
    {
      crlNumber: 7,
      thisUpdate: new Date('2026-05-20T00:00:00Z'),
      nextUpdate: new Date('2026-06-20T00:00:00Z'),
      revoked: [
        {
          serialNumber: revokedPerson.certificate.serialNumber,
          revocationDate: new Date('2026-05-10T00:00:00Z'),
          reason: 1,
        },
      ],
    },
    intermediate,
    interSigner,
    { clock },
  );
  return {
    root: { certificate: root, privateKey: rootKeys.privateKey },
    intermediate: { certificate: intermediate, privateKey: interKeys.privateKey },
    person,
    seal,
    tsa,
    ocsp,
    revokedPerson,
    rootCrl,
    intermediateCrl,
  };
}

export { OID };
