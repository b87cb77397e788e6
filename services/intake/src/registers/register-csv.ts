/**
 * The outgoing register as CSV for a spreadsheet: UTF-8 with a byte order mark (Excel reads
 * Vietnamese correctly only with it), RFC 4180 quoting, CRLF line ends, and formula
 * injection defused (OWASP "CSV Injection"): a cell starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading `'`, so a hostile subject is never run as a formula.
 */
import type { RegisterEntry } from './register-entry.ts';

const header = [
  'số',
  'ký hiệu',
  'ngày',
  'sổ',
  'kỳ',
  'loại',
  'trích yếu',
  'người ký',
  'nơi nhận',
  'trạng thái',
  'người đăng ký',
  'lý do hủy',
  'ghi chú',
];

const stateNames: Record<RegisterEntry['state'], string> = {
  reserved: 'đã lấy số',
  issued: 'đã ban hành',
  cancelled: 'đã hủy',
};

/** One cell: formula characters defused, quoted when it holds a comma, quote or line end. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The local date of an instant, `dd/mm/yyyy` in UTC+7, as Vietnamese registers write it. */
export function localDay(date: Date, offsetMinutes = 420): string {
  const d = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

/** The register's entries as a CSV document (with BOM). */
export function registerCsv(entries: readonly RegisterEntry[]): string {
  const rows = entries.map((e) => [
    String(e.number),
    e.symbol,
    localDay(e.date),
    e.series,
    e.period,
    e.documentType,
    e.subject,
    e.signer ?? '',
    e.recipients ?? '',
    stateNames[e.state],
    e.issuedBy ?? e.reservedBy,
    e.cancellation?.reason ?? '',
    e.note ?? '',
  ]);
  return '\uFEFF' + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
