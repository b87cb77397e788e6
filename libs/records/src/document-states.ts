/**
 * The life of an outgoing document in intake, as data: draft → awaiting signature →
 * signed → issued (ban hành), and the ends refused, cancelled, recalled (thu hồi) and
 * replaced (docs/DOMAIN.md, docs/DESIGN.md "The flow of one document"). Every transition
 * is recorded by intake; those that need a reason say so. A number is taken only at
 * `issue` (DOMAIN "Numbering"), so cancelling an issued document is the one explicit,
 * audited way a gap appears in a register. A deployment with other rules passes its own
 * table where a function takes `transitions`.
 */
import { RecordsError } from './errors.ts';
import { quote } from './text.ts';

/** The states' ids. */
export const documentStates = [
  'draft',
  'awaiting-signature',
  'signed',
  'issued',
  'refused',
  'cancelled',
  'recalled',
  'replaced',
] as const;

/** A document state. */
export type DocumentState = (typeof documentStates)[number];

/** One allowed transition. */
export interface DocumentTransition {
  /** What the person does: `submit`, `sign`, `issue`, `recall` … */
  action: string;
  from: DocumentState;
  to: DocumentState;
  /** Whether the transition must record a reason (refusing, cancelling, recalling, replacing). */
  needsReason: boolean;
}

const t = (action: string, from: DocumentState, to: DocumentState, needsReason = false): DocumentTransition =>
  Object.freeze({ action, from, to, needsReason });

/** The default transitions. */
export const documentTransitions: readonly DocumentTransition[] = Object.freeze([
  t('submit', 'draft', 'awaiting-signature'),
  t('withdraw', 'awaiting-signature', 'draft'),
  t('sign', 'awaiting-signature', 'signed'),
  t('refuse', 'awaiting-signature', 'refused', true),
  t('revise', 'refused', 'draft'),
  t('issue', 'signed', 'issued'),
  t('cancel', 'draft', 'cancelled', true),
  t('cancel', 'awaiting-signature', 'cancelled', true),
  t('cancel', 'signed', 'cancelled', true),
  t('cancel', 'refused', 'cancelled', true),
  t('cancel', 'issued', 'cancelled', true),
  t('recall', 'issued', 'recalled', true),
  t('replace', 'issued', 'replaced', true),
]);

/** Whether a transition is allowed, and if not, why. */
export type TransitionCheck = { allowed: true; transition: DocumentTransition } | { allowed: false; reason: string };

/** Whether `state` is a document state. */
export function isDocumentState(state: string): state is DocumentState {
  return (documentStates as readonly string[]).includes(state);
}

/** The states no transition leaves (with the default table: cancelled, recalled, replaced). */
export function isFinalState(state: DocumentState, transitions = documentTransitions): boolean {
  return !transitions.some((x) => x.from === state);
}

/** Whether a document in `from` may move to `to`, and if not, why (naming what is allowed from `from`). */
export function checkTransition(
  from: string,
  to: string,
  transitions: readonly DocumentTransition[] = documentTransitions,
): TransitionCheck {
  if (!isDocumentState(from)) return { allowed: false, reason: `${quote(from)} is not a document state` };
  if (!isDocumentState(to)) return { allowed: false, reason: `${quote(to)} is not a document state` };
  const found = transitions.find((x) => x.from === from && x.to === to);
  if (found !== undefined) return { allowed: true, transition: found };
  if (from === to) return { allowed: false, reason: `the document is already ${from}` };
  const out = transitions.filter((x) => x.from === from);
  if (out.length === 0) return { allowed: false, reason: `${from} is final: no transition leaves it` };
  const options = out.map((x) => `${x.action} → ${x.to}`).join(', ');
  return { allowed: false, reason: `${from} → ${to} is not allowed; from ${from}: ${options}` };
}

/** The transition `action` makes from `from`, or why there is none. */
export function checkAction(
  from: string,
  action: string,
  transitions: readonly DocumentTransition[] = documentTransitions,
): TransitionCheck {
  if (!isDocumentState(from)) return { allowed: false, reason: `${quote(from)} is not a document state` };
  const found = transitions.find((x) => x.from === from && x.action === action);
  if (found !== undefined) return { allowed: true, transition: found };
  const actions = transitions.filter((x) => x.from === from).map((x) => x.action);
  if (actions.length === 0) return { allowed: false, reason: `${from} is final: no transition leaves it` };
  return {
    allowed: false,
    reason: `${quote(action)} is not possible from ${from}; possible: ${actions.join(', ')}`,
  };
}

/** `checkTransition` that throws `RECORDS_TRANSITION_NOT_ALLOWED` with the reason; returns the transition. */
export function assertTransition(
  from: string,
  to: string,
  transitions: readonly DocumentTransition[] = documentTransitions,
): DocumentTransition {
  const check = checkTransition(from, to, transitions);
  if (!check.allowed) throw new RecordsError('RECORDS_TRANSITION_NOT_ALLOWED', check.reason);
  return check.transition;
}
