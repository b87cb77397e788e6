/**
 * The registration authority of personal certificates. A signer asks for a key
 * (`requestPersonalKey`): it is generated here and kept under their PIN, but it signs nothing
 * until a CA administrator of the same office who is not the requester approves the request
 * (`approveKeyRequest`): only then does the issuing CA certify it, with the person profile
 * naming what the office registered — its legal name (O), its code (organizationIdentifier
 * `LT:VN-<code>`), its unit (OU), the person's title and full name (CN) — never anything
 * the requester sent. A refusal (`refuseKeyRequest`) gives a reason and destroys the key.
 * Every request, approval and refusal goes to the signing log. A PKCS#12 import whose
 * certificate names someone else is decided the same way (key-enrolment.ts files it), and so
 * is a certification request made on the signer's USB token (token-key-request.ts files it):
 * its key is certified with the registered identity, never with the request's subject.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { PoolClient } from '@lienthong/db';
import {
  buildName,
  defaultAlgorithmFor,
  formatName,
  generateKeyPair,
  issueCertificate,
  officeIdentifier,
  personProfile,
  readCertificate,
  subjectPublicKeyInfo,
  type ProfileCommon,
} from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signerFor } from '../ca/ca-context.ts';
import { certificateRecord } from '../ca/local-hierarchy.ts';
import { pointersFor } from '../ca/public-urls.ts';
import { signingErrors } from '../errors.ts';
import { keyTypes, newPersonalKey, newTokenKey, storedKey } from './key-enrolment.ts';
import { storeIssuedCertificate } from './issued-certificate.ts';
import { insertSigningKey } from './key-repository.ts';
import type { NewSigningKey, SigningKeyRecord } from './key-repository.ts';
import { decideKeyRequest, findKeyRequest, listKeyRequests, lockKeyRequest } from './key-request-repository.ts';
import type { KeyRequestRecord, KeyRequestState, NewKeyRequest, RequestedIdentity } from './key-request-repository.ts';
import { fileKeyRequest, pendingRequest } from './key-request-filing.ts';
import { registeredIdentity } from './person-registry.ts';
import { assertNewPin, encryptWithPin } from './pin.ts';
import type { PinPolicyState } from './pin.ts';
import { logSigning } from './signing-log-repository.ts';

/** What a signer asks for: nothing about who they are (that is registered), only the key. */
export interface KeyRequestInput {
  pin: string;
  keyType: keyof typeof keyTypes;
  /** Default 730 days from the approval; capped at the issuing CA's notAfter. */
  validityDays?: number;
}

/** The person certificate of a request: the registered identity, the office's code, the key. */
export function personTemplate(
  officeCode: string,
  identity: RequestedIdentity,
  publicKey: Uint8Array,
  rest: Omit<ProfileCommon, 'publicKey'> = {},
) {
  return personProfile({
    name: identity.name,
    title: identity.title,
    office: identity.unit,
    organisation: identity.organisation,
    organizationIdentifier: officeIdentifier(officeCode),
    publicKey,
    ...rest,
  });
}

/** The subject the request's certificate carries (or will carry, once approved). */
export function certificateSubjectOf(request: KeyRequestRecord): string {
  if (request.certificateDer !== null) return formatName(readCertificate(request.certificateDer).subject);
  const { subject } = personTemplate(request.office, request.identity, request.spki);
  return formatName('rdns' in subject ? subject : buildName(subject));
}

/**
 * Files the calling signer's request for a personal key: the key is generated now and kept
 * under the PIN; the certificate will name the registered identity. 409 OFFICE_NOT_REGISTERED
 * or PERSON_NOT_REGISTERED when there is none.
 */
export async function requestPersonalKey(
  ca: CaContext,
  principal: Principal,
  input: KeyRequestInput,
): Promise<KeyRequestRecord> {
  requireRoleOf(principal, roles.signer);
  assertNewPin(input.pin);
  const { office, person } = await registeredIdentity(ca.pool, principal.office, principal.subject);
  const keys = await generateKeyPair(keyTypes[input.keyType]!);
  const id = randomUUID();
  const request: NewKeyRequest = {
    id,
    office: office.code,
    requester: principal.subject,
    kind: 'enrol',
    keyType: input.keyType,
    algorithm: defaultAlgorithmFor(keys.privateKey),
    spki: subjectPublicKeyInfo(keys.publicKey),
    certificateDer: null,
    chainDer: [],
    encryptedPkcs8: await encryptWithPin(keys.privateKey, ca.kek, id, input.pin),
    pinPolicy: 'met',
    csrDer: null,
    validityDays: input.validityDays ?? null,
    identity: { organisation: office.name, unit: office.unit, name: person.name, title: person.title },
    mismatches: [],
    createdAt: ca.clock.now(),
  };
  return fileKeyRequest(ca, principal, request, certificateSubjectOf(pendingRequest(request)));
}

/**
 * The pending request `id` of the caller's office, row-locked, that the caller (a ca-admin)
 * may decide: 404 KEY_REQUEST_NOT_FOUND (another office's too), 403 KEY_REQUEST_OWN for the
 * requester, 409 KEY_REQUEST_DECIDED once decided.
 */
async function decidable(client: PoolClient, principal: Principal, id: string): Promise<KeyRequestRecord> {
  const request = await lockKeyRequest(client, principal.office, id);
  if (request === undefined) throw new AppError(signingErrors.KEY_REQUEST_NOT_FOUND);
  if (request.requester === principal.subject) throw new AppError(signingErrors.KEY_REQUEST_OWN);
  if (request.state !== 'pending')
    throw new AppError(signingErrors.KEY_REQUEST_DECIDED, { detail: `The request was already ${request.state}.` });
  return request;
}

/** 409 KEY_REQUEST_STALE unless the office and the requester are still registered as the request names them. */
async function assertStillRegistered(client: PoolClient, request: KeyRequestRecord): Promise<void> {
  const { office, person } = await registeredIdentity(client, request.office, request.requester);
  const now: RequestedIdentity = {
    organisation: office.name,
    unit: office.unit,
    name: person.name,
    title: person.title,
  };
  const changed = (Object.keys(now) as (keyof RequestedIdentity)[]).filter((k) => now[k] !== request.identity[k]);
  if (changed.length > 0)
    throw new AppError(signingErrors.KEY_REQUEST_STALE, {
      detail: `Changed since the request: ${changed.join(', ')}. The requester asks again.`,
    });
}

/**
 * Approves the request `id` (a ca-admin of its office, not its requester): the local CA
 * certifies a requested key with the registered identity (an import keeps its certificate),
 * the key becomes usable under the same id with the requester's PIN, and the approval is
 * logged — all in one transaction with the request locked. A certificate issued whose key
 * then fails to be stored is revoked and the failure logged (issued-certificate.ts); the
 * request stays pending.
 */
export async function approveKeyRequest(ca: CaContext, principal: Principal, id: string): Promise<SigningKeyRecord> {
  requireRoleOf(principal, roles.caAdmin);
  const { issuing } = ca.hierarchy;
  // The issuing CA's signer is made before the transaction: nothing else may wait for a
  // connection while it holds one (the embedded database has a single connection).
  const kind = (await findKeyRequest(ca.pool, principal.office, id))?.kind;
  const issuingSigner = kind === 'enrol' || kind === 'csr' ? await signerFor(ca.pool, ca, issuing) : undefined;
  const approved = await withTransaction(ca.pool, async (client) => {
    const request = await decidable(client, principal, id);
    await assertStillRegistered(client, request);
    if (request.kind === 'import') {
      const key = newPersonalKey(id, request.office, request.requester, {
        ...heldKeyOf(request),
        certificate: readCertificate(request.certificateDer!),
        chain: request.chainDer.map((der) => readCertificate(der)),
        caCertificateId: null,
      });
      return { key: await storeApproved(ca, client, principal, request, key) };
    }
    if (issuingSigner === undefined) throw new Error(`signing: request ${id} changed kind`);
    const notBefore = new Date(ca.clock.now().getTime() - 60_000);
    const wanted = new Date(notBefore.getTime() + (request.validityDays ?? 730) * 86_400_000);
    const certificate = await issueCertificate(
      personTemplate(request.office, request.identity, request.spki, {
        notBefore,
        notAfter: wanted > issuing.notAfter ? issuing.notAfter : wanted,
        ...pointersFor(ca.publicUrl, issuing.id, { ocsp: true }),
      }),
      { certificate: ca.certificateOf(issuing), signer: issuingSigner },
      { clock: ca.clock },
    );
    const record = certificateRecord(certificate, 'person', issuing.id);
    const issued = { certificate, chain: [ca.certificateOf(issuing)], caCertificateId: record.id };
    const personal =
      request.kind === 'csr'
        ? newTokenKey(id, request.office, request.requester, { ...issued, algorithm: request.algorithm })
        : newPersonalKey(id, request.office, request.requester, { ...heldKeyOf(request), ...issued });
    const outcome = await storeIssuedCertificate(
      ca,
      client,
      record,
      () => storeApproved(ca, client, principal, request, personal),
      {
        office: principal.office,
        subject: principal.subject,
        action: 'approve-failed',
        keyId: id,
        detail: `${request.kind} for ${request.requester}: ${record.subject}`,
      },
    );
    return 'failed' in outcome ? outcome : { key: outcome.stored };
  });
  if ('failed' in approved) throw approved.failed;
  return approved.key;
}

/** The key a pending request holds under its requester's PIN (enrol, import; a csr holds none). */
function heldKeyOf(request: KeyRequestRecord): {
  encryptedPkcs8: Uint8Array;
  algorithm: string;
  pinPolicy: PinPolicyState;
} {
  if (request.encryptedPkcs8 === null || request.pinPolicy === null)
    throw new Error(`signing: pending request ${request.id} holds no key`);
  return { encryptedPkcs8: request.encryptedPkcs8, algorithm: request.algorithm, pinPolicy: request.pinPolicy };
}

/** Stores the approved key, marks the request approved and logs it (the caller's transaction). */
async function storeApproved(
  ca: CaContext,
  client: PoolClient,
  principal: Principal,
  request: KeyRequestRecord,
  key: NewSigningKey,
): Promise<SigningKeyRecord> {
  await insertSigningKey(client, key);
  await decideKeyRequest(client, request.id, {
    state: 'approved',
    by: principal.subject,
    at: ca.clock.now(),
    reason: null,
  });
  await logSigning(client, {
    office: principal.office,
    subject: principal.subject,
    action: 'approve',
    keyId: request.id,
    detail: `${request.kind} for ${request.requester}: ${formatName(readCertificate(key.certificateDer).subject)}`,
  });
  return storedKey(key);
}

/** Refuses the request `id` with a reason (a ca-admin of its office, not its requester); its key is destroyed; logged. */
export async function refuseKeyRequest(
  ca: CaContext,
  principal: Principal,
  id: string,
  reason: string,
): Promise<KeyRequestRecord> {
  requireRoleOf(principal, roles.caAdmin);
  return withTransaction(ca.pool, async (client) => {
    const request = await decidable(client, principal, id);
    const at = ca.clock.now();
    await decideKeyRequest(client, id, { state: 'refused', by: principal.subject, at, reason });
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'refuse',
      keyId: id,
      detail: `${request.kind} for ${request.requester}: ${reason}`,
    });
    return { ...request, state: 'refused', encryptedPkcs8: null, decidedAt: at, decidedBy: principal.subject, reason };
  });
}

/** The requests the caller may see: every one of the office for its CA administrators, their own for anyone else. */
export async function listRequests(
  ca: CaContext,
  principal: Principal,
  state: KeyRequestState | undefined,
): Promise<KeyRequestRecord[]> {
  const requester = principal.roles.includes(roles.caAdmin) ? undefined : principal.subject;
  return listKeyRequests(ca.pool, principal.office, requester, state);
}

/** The request `id` if the caller may see it (its requester, a ca-admin of the office); 404 KEY_REQUEST_NOT_FOUND otherwise. */
export async function viewRequest(ca: CaContext, principal: Principal, id: string): Promise<KeyRequestRecord> {
  const request = await findKeyRequest(ca.pool, principal.office, id);
  if (request === undefined || (request.requester !== principal.subject && !principal.roles.includes(roles.caAdmin)))
    throw new AppError(signingErrors.KEY_REQUEST_NOT_FOUND);
  return request;
}
