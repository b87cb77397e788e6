/**
 * What the registry stamps and the register and event say of an issued document: the date
 * in the Vietnamese form of a document's date line, the number as printed, the recipients
 * as one line of the register book.
 */
import { localDate, type DocumentMetadata } from '@lienthong/records';

/**
 * "ngày 04 tháng 05 năm 2026": the local date (UTC+7 by default) of `date`, day and month
 * on two digits so that none can be added to by hand (the form of libs/pades' stamp).
 */
export function vietnameseDate(date: Date, utcOffsetMinutes = 420): string {
  const [year, month, day] = localDate(date, utcOffsetMinutes).split('-');
  return `ngày ${day} tháng ${month} năm ${year}`;
}

/** The recipients (nơi nhận) as the register book prints them: offices, then groups after `@`. */
export function recipientsLine(recipients: DocumentMetadata['recipients']): string {
  return [...(recipients.offices ?? []), ...(recipients.groups ?? []).map((g) => `@${g}`)].join(', ');
}
