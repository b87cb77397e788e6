/**
 * The directory as an import sees it: every office (the tree), the people of the offices
 * the import names and every recipient group, with their revisions; and the tree after
 * the import (`mergedTree`), which the rules and the scope walk.
 */
import type { OfficeLevelId } from '@lienthong/records';
import type { DirectoryDocument, GroupEntry, OfficeEntry, PersonEntry } from './directory-document.ts';

/** An office as stored. */
export interface StoredOffice extends OfficeEntry {
  revision: number;
  updatedAt: Date;
}

/** A group as stored. */
export interface StoredGroup extends GroupEntry {
  revision: number;
  updatedAt: Date;
}

/** What an import is checked against and compared with. */
export interface DirectorySnapshot {
  offices: ReadonlyMap<string, StoredOffice>;
  /** Keyed by `personKey`. */
  people: ReadonlyMap<string, PersonEntry>;
  groups: ReadonlyMap<string, StoredGroup>;
}

/** The key of a person in a snapshot. */
export const personKey = (office: string, subject: string): string => `${office}\u0000${subject}`;

/** One node of the tree: its parent and level. */
export interface TreeNode {
  parent: string | null;
  level: OfficeLevelId;
}

/** The tree once `document` is applied to `snapshot` (the first entry of a code wins; duplicates are refused anyway). */
export function mergedTree(snapshot: DirectorySnapshot, document: DirectoryDocument): Map<string, TreeNode> {
  const tree = new Map<string, TreeNode>();
  for (const [code, office] of snapshot.offices) tree.set(code, { parent: office.parent, level: office.level });
  const seen = new Set<string>();
  for (const office of document.offices) {
    if (seen.has(office.code)) continue;
    seen.add(office.code);
    tree.set(office.code, { parent: office.parent, level: office.level });
  }
  return tree;
}

/**
 * Whether walking up from `code` in `tree` reaches `root` (an office is under itself).
 * A walk that loops or leaves the tree is not under anything.
 */
export function isUnder(tree: ReadonlyMap<string, TreeNode>, code: string, root: string): boolean {
  const visited = new Set<string>();
  let at: string | null = code;
  while (at !== null && !visited.has(at)) {
    if (at === root) return true;
    visited.add(at);
    at = tree.get(at)?.parent ?? null;
  }
  return false;
}
