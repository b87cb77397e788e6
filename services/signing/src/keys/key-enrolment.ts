/**
 * Enrolling server-held keys (ký số từ xa: remote signing). A signer's key is generated
 * here and certified by the local issuing CA with the person profile, or imported with its
 * certificate from a PKCS#12 file (a certificate of an external hierarchy, such as the
 * Government Cipher Committee's CA). Either way it is stored encrypted under the signer's
 * PIN and only its owner can use it. A certificate issued here points, when the service
 * has a public URL, to the issuing CA's CRL and certificate and to the OCSP responder.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import {
  defaultAlgorithmFor,
  generateKeyPair,
  importPkcs12,
  isPkiError,
  issueCertificate,
  personProfile,
  type Certificate,
  type KeySpec,
} from '@lienthong/pki';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signerFor } from '../ca/ca-context.ts';
import { insertCertificate } from '../ca/certificate-repository.ts';
import { certificateRecord } from '../ca/local-hierarchy.ts';
import { pointersFor } from '../ca/public-urls.ts';
import { signingErrors } from '../errors.ts';
import { insertSigningKey } from './key-repository.ts';
import { logSigning } from './signing-log-repository.ts';
import type { NewSigningKey, SigningKeyRecord } from './key-repository.ts';
import { unfitForSigning } from './key-rules.ts';
import { encryptWithPin } from './pin.ts';

/** The key types a signer may ask for. */
export const keyTypes: Record<string, KeySpec> = {
  'rsa-2048': { type: 'rsa', modulusLength: 2048 },
  'rsa-3072': { type: 'rsa', modulusLength: 3072 },
  'p-256': { type: 'ec', namedCurve: 'P-256' },
};

/** What a personal certificate names (EN 319 412-2 natural person). */
export interface EnrolRequest {
  pin: string;
  keyType: keyof typeof keyTypes;
  /** Full name, e.g. "Nguyễn Thị Hồng Nhung"; default: the name the access token carries. */
  name?: string;
  /** Title (chức vụ), e.g. "Phó Bí thư Tỉnh ủy". */
  title: string;
  /** The Party committee (O), e.g. "Tỉnh ủy Cà Mau". */
  organisation: string;
  /** The office or unit (OU), e.g. "Văn phòng Tỉnh ủy". */
  officeName: string;
  /** Default 730 days; capped at the issuing CA's notAfter. */
  validityDays?: number;
}

/** Generates a key for the calling signer, certifies it with the local CA and stores it under the PIN. */
export async function enrolPersonalKey(
  ca: CaContext,
  principal: Principal,
  request: EnrolRequest,
): Promise<SigningKeyRecord> {
  requireRoleOf(principal, roles.signer);
  const name = request.name ?? principal.name;
  if (name === undefined)
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: 'name is required when the access token carries none',
      extra: { errors: [{ in: 'body', pointer: '/name', detail: 'required' }] },
    });
  const { issuing } = ca.hierarchy;
  const keys = await generateKeyPair(keyTypes[request.keyType]!);
  const notBefore = new Date(ca.clock.now().getTime() - 60_000);
  const wanted = new Date(notBefore.getTime() + (request.validityDays ?? 730) * 86_400_000);
  const certificate = await issueCertificate(
    personProfile({
      name,
      title: request.title,
      office: request.officeName,
      organisation: request.organisation,
      publicKey: keys.publicKey,
      notBefore,
      notAfter: wanted > issuing.notAfter ? issuing.notAfter : wanted,
      ...pointersFor(ca.publicUrl, issuing.id, { ocsp: true }),
    }),
    { certificate: ca.certificateOf(issuing), signer: await signerFor(ca.pool, ca.kek, issuing) },
    { clock: ca.clock },
  );
  const caRecord = certificateRecord(certificate, 'person', issuing.id);
  const id = randomUUID();
  const key = newPersonalKey(
    id,
    principal,
    certificate,
    [ca.certificateOf(issuing)],
    caRecord.id,
    await encryptWithPin(keys.privateKey, ca.kek, id, request.pin),
    defaultAlgorithmFor(keys.privateKey),
  );
  await withTransaction(ca.pool, async (client) => {
    await insertCertificate(client, caRecord);
    await insertSigningKey(client, key);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'enrol',
      keyId: id,
      detail: caRecord.subject,
    });
  });
  return stored(key);
}

/** Imports a key and its certificate from PKCS#12 for the calling signer, stored under the PIN. */
export async function importPersonalKey(
  ca: CaContext,
  principal: Principal,
  pkcs12: Uint8Array,
  password: string,
  pin: string,
): Promise<SigningKeyRecord> {
  requireRoleOf(principal, roles.signer);
  let contents;
  try {
    contents = importPkcs12(pkcs12, password);
  } catch (error) {
    if (isPkiError(error)) throw new AppError(signingErrors.PKCS12_UNREADABLE, { cause: error });
    throw error;
  }
  const unfit = unfitForSigning(contents.certificate, ca.clock.now());
  if (unfit !== undefined)
    throw new AppError(signingErrors.CERTIFICATE_NOT_FOR_SIGNING, { detail: `The certificate cannot sign: ${unfit}.` });
  const id = randomUUID();
  const key = newPersonalKey(
    id,
    principal,
    contents.certificate,
    [...contents.chain],
    null,
    await encryptWithPin(contents.privateKey, ca.kek, id, pin),
    defaultAlgorithmFor(contents.privateKey),
  );
  await withTransaction(ca.pool, async (client) => {
    await insertSigningKey(client, key);
    await logSigning(client, { office: principal.office, subject: principal.subject, action: 'import', keyId: id });
  });
  return stored(key);
}

function newPersonalKey(
  id: string,
  principal: Principal,
  certificate: Certificate,
  chain: Certificate[],
  caCertificateId: string | null,
  encryptedPkcs8: Uint8Array,
  algorithm: string,
) {
  return {
    id,
    office: principal.office,
    owner: principal.subject,
    purpose: 'personal' as const,
    storage: 'server' as const,
    algorithm,
    certificateDer: certificate.der,
    chainDer: chain.map((c) => c.der),
    caCertificateId,
    encryptedPkcs8,
    tokenKeyLabel: null,
  };
}

function stored(key: NewSigningKey): SigningKeyRecord {
  return { ...key, failedPinAttempts: 0, lockedAt: null, createdAt: new Date(), lastUsedAt: null, imageType: null };
}
