/**
 * Server-held personal keys (ký số từ xa: remote signing) that come from elsewhere: a key and
 * certificate imported from a PKCS#12 file (a certificate of an external hierarchy, such as
 * the Government Cipher Committee's CA), stored under the signer's PIN so that only its owner
 * can use it. The certificate must name the caller as their office registered them
 * (identity/identity-match.ts); one that names someone else is refused and logged, unless the
 * signer asks a CA administrator of the office to approve it, which files a key request
 * (key-requests.ts). Keys the local CA certifies always go through a request.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import {
  defaultAlgorithmFor,
  formatName,
  importPkcs12,
  isPkiError,
  subjectPublicKeyInfo,
  type Certificate,
  type KeySpec,
} from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { identityMismatches } from '../identity/identity-match.ts';
import { fileKeyRequest } from './key-request-filing.ts';
import type { KeyRequestRecord, NewKeyRequest } from './key-request-repository.ts';
import { insertSigningKey } from './key-repository.ts';
import type { NewSigningKey, SigningKeyRecord } from './key-repository.ts';
import { unfitForSigning } from './key-rules.ts';
import { registeredIdentity } from './person-registry.ts';
import { assertNewPin, encryptWithPin } from './pin.ts';
import type { PinPolicyState } from './pin.ts';
import { logSigning } from './signing-log-repository.ts';

/** The key types a signer may ask for. */
export const keyTypes: Record<string, KeySpec> = {
  'rsa-2048': { type: 'rsa', modulusLength: 2048 },
  'rsa-3072': { type: 'rsa', modulusLength: 3072 },
  'p-256': { type: 'ec', namedCurve: 'P-256' },
};

/** What a signer imports. */
export interface ImportRequest {
  pkcs12: Uint8Array;
  password: string;
  pin: string;
  /** When the certificate names someone else: file a request for a CA administrator instead of being refused. */
  requestApproval?: boolean;
}

/** An import's outcome: the key, stored; or, for a certificate that needs approval, the request filed. */
export type ImportOutcome = { key: SigningKeyRecord } | { request: KeyRequestRecord };

/**
 * Imports a key and its certificate from PKCS#12 for the calling signer, stored under the PIN,
 * when the certificate names the caller as registered. Otherwise 422
 * CERTIFICATE_IDENTITY_MISMATCH (logged as `import-refused`), or with `requestApproval` a
 * pending key request that a CA administrator of the office decides.
 */
export async function importPersonalKey(
  ca: CaContext,
  principal: Principal,
  input: ImportRequest,
): Promise<ImportOutcome> {
  requireRoleOf(principal, roles.signer);
  assertNewPin(input.pin);
  const { office, person } = await registeredIdentity(ca.pool, principal.office, principal.subject);
  let contents;
  try {
    contents = importPkcs12(input.pkcs12, input.password);
  } catch (error) {
    if (isPkiError(error)) throw new AppError(signingErrors.PKCS12_UNREADABLE, { cause: error });
    throw error;
  }
  const unfit = unfitForSigning(contents.certificate, ca.clock.now());
  if (unfit !== undefined)
    throw new AppError(signingErrors.CERTIFICATE_NOT_FOR_SIGNING, { detail: `The certificate cannot sign: ${unfit}.` });
  const subject = formatName(contents.certificate.subject);
  const mismatches = identityMismatches(contents.certificate.subject, office, person);
  if (mismatches.length > 0 && input.requestApproval !== true) {
    await logSigning(ca.pool, {
      office: principal.office,
      subject: principal.subject,
      action: 'import-refused',
      detail: `${subject}: ${mismatches.join('; ')}`,
    });
    throw new AppError(signingErrors.CERTIFICATE_IDENTITY_MISMATCH, { extra: { mismatches } });
  }
  const id = randomUUID();
  const algorithm = defaultAlgorithmFor(contents.privateKey);
  const encryptedPkcs8 = await encryptWithPin(contents.privateKey, ca.kek, id, input.pin);
  if (mismatches.length > 0) {
    const request: NewKeyRequest = {
      id,
      office: principal.office,
      requester: principal.subject,
      kind: 'import',
      keyType: null,
      algorithm,
      spki: subjectPublicKeyInfo(contents.privateKey),
      certificateDer: contents.certificate.der,
      chainDer: contents.chain.map((c) => c.der),
      encryptedPkcs8,
      pinPolicy: 'met',
      csrDer: null,
      validityDays: null,
      identity: { organisation: office.name, unit: office.unit, name: person.name, title: person.title },
      mismatches,
      createdAt: ca.clock.now(),
    };
    return { request: await fileKeyRequest(ca, principal, request, `import of ${subject}: ${mismatches.join('; ')}`) };
  }
  const key = newPersonalKey(id, principal.office, principal.subject, {
    certificate: contents.certificate,
    chain: [...contents.chain],
    caCertificateId: null,
    encryptedPkcs8,
    algorithm,
    pinPolicy: 'met',
  });
  await withTransaction(ca.pool, async (client) => {
    await insertSigningKey(client, key);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'import',
      keyId: id,
      detail: `identity matched: ${subject}`,
    });
  });
  return { key: storedKey(key) };
}

/** A personal key of `owner` in `office` about to be stored. */
export function newPersonalKey(
  id: string,
  office: string,
  owner: string,
  parts: {
    certificate: Certificate;
    chain: Certificate[];
    caCertificateId: string | null;
    encryptedPkcs8: Uint8Array;
    algorithm: string;
    pinPolicy: PinPolicyState;
  },
): NewSigningKey {
  return {
    id,
    office,
    owner,
    purpose: 'personal',
    storage: 'server',
    algorithm: parts.algorithm,
    certificateDer: parts.certificate.der,
    chainDer: parts.chain.map((c) => c.der),
    caCertificateId: parts.caCertificateId,
    encryptedPkcs8: parts.encryptedPkcs8,
    tokenKeyLabel: null,
    pinPolicy: parts.pinPolicy,
  };
}

/**
 * A personal key of `owner` whose private key is on their own USB token (`storage: token`):
 * only its certificate is stored, and it signs through two-step signing (no PIN here).
 */
export function newTokenKey(
  id: string,
  office: string,
  owner: string,
  parts: { certificate: Certificate; chain: Certificate[]; caCertificateId: string; algorithm: string },
): NewSigningKey {
  return {
    id,
    office,
    owner,
    purpose: 'personal',
    storage: 'token',
    algorithm: parts.algorithm,
    certificateDer: parts.certificate.der,
    chainDer: parts.chain.map((c) => c.der),
    caCertificateId: parts.caCertificateId,
    encryptedPkcs8: null,
    tokenKeyLabel: null,
    pinPolicy: null,
  };
}

/** The record of a key just stored (no use, no image yet). */
export function storedKey(key: NewSigningKey): SigningKeyRecord {
  return { ...key, failedPinAttempts: 0, lockedAt: null, createdAt: new Date(), lastUsedAt: null, imageType: null };
}
