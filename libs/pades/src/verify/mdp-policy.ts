import type { ChangeAfterSignature, ChangeKind, ModificationVerdict, PdfFieldLock, RevisionChange } from './report.ts';

/** The modification rules one signature imposes on the revisions after it (ISO 32000-1 §12.8.2). */
export interface SignatureRules {
  /** DocMDP /P of the document's certification signature, when it precedes the change. */
  readonly docMdp: 1 | 2 | 3 | undefined;
  /** The signature's own FieldMDP (§12.8.2.4). */
  readonly lock: PdfFieldLock | undefined;
  /** The signature's own field: once signed it is locked. */
  readonly ownField: string;
}

const matches = (name: string, listed: string): boolean => name === listed || name.startsWith(`${listed}.`);

/** Whether FieldMDP locks a field (§12.8.2.4 Table 256: All, Include, Exclude; a listed name covers its descendants). */
export function isLocked(lock: PdfFieldLock | undefined, field: string): boolean {
  if (lock === undefined) return false;
  switch (lock.action) {
    case 'All':
      return true;
    case 'Include':
      return lock.fields.some((f) => matches(field, f));
    case 'Exclude':
      return !lock.fields.some((f) => matches(field, f));
  }
}

/**
 * Whether a change is permitted by the rules (ISO 32000-1 §12.8.2.2 Table
 * 254). Without a certification signature the rules of /P 2 apply (signing
 * and form filling, no annotations: an annotation changes what is shown),
 * except that a later approval signature may have a visible widget.
 */
export function judgeChange(rules: SignatureRules, change: RevisionChange): { permitted: boolean; kind: ChangeKind } {
  const p = rules.docMdp ?? 2;
  switch (change.requires) {
    case 'always':
      return { permitted: true, kind: change.kind };
    case 'never':
      return { permitted: false, kind: change.kind };
    case 'annotate':
      return { permitted: p === 3, kind: change.kind };
    case 'sign-visible':
      if (rules.docMdp === 1 || rules.docMdp === 2) return { permitted: false, kind: change.kind };
      return judgeChange(rules, { ...change, requires: 'sign' });
    case 'sign':
    case 'fill': {
      if (p === 1) return { permitted: false, kind: change.kind };
      const f = change.field;
      if (f !== undefined && (f === rules.ownField || isLocked(rules.lock, f)))
        return { permitted: false, kind: 'locked-field' };
      return { permitted: true, kind: change.kind };
    }
  }
}

const RANK: Record<ChangeKind, number> = {
  'appended-data': 0,
  unreadable: 0,
  'page-content': 0,
  'replaced-object': 0,
  'deleted-object': 0,
  catalog: 0,
  'locked-field': 0,
  appearance: 0,
  'field-structure': 0,
  'new-field': 0,
  annotation: 1,
  signature: 2,
  'document-timestamp': 3,
  'form-fill': 4,
  dss: 5,
  metadata: 6,
};

/** Judges each revision after a signature; the verdict is FORBIDDEN as soon as one change is. */
export function judgeRevisions(
  rules: SignatureRules,
  revisions: readonly { readonly index: number; readonly changes: readonly RevisionChange[] }[],
): { changesAfter: ChangeAfterSignature[]; modification: ModificationVerdict } {
  const changesAfter = revisions.map((rev) => {
    const judged = rev.changes.map((c) => ({ c, ...judgeChange(rules, c) }));
    const bad = judged.find((j) => !j.permitted);
    const main = bad ?? [...judged].sort((a, b) => RANK[a.kind] - RANK[b.kind])[0];
    return {
      revision: rev.index,
      permitted: bad === undefined,
      kind: main?.kind ?? 'metadata',
      detail:
        bad === undefined
          ? judged.map((j) => j.c.detail).join(' ') || 'No change of substance.'
          : `${bad.kind === 'locked-field' ? 'Locked field: ' : ''}${bad.c.detail}`,
      changes: rev.changes,
    };
  });
  const modification: ModificationVerdict =
    changesAfter.length === 0 ? 'NONE' : changesAfter.every((c) => c.permitted) ? 'PERMITTED' : 'FORBIDDEN';
  return { changesAfter, modification };
}
