/**
 * Exchange statuses and business types of the national exchange practice (QCVN 102:2016
 * edXML), as docs/DOMAIN.md "Exchange statuses" lists them. Status codes are two-digit
 * strings as on the wire; codes QCVN 102 reserves that DOMAIN does not list (07–12, 14)
 * are unknown here and refused until their meaning is written down.
 */

/** The exchange status codes DOMAIN lists. */
export const exchangeStatusCodes = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;

/** An exchange status code. */
export type ExchangeStatusCode = (typeof exchangeStatusCodes)[number];

/** Who reports a status: the recipient of a package, or its sender. */
export type ExchangeParty = 'recipient' | 'sender';

/** One exchange status. */
export interface ExchangeStatus {
  code: ExchangeStatusCode;
  /** A stable name for code and logs. */
  name: string;
  /** DOMAIN's meaning. */
  meaning: string;
  reportedBy: ExchangeParty;
}

const s = (code: ExchangeStatusCode, name: string, meaning: string, reportedBy: ExchangeParty): ExchangeStatus =>
  Object.freeze({ code, name, meaning, reportedBy });

/** The statuses as data, in code order. */
export const exchangeStatuses: readonly ExchangeStatus[] = Object.freeze([
  s('01', 'arrived', 'arrived at the recipient', 'recipient'),
  s('02', 'refused', 'refused (on arrival, or a recall refused)', 'recipient'),
  s('03', 'accepted', 'accepted and registered (or a recall accepted)', 'recipient'),
  s('04', 'assigned', 'assigned to a handler by a leader', 'recipient'),
  s('05', 'in-progress', 'being handled', 'recipient'),
  s('06', 'completed', 'completed', 'recipient'),
  s('13', 'take-back-requested', 'sender asks to take back', 'sender'),
  s('15', 'take-back-accepted', 'take-back / update accepted', 'recipient'),
  s('16', 'take-back-refused', 'take-back / update refused', 'recipient'),
]);

/** The status of `code` (`'03'`), or undefined for a code DOMAIN does not list. */
export function findExchangeStatus(code: string): ExchangeStatus | undefined {
  return exchangeStatuses.find((x) => x.code === code);
}

/** The business types' ids, in code order (0 new, 1 recall, 2 update, 3 replace). */
export const businessTypeIds = ['new', 'recall', 'update', 'replace'] as const;

/** The business type of a sent package. */
export type BusinessTypeId = (typeof businessTypeIds)[number];

/** One business type: its edXML code and meaning. */
export interface BusinessType {
  id: BusinessTypeId;
  code: 0 | 1 | 2 | 3;
  meaning: string;
}

/** The business types as data (docs/DOMAIN.md). */
export const businessTypes: readonly BusinessType[] = Object.freeze(
  (
    [
      { id: 'new', code: 0, meaning: 'a new document' },
      { id: 'recall', code: 1, meaning: 'recall (thu hồi) of a document sent before' },
      { id: 'update', code: 2, meaning: 'an update of a document sent before' },
      { id: 'replace', code: 3, meaning: 'a replacement of a document sent before' },
    ] satisfies BusinessType[]
  ).map((b) => Object.freeze(b)),
);

/** The business type with edXML code `code` (0–3), or undefined. */
export function businessTypeOfCode(code: number): BusinessType | undefined {
  return businessTypes.find((b) => b.code === code);
}
