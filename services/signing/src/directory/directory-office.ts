/**
 * An office as intake's directory published it (`directory.changed` with its facts), applied
 * to the registered identities in the caller's transaction: the office (legal name, unit,
 * locality, active) and the whole list of its people, each logged in the signing log by
 * `directory`. A revision not newer than the one applied changes nothing, so a replay never
 * rolls an office back. A person whose name or title changes, or who is gone, makes their
 * pending key requests unapprovable exactly as a CA administrator's change does
 * (`KEY_REQUEST_STALE`, `PERSON_NOT_REGISTERED`): approval compares the request with the
 * registration as it then is.
 */
import type { Clock } from '@lienthong/pki';
import type { DirectoryChanged } from '@lienthong/records';
import {
  deletePersonsExcept,
  listPersons,
  lockOffice,
  upsertDirectoryOffice,
  upsertPerson,
} from '../identity/identity-repository.ts';
import { tidyText } from '../identity/office-file.ts';
import { logSigning } from '../keys/signing-log-repository.ts';
import type { Queryable } from '../queryable.ts';

/** Who the signing log names for the directory's changes. */
export const directoryActor = 'directory';

/** What applying one event did. */
export type DirectoryOutcome =
  | { kind: 'applied'; office: string; revision: number; peopleSet: number; peopleRemoved: number }
  /** The stored revision is as new or newer (a replay or an event overtaken). */
  | { kind: 'stale'; office: string; revision: number; stored: number }
  /** Not an office, or an office event without its facts (a producer of before the facts). */
  | { kind: 'ignored' };

/** Applies `change` (already checked against its schema) in the transaction `q`. */
export async function applyDirectoryChange(
  q: Queryable,
  change: DirectoryChanged,
  clock: Clock,
): Promise<DirectoryOutcome> {
  const facts = change.office;
  if (change.entity !== 'office' || facts === undefined) return { kind: 'ignored' };
  const code = change.code;
  const stored = await lockOffice(q, code);
  if (stored?.source === 'directory' && stored.revision !== null && stored.revision >= change.revision)
    return { kind: 'stale', office: code, revision: change.revision, stored: stored.revision };
  const office = {
    code,
    name: tidyText(facts.organisation),
    unit: tidyText(facts.unit),
    ...(facts.locality === undefined ? {} : { locality: tidyText(facts.locality) }),
    active: facts.active,
  };
  await upsertDirectoryOffice(q, office, change.revision);
  await logSigning(q, {
    office: code,
    subject: directoryActor,
    action: 'office-set',
    detail: `O=${office.name}, unit=${office.unit}${office.locality === undefined ? '' : `, L=${office.locality}`}${office.active ? '' : ', retired'} (revision ${change.revision})`,
  });
  const recordedAt = clock.now();
  const before = new Map((await listPersons(q, code)).map((p) => [p.subject, p]));
  let peopleSet = 0;
  for (const entry of facts.people) {
    const name = tidyText(entry.name);
    const title = tidyText(entry.title);
    const current = before.get(entry.subject);
    if (current !== undefined && current.name === name && current.title === title) continue;
    await upsertPerson(q, {
      office: code,
      subject: entry.subject,
      name,
      title,
      recordedBy: directoryActor,
      recordedAt,
    });
    await logSigning(q, {
      office: code,
      subject: directoryActor,
      action: 'person-set',
      detail: `${entry.subject}: ${name}, ${title}`,
    });
    peopleSet += 1;
  }
  const removed = await deletePersonsExcept(
    q,
    code,
    facts.people.map((p) => p.subject),
  );
  for (const subject of removed)
    await logSigning(q, { office: code, subject: directoryActor, action: 'person-remove', detail: subject });
  return { kind: 'applied', office: code, revision: change.revision, peopleSet, peopleRemoved: removed.length };
}
