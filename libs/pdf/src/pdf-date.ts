/** Formats a date as a PDF date string in UTC, `D:YYYYMMDDHHmmSS+00'00'` (ISO 32000-1 §7.9.4). */
export function formatPdfDate(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00'`;
}

/** Reads a PDF date string (§7.9.4); undefined when it is not one. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?$/.exec(s.trim());
  if (m === null) return undefined;
  const n = (i: number, dflt: number): number => (m[i] === undefined ? dflt : Number(m[i]));
  const utc = Date.UTC(n(1, 0), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0));
  const sign = m[7] === '-' ? -1 : m[7] === '+' ? 1 : 0;
  const d = new Date(utc - sign * (n(8, 0) * 60 + n(9, 0)) * 60_000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
