/**
 * The registered identities as the CA uses them: the caller's office (from the offices file or
 * intake's directory, never from a request) and its people, whose full name and title are what
 * their certificates name: recorded by the office's CA administrators, or, once the directory
 * has published the office, the directory's (`directory/`). Only a CA administrator of the
 * office records, lists or removes its people; anyone may read their own record and their
 * office's. Every change goes to the signing log.
 */
import { withTransaction } from '@lienthong/db';
import { formatName, type Certificate } from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import {
  deletePerson,
  findOffice,
  findPerson,
  listPersons,
  upsertPerson,
  type OfficeRecord,
  type RegisteredPerson,
} from '../identity/identity-repository.ts';
import { identityMismatches } from '../identity/identity-match.ts';
import { tidyText } from '../identity/office-file.ts';
import type { Queryable } from '../queryable.ts';
import { logSigning } from './signing-log-repository.ts';

/**
 * The registered office `code`; 409 OFFICE_NOT_REGISTERED when neither the offices file nor
 * the directory registers it, or the directory retired it (no new certificate for it).
 */
export async function registeredOffice(q: Queryable, code: string): Promise<OfficeRecord> {
  const office = await findOffice(q, code);
  if (office === undefined)
    throw new AppError(signingErrors.OFFICE_NOT_REGISTERED, {
      detail: `The office ${code} is not among the offices this CA certifies (LIENTHONG_SIGNING_OFFICES_FILE or the directory).`,
    });
  if (!office.active)
    throw new AppError(signingErrors.OFFICE_NOT_REGISTERED, {
      detail: `The directory has retired the office ${code}: it gets no new certificate.`,
    });
  return office;
}

/** 409 PEOPLE_FROM_DIRECTORY when the directory, not the office's CA administrators, keeps the office's people. */
function requireRecordedHere(office: OfficeRecord): void {
  if (office.source === 'directory')
    throw new AppError(signingErrors.PEOPLE_FROM_DIRECTORY, {
      detail: `The people of ${office.code} come from the directory (intake): change them there.`,
    });
}

/** The office and the person `subject` as registered; 409 OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED. */
export async function registeredIdentity(
  q: Queryable,
  officeCode: string,
  subject: string,
): Promise<{ office: OfficeRecord; person: RegisteredPerson }> {
  const office = await registeredOffice(q, officeCode);
  const person = await findPerson(q, officeCode, subject);
  if (person === undefined)
    throw new AppError(signingErrors.PERSON_NOT_REGISTERED, {
      detail:
        office.source === 'directory'
          ? `The directory lists no ${subject} in ${officeCode}.`
          : `No CA administrator of ${officeCode} has recorded ${subject} (PUT /v1/offices/self/people/{subject}).`,
      extra: { subject },
    });
  return { office, person };
}

/**
 * Refuses a certificate that does not name the caller as their office registered them
 * (identity-match.ts): 422 CERTIFICATE_IDENTITY_MISMATCH with `mismatches`, logged as
 * `refused` with what was asked; 409 OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED first.
 * For certificates a caller brings along (two-step signing with a USB token): the service
 * must not lend its name to a signature in somebody else's.
 */
export async function requireCallersCertificate(
  q: Queryable,
  principal: Principal,
  certificate: Certificate,
  refused: 'two-step-refused',
): Promise<void> {
  const { office, person } = await registeredIdentity(q, principal.office, principal.subject);
  const mismatches = identityMismatches(certificate.subject, office, person);
  if (mismatches.length === 0) return;
  await logSigning(q, {
    office: principal.office,
    subject: principal.subject,
    action: refused,
    detail: `${formatName(certificate.subject)}: ${mismatches.join('; ')}`,
  });
  throw new AppError(signingErrors.CERTIFICATE_IDENTITY_MISMATCH, {
    detail: 'The certificate does not name the caller as their office registered them.',
    extra: { mismatches },
  });
}

/** The caller's office as registered (any caller). */
export async function viewOwnOffice(ca: CaContext, principal: Principal): Promise<OfficeRecord> {
  return registeredOffice(ca.pool, principal.office);
}

/** What a CA administrator records about a person. */
export interface PersonInput {
  name: string;
  title: string;
}

/** Records or replaces the person `subject` of the caller's office (a ca-admin); returns them and whether they are new. */
export async function recordPerson(
  ca: CaContext,
  principal: Principal,
  subject: string,
  input: PersonInput,
): Promise<{ person: RegisteredPerson; created: boolean }> {
  requireRoleOf(principal, roles.caAdmin);
  requireRecordedHere(await registeredOffice(ca.pool, principal.office));
  const person: RegisteredPerson = {
    office: principal.office,
    subject,
    name: tidyText(input.name),
    title: tidyText(input.title),
    recordedBy: principal.subject,
    recordedAt: ca.clock.now(),
  };
  const created = await withTransaction(ca.pool, async (client) => {
    const isNew = await upsertPerson(client, person);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'person-set',
      detail: `${subject}: ${person.name}, ${person.title}`,
    });
    return isNew;
  });
  return { person, created };
}

/** The people of the caller's office (a ca-admin). */
export async function listPeople(ca: CaContext, principal: Principal): Promise<RegisteredPerson[]> {
  requireRoleOf(principal, roles.caAdmin);
  return listPersons(ca.pool, principal.office);
}

/** The person `subject` of the caller's office: for its CA administrators, and for that person; 404 PERSON_NOT_FOUND otherwise. */
export async function viewPerson(ca: CaContext, principal: Principal, subject: string): Promise<RegisteredPerson> {
  const mayView = principal.roles.includes(roles.caAdmin) || principal.subject === subject;
  const person = mayView ? await findPerson(ca.pool, principal.office, subject) : undefined;
  if (person === undefined) throw new AppError(signingErrors.PERSON_NOT_FOUND, { extra: { subject } });
  return person;
}

/**
 * Removes the person `subject` of the caller's office (a ca-admin): they get no new
 * certificate and their pending requests can no longer be approved. Certificates already
 * issued stay valid until revoked (`POST /v1/ca/certificates/{id}/revocation`).
 */
export async function removePerson(ca: CaContext, principal: Principal, subject: string): Promise<void> {
  requireRoleOf(principal, roles.caAdmin);
  const office = await findOffice(ca.pool, principal.office);
  if (office !== undefined) requireRecordedHere(office);
  await withTransaction(ca.pool, async (client) => {
    if (!(await deletePerson(client, principal.office, subject)))
      throw new AppError(signingErrors.PERSON_NOT_FOUND, { extra: { subject } });
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'person-remove',
      detail: subject,
    });
  });
}
