/**
 * The registered offices, read once at start from the JSON file LIENTHONG_SIGNING_OFFICES_FILE
 * names (until intake's directory publishes them). An office is what its certificates name:
 * its code (the access token's `office` claim), its legal name (O) and unit (the seal's CN,
 * a person's OU), and optionally its locality (the seal's L). The file is the operators' to
 * write: an office's own CA administrator can never name their office (after another
 * province's, say). Every problem is reported, one line each, and stops the start.
 *
 * ```json
 * { "offices": [ { "code": "VPTU-CM", "name": "Tỉnh ủy Cà Mau", "unit": "Văn phòng Tỉnh ủy", "locality": "Cà Mau" } ] }
 * ```
 */
import { readFile } from 'node:fs/promises';

/** One registered office. */
export interface RegisteredOffice {
  /** The access token's `office` claim, e.g. `VPTU-CM`. */
  code: string;
  /** The legal name of the Party committee (O), e.g. "Tỉnh ủy Cà Mau". */
  name: string;
  /** The office or unit (a seal's CN, a person's OU), e.g. "Văn phòng Tỉnh ủy". */
  unit: string;
  /** The locality (a seal's L), e.g. "Cà Mau". */
  locality?: string;
}

/** What an office code may be: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export const officeCodePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const textLimits = { name: 200, unit: 200, locality: 100 } as const;
const knownFields = new Set(['code', 'name', 'unit', 'locality']);

/** A text field as it goes into a certificate: NFC, trimmed, inner white space folded to one space. */
export function tidyText(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** The offices of the file's text; throws an Error with one line per problem (`file` names the file in each). */
export function parseOffices(text: string, file: string): RegisteredOffice[] {
  const fail = (problems: string[]): never => {
    throw new Error(problems.map((p) => `signing: LIENTHONG_SIGNING_OFFICES_FILE ${file}: ${p}`).join('\n'));
  };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return fail([`is not JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  const list = (document as { offices?: unknown } | null)?.offices;
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray(list))
    return fail(['must be a JSON object with an array "offices"']);
  if (Object.keys(document).some((key) => key !== 'offices'))
    return fail([
      `has unknown fields: ${Object.keys(document)
        .filter((k) => k !== 'offices')
        .join(', ')}`,
    ]);
  if (list.length === 0) return fail(['"offices" is empty']);
  const problems: string[] = [];
  const offices: RegisteredOffice[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const at = `offices[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} must be an object { code, name, unit, locality? }`);
      return;
    }
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !knownFields.has(key));
    if (unknown.length > 0) problems.push(`${at} has unknown fields: ${unknown.join(', ')}`);
    const { code } = fields;
    if (typeof code !== 'string' || !officeCodePattern.test(code)) {
      problems.push(
        `${at}.code must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit (got ${JSON.stringify(code) ?? 'nothing'})`,
      );
    } else if (seen.has(code)) {
      problems.push(`${at}.code ${code} is listed twice`);
    } else {
      seen.add(code);
    }
    const text = (field: 'name' | 'unit' | 'locality', required: boolean): string | undefined => {
      const value = fields[field];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || tidyText(value) === '' || tidyText(value).length > textLimits[field]) {
        problems.push(`${at}.${field} must be a text of 1-${textLimits[field]} characters`);
        return undefined;
      }
      return tidyText(value);
    };
    const name = text('name', true);
    const unit = text('unit', true);
    const locality = text('locality', false);
    if (typeof code === 'string' && name !== undefined && unit !== undefined)
      offices.push({ code, name, unit, ...(locality === undefined ? {} : { locality }) });
  });
  if (problems.length > 0) fail(problems);
  return offices;
}

/** Reads and checks the offices file; an unreadable or invalid file stops the start (one line per problem). */
export async function readOfficesFile(file: string): Promise<RegisteredOffice[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `signing: LIENTHONG_SIGNING_OFFICES_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    );
  }
  return parseOffices(text, file);
}
