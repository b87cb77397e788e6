import type { RevisionChange } from './report.ts';

/**
 * What one revision does to the form, gathered while its objects are
 * classified: the fields whose value (/V) changed, and each change to what a
 * field shows (its /AP or /AS, or an appearance stream it uses) with the field.
 */
export interface FormFills {
  readonly values: Set<string>;
  readonly appearances: Map<RevisionChange, string>;
}

/** An empty {@link FormFills} for one revision. */
export const newFormFills = (): FormFills => ({ values: new Set(), appearances: new Map() });

/** Records `change` as a change to the appearance of `field`; returns it. */
export function appearanceChange(fills: FormFills, field: string, change: RevisionChange): RevisionChange {
  fills.appearances.set(change, field);
  return change;
}

/**
 * Form filling (ISO 32000-1 §12.8.2.2.2 Table 254, P 2) changes a field's
 * value and, with it, the appearance that shows the value (§12.7.3.3). An
 * appearance that changes while the value stays is the "replace" shadow
 * attack of Mainka et al. (NDSS 2021): the document shows what was not
 * filled in, and a signed signature field shows something else than when
 * it was signed. Each such change becomes a forbidden `appearance` change
 * naming the field.
 */
export function judgeAppearances(changes: readonly RevisionChange[], fills: FormFills): RevisionChange[] {
  return changes.map((c) => {
    const field = fills.appearances.get(c);
    if (field === undefined || fills.values.has(field)) return c;
    return {
      kind: 'appearance',
      requires: 'never',
      detail: `The appearance of field ${field} changed${c.object === undefined ? '' : ` (object ${c.object})`} but its value did not (shadow replace).`,
      field,
      ...(c.object === undefined ? {} : { object: c.object }),
    };
  });
}
