/**
 * A USB token for the two-step signing tests: a P-256 key the test holds (the server never
 * sees it) and its certificate from signing's issuing CA, in the name signing registered
 * for the signer, recorded in the CA's records as a certificate it issued, as a token
 * enrolled at the CA would be (so its OCSP knows it and the signed document validates).
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import {
  formatName,
  generateKeyPair,
  issueCertificate,
  keySigner,
  personProfile,
  readCertificate,
} from '@lienthong/pki';
import { findByRole, findEncryptedKey, insertCertificate } from '../../signing/src/ca/certificate-repository.ts';
import { decryptWithTestKek } from '../../signing/test/support.ts';
import type { IssueWorld } from './issue-support.ts';

/** A token key and its certificate and chain (DER, base64) as the signer presents them. */
export interface UsbToken {
  key: KeyObject;
  certificate: string;
  chain: string[];
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A token of VPTU-CM's `name` (default the signer person:bi-thu-cm as signing registered them). */
export async function usbToken(world: IssueWorld, name = 'Nguyễn Văn An'): Promise<UsbToken> {
  const pool = world.signing.pool;
  const issuingRecord = (await findByRole(pool, 'issuing-ca'))!;
  const issuing = readCertificate(issuingRecord.der);
  const issuingKey = await decryptWithTestKek(pool, (await findEncryptedKey(pool, issuingRecord.id))!);
  const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const certificate = await issueCertificate(
    personProfile({
      name,
      title: 'Bí thư Tỉnh ủy',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Cà Mau',
      publicKey: keys.publicKey,
      validityDays: 30,
    }),
    { certificate: issuing, signer: keySigner(issuingKey) },
  );
  await insertCertificate(pool, {
    id: randomUUID(),
    role: 'person',
    subject: formatName(certificate.subject),
    serialHex: certificate.serialHex,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    der: certificate.der,
    issuerId: issuingRecord.id,
    revokedAt: null,
    revocationReason: null,
  });
  return { key: keys.privateKey, certificate: b64(certificate.der), chain: [b64(issuing.der)] };
}
