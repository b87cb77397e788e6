/**
 * What an import changes, worked out before anything is written (pure): the offices,
 * people and groups that are new or differ from what is stored, with the revision each
 * changed entity gets and the `directory.changed` fact it is published as. Entries equal
 * to what is stored change nothing and publish nothing, so importing a file twice is a
 * no-op the second time.
 *
 * People are published as a change of their office (`entity: "office"`, `updated`): the
 * event's `code` is a directory code and a token subject (`person:nhung`) is not one, and
 * the office's event carries its whole list of people (`directory-facts.ts`).
 *
 * An office whose committee's legal name changes (the committee renamed, or the office moved)
 * is published too, since what its certificates name changed with it.
 */
import type { DirectoryChanged } from '@lienthong/records';
import type { DirectoryDocument, GroupEntry, OfficeEntry, PersonEntry } from './directory-document.ts';
import { organisationOf, type NamedNode } from './directory-facts.ts';
import { personKey, type DirectorySnapshot } from './directory-snapshot.ts';

/** One entity's change as published. */
export type DirectoryChange = Omit<DirectoryChanged, 'at'>;

/** What an import writes. */
export interface DirectoryChanges {
  offices: (OfficeEntry & { revision: number })[];
  /** Offices whose people changed but not the office itself: only their revision moves. */
  revisedOffices: { code: string; revision: number }[];
  people: PersonEntry[];
  groups: (GroupEntry & { revision: number })[];
  events: DirectoryChange[];
  summary: { officesCreated: number; officesUpdated: number; officesUnchanged: number; people: number; groups: number };
}

const sameOffice = (a: OfficeEntry, b: OfficeEntry): boolean =>
  a.name === b.name &&
  a.abbreviation === b.abbreviation &&
  a.level === b.level &&
  a.parent === b.parent &&
  a.sealKey === b.sealKey &&
  a.unit === b.unit &&
  a.locality === b.locality &&
  a.active === b.active;

const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => JSON.stringify(v) === JSON.stringify(b[i]));

const samePerson = (a: PersonEntry, b: PersonEntry): boolean =>
  a.name === b.name && a.title === b.title && sameList([...a.roles].sort(), [...b.roles].sort());

const sameGroup = (a: GroupEntry, b: GroupEntry): boolean =>
  a.office === b.office && a.name === b.name && sameList(a.offices, b.offices) && sameList(a.rules, b.rules);

/** The changes `document` (already checked) makes to `snapshot`. */
export function directoryChanges(snapshot: DirectorySnapshot, document: DirectoryDocument): DirectoryChanges {
  const changes: DirectoryChanges = {
    offices: [],
    revisedOffices: [],
    people: [],
    groups: [],
    events: [],
    summary: { officesCreated: 0, officesUpdated: 0, officesUnchanged: 0, people: 0, groups: 0 },
  };
  const changedOffices = new Set<string>();
  for (const office of document.offices) {
    const stored = snapshot.offices.get(office.code);
    if (stored !== undefined && sameOffice(stored, office)) {
      changes.summary.officesUnchanged += 1;
      continue;
    }
    const revision = (stored?.revision ?? 0) + 1;
    changes.offices.push({ ...office, revision });
    changedOffices.add(office.code);
    if (stored === undefined) changes.summary.officesCreated += 1;
    else changes.summary.officesUpdated += 1;
    const change =
      stored === undefined || (!stored.active && office.active) ? 'created' : office.active ? 'updated' : 'removed';
    changes.events.push({ entity: 'office', code: office.code, change, revision });
  }
  const revised = new Set<string>();
  for (const person of document.people) {
    const stored = snapshot.people.get(personKey(person.office, person.subject));
    if (stored !== undefined && samePerson(stored, person)) continue;
    changes.people.push(person);
    changes.summary.people += 1;
    if (changedOffices.has(person.office) || revised.has(person.office)) continue;
    revised.add(person.office);
    const revision = (snapshot.offices.get(person.office)?.revision ?? 0) + 1;
    changes.revisedOffices.push({ code: person.office, revision });
    changes.events.push({ entity: 'office', code: person.office, change: 'updated', revision });
  }
  if (changes.offices.length > 0) {
    const after = new Map<string, NamedNode>(snapshot.offices);
    for (const office of changes.offices) after.set(office.code, office);
    for (const [code, stored] of snapshot.offices) {
      if (changedOffices.has(code) || revised.has(code)) continue;
      if (organisationOf(snapshot.offices, code) === organisationOf(after, code)) continue;
      revised.add(code);
      changes.revisedOffices.push({ code, revision: stored.revision + 1 });
      changes.events.push({ entity: 'office', code, change: 'updated', revision: stored.revision + 1 });
    }
  }
  for (const group of document.groups) {
    const stored = snapshot.groups.get(group.code);
    if (stored !== undefined && sameGroup(stored, group)) continue;
    const revision = (stored?.revision ?? 0) + 1;
    changes.groups.push({ ...group, revision });
    changes.summary.groups += 1;
    changes.events.push({
      entity: 'group',
      code: group.code,
      change: stored === undefined ? 'created' : 'updated',
      revision,
    });
  }
  return changes;
}
