/**
 * The metadata part of a submission, checked before any byte of the PDF is kept: JSON,
 * then libs/records' rules (`validateDocumentMetadata`), then the directory (recipient
 * offices and groups exist and are active; the signer is a person of the caller's office
 * with the `signer` role), then the secrecy this service can carry. The issuing office is
 * the caller's: the body may repeat it but never name another. `file` (the PDF's digest and
 * length) may be left out, intake computes it; when given, the PDF must match it.
 */
import { exchangeRequirement, validateDocumentMetadata, type DocumentMetadata, type Problem } from '@lienthong/records';
import { AppError, type Principal } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';

/** Metadata that passed, with the `file` the client declared (if any) and the signer's token subject. */
export interface CheckedMetadata {
  metadata: DocumentMetadata;
  declaredFile: DocumentMetadata['file'] | undefined;
  signerSubject: string;
}

// Stands for the PDF's reference while the metadata is checked before the PDF has arrived.
const pendingFile: DocumentMetadata['file'] = { sha256: '0'.repeat(64), byteLength: 1, mediaType: 'application/pdf' };

const invalid = (problems: Problem[]) =>
  new AppError(intakeErrors.DOCUMENT_METADATA_INVALID, {
    detail: `The metadata is refused: ${problems
      .slice(0, 3)
      .map((p) => `${p.pointer || '/'} ${p.message}`)
      .join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}. Nothing was stored.`,
    extra: { problems },
  });

/** Parses and checks the metadata text for `principal`; throws the 4xx that says what is wrong. */
export async function checkMetadata(
  q: Queryable,
  principal: Principal,
  text: string,
  now: Date,
): Promise<CheckedMetadata> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid([{ pointer: '', message: `is not JSON: ${(error as Error).message}` }]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid([{ pointer: '', message: 'must be a JSON object' }]);
  const given = value as Record<string, unknown>;
  if (given.issuingOffice !== undefined && given.issuingOffice !== principal.office)
    throw invalid([{ pointer: '/issuingOffice', message: `must be your office ${principal.office}, or left out` }]);
  const candidate = { ...given, issuingOffice: principal.office, file: given.file ?? pendingFile };
  const checked = validateDocumentMetadata(candidate, { now });
  if (!checked.ok) throw invalid(checked.problems);
  const metadata = checked.value;
  const requirement = exchangeRequirement(metadata.secrecy);
  if (requirement.exchange !== 'plain')
    throw new AppError(intakeErrors.DOCUMENT_SECRECY_NOT_AVAILABLE, {
      detail: `${requirement.reason}; intake cannot yet encrypt a document for its recipient offices (CMS EnvelopedData), so it accepts ordinary documents only. Nothing was stored.`,
      extra: { problems: [{ pointer: '/secrecy', message: requirement.reason }] },
    });
  const signerSubject = await checkDirectory(q, principal, metadata);
  return { metadata, declaredFile: given.file === undefined ? undefined : metadata.file, signerSubject };
}

/** What the directory says of a submission's offices, groups and signer (one query). */
interface DirectoryFacts {
  own_active: boolean;
  active_offices: string[];
  existing_groups: string[];
  signer_subject: string | null;
  signer_roles: string[] | null;
}

/** Checks the caller's office, the recipients and the signer against the directory; returns the signer's subject. */
async function checkDirectory(q: Queryable, principal: Principal, metadata: DocumentMetadata): Promise<string> {
  const offices = metadata.recipients.offices ?? [];
  const groups = metadata.recipients.groups ?? [];
  // A signer is named by a Code (libs/records), a token subject carries a prefix: `nhung` is `person:nhung`.
  const person = metadata.signer.person;
  // One round trip for every fact the checks below need.
  const { rows } = await q.query<DirectoryFacts>(
    `SELECT EXISTS (SELECT 1 FROM office WHERE code = $1 AND active) AS own_active,
            ARRAY (SELECT code FROM office WHERE code = ANY ($2::text[]) AND active) AS active_offices,
            ARRAY (SELECT code FROM recipient_group WHERE code = ANY ($3::text[])) AS existing_groups,
            s.subject AS signer_subject, s.roles AS signer_roles
     FROM (SELECT 1) AS one
     LEFT JOIN LATERAL (
       SELECT subject, roles FROM person WHERE office = $1 AND subject = ANY ($4::text[]) ORDER BY subject LIMIT 1
     ) AS s ON true`,
    [principal.office, offices, groups, [person, `person:${person}`]],
  );
  const facts = rows[0]!;
  if (!facts.own_active)
    throw new AppError(intakeErrors.DIRECTORY_CALLER_UNKNOWN, {
      detail: `${principal.office} is not an active office of the directory, so it submits no documents.`,
    });
  const problems: Problem[] = [];
  const activeOffices = new Set(facts.active_offices);
  offices.forEach((code, i) => {
    if (!activeOffices.has(code))
      problems.push({
        pointer: `/recipients/offices/${i}`,
        message: `${code} is not an active office of the directory`,
      });
  });
  const existingGroups = new Set(facts.existing_groups);
  groups.forEach((code, i) => {
    if (!existingGroups.has(code))
      problems.push({
        pointer: `/recipients/groups/${i}`,
        message: `${code} is not a recipient group of the directory`,
      });
  });
  const found =
    facts.signer_subject === null ? undefined : { subject: facts.signer_subject, roles: facts.signer_roles ?? [] };
  if (found === undefined)
    problems.push({ pointer: '/signer/person', message: `${person} is not a person of ${principal.office}` });
  else if (!found.roles.includes('signer'))
    problems.push({ pointer: '/signer/person', message: `${person} of ${principal.office} has no signer role` });
  if (problems.length > 0 || found === undefined)
    throw new AppError(intakeErrors.DOCUMENT_RECIPIENT_UNKNOWN, {
      detail: `${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}. Nothing was stored.`,
      extra: { problems },
    });
  return found.subject;
}
