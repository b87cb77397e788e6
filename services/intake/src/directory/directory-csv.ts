/**
 * Offices from CSV (RFC 4180): a header row naming the columns, then one office a row.
 * Columns: `code`, `name`, `abbreviation`, `level` (required), `parent`, `seal_key`,
 * `active`, `unit`, `locality` (optional; empty = no parent, no seal key, active, the
 * name as the unit, no locality). Fields may be quoted
 * (`"Đảng ủy xã ""Mới"""`), quoted fields may hold commas and line breaks; lines end in
 * CRLF or LF; a UTF-8 byte order mark at the start is skipped. Every problem is reported
 * with its line.
 */
import { officeLevelIds, type OfficeLevelId } from '@lienthong/records';
import { maxEntries, type OfficeEntry } from './directory-document.ts';

/** A problem of an import: where (a JSON pointer into the document, and the CSV line when it came from CSV) and why. */
export interface ImportProblem {
  pointer: string;
  message: string;
  line?: number;
}

/** The columns of the offices CSV. */
export const csvColumns = [
  'code',
  'name',
  'abbreviation',
  'level',
  'parent',
  'seal_key',
  'active',
  'unit',
  'locality',
] as const;
const requiredColumns = ['code', 'name', 'abbreviation', 'level'];

/** The records of a CSV text with the line each starts on, or the first syntax problem. */
export function readCsvRecords(
  text: string,
): { ok: true; records: { line: number; fields: string[] }[] } | { ok: false; problem: ImportProblem } {
  const records: { line: number; fields: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= text.length)
            return { ok: false, problem: { pointer: '', line: start, message: 'a quoted field is never closed' } };
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          if (c === '\n') line += 1;
          value += c;
          i += 1;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n'))
          return {
            ok: false,
            problem: { pointer: '', line, message: 'text after a closing quote (write "" for a quote)' },
          };
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"')
            return { ok: false, problem: { pointer: '', line, message: 'a quote inside an unquoted field' } };
          value += text[i];
          i += 1;
        }
      }
      fields.push(value);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === '\r') i += 1;
      if (text[i] === '\n') {
        i += 1;
        line += 1;
      }
      break;
    }
    // A blank line (one empty field) is skipped, as spreadsheets write them at the end.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return { ok: true, records };
}

/**
 * The offices of a CSV text, or every problem (syntax, header, column count, level,
 * `active`). Field contents are checked later with the rest of the import, each problem
 * pointing at `/offices/<i>/<field>` with the line.
 */
export function readOfficesCsv(
  text: string,
): { ok: true; offices: OfficeEntry[]; lines: number[] } | { ok: false; problems: ImportProblem[] } {
  const read = readCsvRecords(text);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const [header, ...rows] = read.records;
  if (header === undefined) return { ok: false, problems: [{ pointer: '', line: 1, message: 'the CSV is empty' }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const problems: ImportProblem[] = [];
  for (const name of names)
    if (!(csvColumns as readonly string[]).includes(name))
      problems.push({
        pointer: '',
        line: 1,
        message: `unknown column "${name.slice(0, 40)}" (columns: ${csvColumns.join(', ')})`,
      });
  for (const name of requiredColumns)
    if (!names.includes(name)) problems.push({ pointer: '', line: 1, message: `the header has no column ${name}` });
  if (new Set(names).size !== names.length) problems.push({ pointer: '', line: 1, message: 'a column is named twice' });
  if (rows.length > maxEntries)
    problems.push({
      pointer: '',
      line: rows[maxEntries]!.line,
      message: `more than ${maxEntries} offices in one import`,
    });
  if (problems.length > 0) return { ok: false, problems };
  const offices: OfficeEntry[] = [];
  const lines: number[] = [];
  rows.forEach((row, index) => {
    if (problems.length >= 100) return;
    if (row.fields.length !== names.length) {
      problems.push({
        pointer: `/offices/${index}`,
        line: row.line,
        message: `${row.fields.length} fields where the header has ${names.length}`,
      });
      return;
    }
    const get = (column: string): string => {
      const at = names.indexOf(column);
      return at < 0 ? '' : row.fields[at]!;
    };
    const level = get('level');
    if (!(officeLevelIds as readonly string[]).includes(level))
      problems.push({
        pointer: `/offices/${index}/level`,
        line: row.line,
        message: `level "${level.slice(0, 40)}" is not one of ${officeLevelIds.join(', ')}`,
      });
    const active = get('active');
    if (!['', 'true', 'false'].includes(active))
      problems.push({ pointer: `/offices/${index}/active`, line: row.line, message: 'active is true, false or empty' });
    offices.push({
      code: get('code'),
      name: get('name'),
      abbreviation: get('abbreviation'),
      level: level as OfficeLevelId,
      parent: get('parent') === '' ? null : get('parent'),
      sealKey: get('seal_key') === '' ? null : get('seal_key'),
      active: active !== 'false',
      unit: get('unit') === '' ? null : get('unit'),
      locality: get('locality') === '' ? null : get('locality'),
    });
    lines.push(row.line);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, offices, lines };
}
