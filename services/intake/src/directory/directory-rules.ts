/**
 * The rules an import must keep, checked all at once against the directory as it is
 * (pure: the snapshot is passed in). Every problem is returned with its JSON pointer into
 * the document (and, for CSV, the line), at most `maxProblems`.
 */
import { maxOfficePeople, mayBeUnder, officeLevelIds, quote, textProblem } from '@lienthong/records';
import { roles as knownRoles } from '@lienthong/service';
import { bodyAbbreviationPattern, Code } from '@lienthong/records';
import type { ImportProblem } from './directory-csv.ts';
import { maxLocalityLength, maxNameLength, subjectPattern, type DirectoryDocument } from './directory-document.ts';
import { mergedTree, personKey, type DirectorySnapshot, type TreeNode } from './directory-snapshot.ts';

/** Most problems reported for one import. */
export const maxProblems = 100;

const codeShape = new RegExp(Code.pattern!);
const abbreviationShape = new RegExp(bodyAbbreviationPattern);
const subjectShape = new RegExp(subjectPattern);
const roleNames: readonly string[] = Object.values(knownRoles);

/** The offices of `tree` whose walk up comes back to them (a cycle of parents). */
function officesInCycles(tree: ReadonlyMap<string, TreeNode>, start: readonly string[]): Set<string> {
  const inCycle = new Set<string>();
  const settled = new Set<string>();
  for (const code of start) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | null = code;
    while (at !== null && !settled.has(at) && !onPath.has(at)) {
      path.push(at);
      onPath.add(at);
      at = tree.get(at)?.parent ?? null;
    }
    if (at !== null && onPath.has(at)) for (const c of path.slice(path.indexOf(at))) inCycle.add(c);
    for (const c of path) settled.add(c);
  }
  return inCycle;
}

/** Every problem of `document` against `snapshot`; `lines[i]` is the CSV line of office i, when it came from CSV. */
export function checkImport(
  snapshot: DirectorySnapshot,
  document: DirectoryDocument,
  lines: readonly number[] = [],
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const add = (pointer: string, message: string, line?: number): void => {
    if (problems.length < maxProblems) problems.push({ pointer, message, ...(line === undefined ? {} : { line }) });
  };
  const text = (pointer: string, value: string, maxLength: number, line?: number): void => {
    const why = textProblem(value, { maxLength });
    if (why !== undefined) add(pointer, why, line);
  };
  const tree = mergedTree(snapshot, document);

  const firstAt = new Map<string, number>();
  document.offices.forEach((office, i) => {
    const at = `/offices/${i}`;
    const line = lines[i];
    if (!codeShape.test(office.code))
      add(`${at}/code`, `${quote(office.code, 40)} is not a code (letters, digits, . _ -; at most 64)`, line);
    const first = firstAt.get(office.code);
    if (first !== undefined) add(`${at}/code`, `${office.code} is listed twice (also /offices/${first})`, line);
    else firstAt.set(office.code, i);
    text(`${at}/name`, office.name, maxNameLength, line);
    if (office.unit !== null) text(`${at}/unit`, office.unit, maxNameLength, line);
    if (office.locality !== null) text(`${at}/locality`, office.locality, maxLocalityLength, line);
    if (!abbreviationShape.test(office.abbreviation))
      add(
        `${at}/abbreviation`,
        `${quote(office.abbreviation, 40)} is not an abbreviation as in a symbol (capitals, Đ, digits; e.g. TU, HU, ĐU)`,
        line,
      );
    if (!officeLevelIds.includes(office.level)) return;
    if (office.sealKey !== null) text(`${at}/sealKey`, office.sealKey, 200, line);
    if (office.parent === null) return;
    if (office.parent === office.code) {
      add(`${at}/parent`, `${office.code} cannot be its own parent`, line);
      return;
    }
    const parent = tree.get(office.parent);
    if (parent === undefined)
      add(`${at}/parent`, `${quote(office.parent, 64)} is neither in the directory nor in this file`, line);
    else if (!mayBeUnder(office.level, parent.level))
      add(`${at}/parent`, `a ${office.level} office cannot sit under ${office.parent}, a ${parent.level} office`, line);
  });
  const cycles = officesInCycles(
    tree,
    document.offices.map((o) => o.code),
  );
  document.offices.forEach((office, i) => {
    if (cycles.has(office.code) && office.parent !== office.code && firstAt.get(office.code) === i)
      add(`/offices/${i}/parent`, `${office.code} is in a cycle of parents`, lines[i]);
  });

  const people = new Map<string, number>();
  document.people.forEach((person, i) => {
    const at = `/people/${i}`;
    if (!tree.has(person.office)) add(`${at}/office`, `${quote(person.office, 64)} is not an office of the directory`);
    if (!subjectShape.test(person.subject)) add(`${at}/subject`, 'a subject has no white space or slash, at most 200');
    const key = personKey(person.office, person.subject);
    const first = people.get(key);
    if (first !== undefined)
      add(`${at}/subject`, `${person.subject} of ${person.office} is listed twice (also /people/${first})`);
    else people.set(key, i);
    text(`${at}/name`, person.name, maxNameLength);
    text(`${at}/title`, person.title, maxNameLength);
    person.roles.forEach((role, j) => {
      if (!roleNames.includes(role))
        add(`${at}/roles/${j}`, `${quote(role, 64)} is not a role (${roleNames.join(', ')})`);
    });
  });

  // directory.changed carries an office's whole list of people: at most maxOfficePeople.
  const perOffice = new Map<string, Set<string>>();
  for (const stored of snapshot.people.values())
    perOffice.set(stored.office, (perOffice.get(stored.office) ?? new Set()).add(stored.subject));
  const over = new Set<string>();
  document.people.forEach((person, i) => {
    const subjects = (perOffice.get(person.office) ?? new Set<string>()).add(person.subject);
    perOffice.set(person.office, subjects);
    if (subjects.size <= maxOfficePeople || over.has(person.office)) return;
    over.add(person.office);
    add(
      `/people/${i}`,
      `${person.office} would have more than ${maxOfficePeople} people (the most one office may have)`,
    );
  });

  const groups = new Map<string, number>();
  document.groups.forEach((group, i) => {
    const at = `/groups/${i}`;
    const first = groups.get(group.code);
    if (first !== undefined) add(`${at}/code`, `${group.code} is listed twice (also /groups/${first})`);
    else groups.set(group.code, i);
    if (!tree.has(group.office)) add(`${at}/office`, `${quote(group.office, 64)} is not an office of the directory`);
    text(`${at}/name`, group.name, maxNameLength);
    if (group.offices.length === 0 && group.rules.length === 0) add(at, 'a group lists offices, rules or both');
    group.offices.forEach((code, j) => {
      if (!tree.has(code)) add(`${at}/offices/${j}`, `${quote(code, 64)} is not an office of the directory`);
    });
    group.rules.forEach((rule, j) => {
      if (!tree.has(rule.under))
        add(`${at}/rules/${j}/under`, `${quote(rule.under, 64)} is not an office of the directory`);
    });
  });
  return problems;
}
