/**
 * What `directory.changed` tells about an office (libs/records `DirectoryChanged['office']`),
 * so that the signing service's registration authority names the same office and people as
 * the directory without reading intake's tables:
 *
 * - `organisation`, the legal name certificates name as O: the name of the office's
 *   committee, found by climbing from the office while the parent is at the same level (as
 *   `directory-scope.ts` finds a committee's subtree): VPTU-DEMO "Văn phòng Tỉnh ủy Demo",
 *   province level under TU-DEMO "Tỉnh ủy Demo", province level, names O=Tỉnh ủy Demo; a
 *   district committee under a province is its own committee;
 * - `unit`, a seal's CN and a person's OU: the office's `unit`, or its name when it has none;
 * - `locality`, a seal's L, when the office has one;
 * - `people`: every person of the office (subject, name, title), at most `maxOfficePeople`.
 */
import type { DirectoryChanged, OfficeLevelId } from '@lienthong/records';
import type { OfficeEntry, PersonEntry } from './directory-document.ts';

/** An office's facts as published. */
export type OfficeFacts = NonNullable<DirectoryChanged['office']>;

/** What the climb to an office's committee reads of each office. */
export interface NamedNode {
  name: string;
  parent: string | null;
  level: OfficeLevelId;
}

/** The legal name of `code`'s committee in `offices` (undefined when `code` is not there). A loop of parents stops the climb. */
export function organisationOf(offices: ReadonlyMap<string, NamedNode>, code: string): string | undefined {
  const own = offices.get(code);
  if (own === undefined) return undefined;
  let at = own;
  const visited = new Set<string>([code]);
  while (at.parent !== null && !visited.has(at.parent)) {
    const parent = offices.get(at.parent);
    if (parent === undefined || parent.level !== own.level) break;
    visited.add(at.parent);
    at = parent;
  }
  return at.name;
}

/** The facts of `office` with its committee's legal name and its people (sorted by subject). */
export function officeFacts(office: OfficeEntry, organisation: string, people: readonly PersonEntry[]): OfficeFacts {
  return {
    name: office.name,
    organisation,
    unit: office.unit ?? office.name,
    ...(office.locality === null ? {} : { locality: office.locality }),
    level: office.level,
    parent: office.parent,
    active: office.active,
    people: [...people]
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))
      .map((p) => ({ subject: p.subject, name: p.name, title: p.title })),
  };
}
