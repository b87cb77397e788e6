/**
 * Fixtures built by the tests: a person certificate issued by the service's own issuing CA
 * (its key decrypted with the test KEK, as the service itself would), a CAdES signature by
 * that person, and openssl in a scratch folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateKeyPair,
  issueCertificate,
  keySigner,
  personProfile,
  readCertificate,
  signCades,
  type Certificate,
} from '@lienthong/pki';
import type { Pool } from '@lienthong/db';
import { findByRole, findEncryptedKey, insertCertificate } from '../src/ca/certificate-repository.ts';
import type { CertificateRecord } from '../src/ca/certificate-repository.ts';
import { certificateRecord } from '../src/ca/local-hierarchy.ts';
import { decryptWithTestKek } from './support.ts';

/** A person certificate of the service's issuing CA, stored in its table, and a signature it made. */
export interface PersonFixture {
  record: CertificateRecord;
  certificate: Certificate;
  issuing: Certificate;
  root: Certificate;
  sign(content: Uint8Array): Promise<Uint8Array>;
}

/**
 * Issues a person certificate under the service's issuing CA and stores it in the CA's
 * records (`recorded: false`: made with the CA's key but never recorded, as a stolen key would).
 */
export async function issuePerson(pool: Pool, name: string, { recorded = true } = {}): Promise<PersonFixture> {
  const issuingRecord = (await findByRole(pool, 'issuing-ca'))!;
  const rootRecord = (await findByRole(pool, 'root'))!;
  const issuing = readCertificate(issuingRecord.der);
  const issuingKey = await decryptWithTestKek(pool, (await findEncryptedKey(pool, issuingRecord.id))!);
  const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const certificate = await issueCertificate(
    personProfile({
      name,
      title: 'Chánh Văn phòng',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Thử nghiệm',
      publicKey: keys.publicKey,
      validityDays: 30,
    }),
    { certificate: issuing, signer: keySigner(issuingKey) },
  );
  const record = certificateRecord(certificate, 'person', issuingRecord.id);
  if (recorded) await insertCertificate(pool, record);
  return {
    record,
    certificate,
    issuing,
    root: readCertificate(rootRecord.der),
    sign: (content) => signCades(content, keySigner(keys.privateKey), { certificate, chain: [issuing] }),
  };
}

/** A scratch folder for openssl; `cleanup` removes it. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'signing-openssl-'));
  return {
    dir,
    file(name: string, data: Uint8Array | string): string {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    openssl(args: readonly string[]): { ok: boolean; out: string } {
      const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A scratch folder with openssl at hand (`scratch()`). */
export type Scratch = ReturnType<typeof scratch>;

/** The external test CA's certificate (PEM) in a scratch folder, made by the first `externalPkcs12`. */
export const externalCaPem = (s: Scratch): string => join(s.dir, 'ext-ca.pem');

/**
 * A PKCS#12 (base64, password `p12-secret`) of a key and a certificate with the subject
 * `subj` (openssl -subj form, UTF-8) issued by an external test CA ("Ban Co yeu Chinh phu
 * (test)"), made with the openssl command line in the scratch folder `s`; the CA is made once.
 */
export function externalPkcs12(s: Scratch, label: string, subj: string): string {
  const dir = s.dir;
  const ok = (args: string[]) => {
    const run = s.openssl(args);
    if (!run.ok) throw new Error(run.out);
  };
  if (!s.openssl(['x509', '-noout', '-in', `${dir}/ext-ca.pem`]).ok)
    ok([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${dir}/ext-ca.key`,
      '-out',
      `${dir}/ext-ca.pem`,
      '-days',
      '30',
      '-subj',
      '/C=VN/O=Ban Co yeu Chinh phu (test)/CN=External Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  s.file('ext.cnf', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  ok([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${dir}/${label}.key`,
    '-out',
    `${dir}/${label}.csr`,
    '-utf8',
    '-subj',
    subj,
  ]);
  ok([
    'x509',
    '-req',
    '-in',
    `${dir}/${label}.csr`,
    '-CA',
    `${dir}/ext-ca.pem`,
    '-CAkey',
    `${dir}/ext-ca.key`,
    '-CAcreateserial',
    '-out',
    `${dir}/${label}.pem`,
    '-days',
    '20',
    '-extfile',
    `${dir}/ext.cnf`,
  ]);
  ok([
    'pkcs12',
    '-export',
    '-inkey',
    `${dir}/${label}.key`,
    '-in',
    `${dir}/${label}.pem`,
    '-certfile',
    `${dir}/ext-ca.pem`,
    '-out',
    `${dir}/${label}.p12`,
    '-passout',
    'pass:p12-secret',
  ]);
  return readFileSync(`${dir}/${label}.p12`).toString('base64');
}
