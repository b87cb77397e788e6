/**
 * A key request from a certification request (RFC 2986 PKCS #10) made on the signer's own USB
 * token, whose private key never leaves it. The request proves possession of the key (its
 * signature verifies with its public key, libs/pki `readCertificationRequest`); what the
 * certificate will say of the person and the office is the registered identity, as for any
 * key request, never the CSR's subject (kept with the request as information only). Once a CA
 * administrator of the office approves (key-requests.ts), the key is stored with its
 * certificate and no private key (`storage: token`): it signs through two-step signing only.
 */
import { randomUUID } from 'node:crypto';
import {
  defaultAlgorithmFor,
  formatName,
  fromPem,
  importPublicKey,
  isPkiError,
  MAX_CERTIFICATION_REQUEST_BYTES,
  readCertificationRequest,
  type CertificationRequest,
} from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { fileKeyRequest, pendingRequest } from './key-request-filing.ts';
import { keyAlreadyRequested } from './key-request-repository.ts';
import type { KeyRequestRecord, NewKeyRequest } from './key-request-repository.ts';
import { certificateSubjectOf } from './key-requests.ts';
import { registeredIdentity } from './person-registry.ts';

/** What a signer sends: the request, and how long the certificate should last. */
export interface TokenKeyRequestInput {
  /** The CertificationRequest: base64 of its DER, or PEM (`CERTIFICATE REQUEST`, `NEW CERTIFICATE REQUEST`). */
  csr: string;
  /** Default 730 days from the approval; capped at the issuing CA's notAfter. */
  validityDays?: number;
}

/** The index of the unique index that refuses a second pending or approved csr request of one key. */
const CSR_KEY_INDEX = 'key_request_csr_key';

const csrMalformed = (detail: string, cause?: unknown) =>
  new AppError(signingErrors.CSR_MALFORMED, { detail, ...(cause === undefined ? {} : { cause }) });

/** The DER of the request the signer sent as base64 or PEM. 400 CSR_MALFORMED when it is neither. */
export function csrBytes(text: string): Uint8Array {
  if (text.includes('-----BEGIN')) {
    let blocks;
    try {
      blocks = fromPem(text);
    } catch (error) {
      throw csrMalformed('The PEM text could not be read.', error);
    }
    const block = blocks.find((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
    if (block === undefined) throw csrMalformed('The PEM text holds no CERTIFICATE REQUEST block.');
    return block.der;
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0)
    throw csrMalformed('csr is neither base64 nor PEM.');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** Reads and checks the request: 400 CSR_MALFORMED, 400 CSR_SIGNATURE_INVALID, 422 CSR_KEY_UNSUITABLE. */
export function checkedRequest(der: Uint8Array): CertificationRequest {
  try {
    return readCertificationRequest(der, { maxBytes: MAX_CERTIFICATION_REQUEST_BYTES });
  } catch (error) {
    if (!isPkiError(error)) throw error;
    const detail = error.detail ?? error.message;
    if (error.code === 'SIGNER_MISMATCH') throw new AppError(signingErrors.CSR_SIGNATURE_INVALID, { cause: error });
    if (error.code === 'UNSUPPORTED_ALGORITHM')
      throw new AppError(signingErrors.CSR_KEY_UNSUITABLE, { detail, cause: error });
    throw csrMalformed(detail, error);
  }
}

/** The key type a request's key is listed as (`rsa-3072`, `p-256`). */
function keyTypeOf(request: CertificationRequest): string {
  return request.key.type === 'rsa' ? `rsa-${request.key.bits}` : request.key.curve.toLowerCase();
}

/** True for the unique-index violation that a second csr request of one key meets. */
function isSameKeyRace(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === CSR_KEY_INDEX;
}

/**
 * Files the calling signer's request to certify the key of a certification request made on
 * their token: 202 a pending key request of kind `csr` whose certificate will name the
 * registered identity. Refused with nothing stored: not a signer (403), a request that is
 * malformed, does not prove possession or holds a key this CA does not certify (400, 422),
 * an unregistered office or person (409), a key another request pending or approved holds
 * (409 CSR_KEY_IN_USE), too many pending requests (409 KEY_REQUESTS_PENDING, logged).
 */
export async function requestTokenCertificate(
  ca: CaContext,
  principal: Principal,
  input: TokenKeyRequestInput,
): Promise<KeyRequestRecord> {
  requireRoleOf(principal, roles.signer);
  const csr = checkedRequest(csrBytes(input.csr));
  const { office, person } = await registeredIdentity(ca.pool, principal.office, principal.subject);
  if (await keyAlreadyRequested(ca.pool, csr.spki)) throw new AppError(signingErrors.CSR_KEY_IN_USE);
  const request: NewKeyRequest = {
    id: randomUUID(),
    office: office.code,
    requester: principal.subject,
    kind: 'csr',
    keyType: keyTypeOf(csr),
    algorithm: defaultAlgorithmFor(importPublicKey(csr.spki)),
    spki: csr.spki,
    certificateDer: null,
    chainDer: [],
    encryptedPkcs8: null,
    pinPolicy: null,
    csrDer: csr.der,
    validityDays: input.validityDays ?? null,
    identity: { organisation: office.name, unit: office.unit, name: person.name, title: person.title },
    mismatches: [],
    createdAt: ca.clock.now(),
  };
  const requested = formatName(csr.subject).slice(0, 200);
  const detail = `csr: ${certificateSubjectOf(pendingRequest(request))} (the CSR's own subject, not certified: ${requested || 'empty'})`;
  try {
    return await fileKeyRequest(ca, principal, request, detail);
  } catch (error) {
    if (isSameKeyRace(error)) throw new AppError(signingErrors.CSR_KEY_IN_USE, { cause: error });
    throw error;
  }
}
