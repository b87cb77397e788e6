/**
 * Which exchange status may follow which (docs/DOMAIN.md "Exchange statuses"): a document
 * in the inbox (01) is answered once, accepted (03) or refused (02); an accepted one is
 * then assigned (04), in progress (05), completed (06), never backwards. After a recall
 * refused (16) the recipient keeps the document and goes on from where it stood when the
 * recall was asked; after one accepted (15) nothing follows. Pure data.
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

/**
 * The status a leg with `status` answers from: its own, or after a recall refused (16) the
 * one it had when the recall was asked (`beforeRecall`; null: not in the inbox then, so 01).
 */
export function answeringFrom(status: string | null, beforeRecall: string | null): string | null {
  return status === '16' ? (beforeRecall ?? '01') : status;
}
