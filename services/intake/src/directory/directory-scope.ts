/**
 * Which part of the directory a directory administrator manages: their committee's
 * subtree. The root of it is found by climbing from the caller's office while the parent
 * is at the same level: the province committee's office VPTU-DEMO sits under the province
 * committee TU-DEMO (both province level), so a directory administrator of VPTU-DEMO
 * manages TU-DEMO and everything under it — its boards, districts and communes — and
 * never another province's subtree or the centre. A committee's own place in the tree
 * (the root's parent and level) is its parent's to change.
 */
import type { DirectoryDocument } from './directory-document.ts';
import { isUnder, mergedTree, type DirectorySnapshot } from './directory-snapshot.ts';

/** The answer: the root managed, or why there is none, or the codes the import reaches outside it. */
export type ScopeCheck =
  | { ok: true; root: string | null }
  | { ok: false; reason: 'caller-unknown' }
  | { ok: false; reason: 'outside'; offices: string[] };

/** The root of the subtree that `office`'s directory administrators manage, or undefined when the office is not active. */
export function scopeRootOf(snapshot: DirectorySnapshot, office: string): string | undefined {
  const own = snapshot.offices.get(office);
  if (own === undefined || !own.active) return undefined;
  let root = office;
  const visited = new Set<string>([root]);
  for (;;) {
    const parentCode = snapshot.offices.get(root)?.parent ?? null;
    const parent = parentCode === null ? undefined : snapshot.offices.get(parentCode);
    if (parent === undefined || parent.level !== own.level || visited.has(parentCode!)) return root;
    visited.add(parentCode!);
    root = parentCode!;
  }
}

/**
 * Whether a directory administrator of `callerOffice` may make the import. When the
 * directory is empty, the first import lays it out and must hold the caller's office
 * (`root: null`: everything). Otherwise every office, person and group it writes must be
 * in the caller's subtree before and after it.
 */
export function checkScope(snapshot: DirectorySnapshot, document: DirectoryDocument, callerOffice: string): ScopeCheck {
  if (snapshot.offices.size === 0) {
    return document.offices.some((o) => o.code === callerOffice)
      ? { ok: true, root: null }
      : { ok: false, reason: 'caller-unknown' };
  }
  const root = scopeRootOf(snapshot, callerOffice);
  if (root === undefined) return { ok: false, reason: 'caller-unknown' };
  const before = new Map([...snapshot.offices].map(([code, o]) => [code, { parent: o.parent, level: o.level }]));
  const after = mergedTree(snapshot, document);
  const outside = new Set<string>();
  const within = (code: string): boolean =>
    (!before.has(code) || isUnder(before, code, root)) && isUnder(after, code, root);
  for (const office of document.offices) {
    if (!within(office.code)) outside.add(office.code);
    const stored = snapshot.offices.get(office.code);
    if (
      office.code === root &&
      stored !== undefined &&
      (stored.parent !== office.parent || stored.level !== office.level)
    )
      outside.add(office.code);
  }
  for (const person of document.people) if (!within(person.office)) outside.add(person.office);
  for (const group of document.groups) {
    if (!within(group.office)) outside.add(group.office);
    const stored = snapshot.groups.get(group.code);
    if (stored !== undefined && !within(stored.office)) outside.add(`group:${group.code}`);
  }
  return outside.size === 0 ? { ok: true, root } : { ok: false, reason: 'outside', offices: [...outside].sort() };
}
