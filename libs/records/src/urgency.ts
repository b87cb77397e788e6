/**
 * Urgency levels (độ khẩn): Khẩn, Thượng khẩn, Hỏa tốc, optionally with a deadline time
 * (docs/DOMAIN.md "Secrecy and urgency"). Urgent documents are sent right after signing
 * and passed on at once on arrival; delivery serves higher priorities first (docs/DESIGN.md).
 */

/** The urgency levels' ids, from least to most urgent. */
export const urgencyLevelIds = ['ordinary', 'urgent', 'very-urgent', 'flash'] as const;

/** An urgency level's id: `ordinary` (no mark), `urgent` (Khẩn), `very-urgent` (Thượng khẩn), `flash` (Hỏa tốc). */
export type UrgencyLevelId = (typeof urgencyLevelIds)[number];

/** One urgency level. */
export interface UrgencyLevel {
  id: UrgencyLevelId;
  /** The mark as printed (empty for ordinary documents). */
  mark: string;
  /** The Vietnamese name, NFC. */
  name: string;
  /** Delivery order: higher first. */
  priority: number;
}

/** The levels as data. */
export const urgencyLevels: readonly UrgencyLevel[] = Object.freeze(
  (
    [
      { id: 'ordinary', mark: '', name: 'Thường', priority: 0 },
      { id: 'urgent', mark: 'KHẨN', name: 'Khẩn', priority: 1 },
      { id: 'very-urgent', mark: 'THƯỢNG KHẨN', name: 'Thượng khẩn', priority: 2 },
      { id: 'flash', mark: 'HỎA TỐC', name: 'Hỏa tốc', priority: 3 },
    ] satisfies UrgencyLevel[]
  ).map((l) => Object.freeze(l)),
);

/** The level of `id`, or undefined. */
export function findUrgencyLevel(id: string): UrgencyLevel | undefined {
  return urgencyLevels.find((l) => l.id === id);
}

/** Whether a deadline may be given at this level: only for an urgent one (not `ordinary`). */
export function allowsDeadline(id: UrgencyLevelId): boolean {
  return id !== 'ordinary';
}
