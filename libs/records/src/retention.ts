/**
 * Retention classes and access classes of archived records (docs/DOMAIN.md "Archives").
 * When a retention period starts (the document's date, the end of the work, the closing
 * of the file) is the archive's choice, so `retainUntil` takes the start as given.
 */

/** The retention classes' ids: permanent (vĩnh viễn) and fixed terms in years. */
export const retentionClassIds = [
  'permanent',
  '70-years',
  '50-years',
  '30-years',
  '20-years',
  '10-years',
  '5-years',
] as const;

/** A retention class. */
export type RetentionClassId = (typeof retentionClassIds)[number];

/** One retention class; `years` is null for permanent records. */
export interface RetentionClass {
  id: RetentionClassId;
  years: number | null;
  /** The Vietnamese name. */
  name: string;
}

/** The classes as data, longest first. */
export const retentionClasses: readonly RetentionClass[] = Object.freeze(
  retentionClassIds.map((id) => {
    const years = id === 'permanent' ? null : Number(id.split('-')[0]);
    return Object.freeze({ id, years, name: years === null ? 'Vĩnh viễn' : `${years} năm` });
  }),
);

/** The class of `id`, or undefined. */
export function findRetentionClass(id: string): RetentionClass | undefined {
  return retentionClasses.find((c) => c.id === id);
}

/**
 * The date until which a record of class `id` is kept, counted from `start`: the same
 * calendar day (UTC) `years` later — 29 February rolls to 1 March, keeping a day more
 * rather than less — or null for a permanent record (and an unknown class, which the
 * caller should have refused; null keeps it rather than losing it).
 */
export function retainUntil(id: string, start: Date): Date | null {
  const years = findRetentionClass(id)?.years ?? null;
  if (years === null) return null;
  const until = new Date(start.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + years);
  return until;
}

/** The access classes' ids (docs/DOMAIN.md "Archives": public, conditional, secret). */
export const accessClassIds = ['public', 'conditional', 'secret'] as const;

/** An access class of an archived record. */
export type AccessClassId = (typeof accessClassIds)[number];
