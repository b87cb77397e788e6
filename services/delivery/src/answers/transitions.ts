/**
 * Which exchange status may follow which (docs/DOMAIN.md "Exchange statuses"): a document
 * in the inbox (01) is answered once, accepted (03) or refused (02); an accepted one is
 * then assigned (04), in progress (05), completed (06), never backwards. Pure data.
 */

/** The processing statuses a recipient reports after acceptance. */
export const processingStatuses = ['04', '05', '06'] as const;

/** A processing status. */
export type ProcessingStatus = (typeof processingStatuses)[number];

/** The statuses each processing status may be reached from. */
export const reachableFrom: Readonly<Record<ProcessingStatus, readonly string[]>> = Object.freeze({
  '04': ['03'],
  '05': ['03', '04'],
  '06': ['03', '04', '05'],
});

/** The processing statuses that may follow `status`. */
export function allowedAfter(status: string | null): ProcessingStatus[] {
  return processingStatuses.filter((next) => status !== null && reachableFrom[next].includes(status));
}
