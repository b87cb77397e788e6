/**
 * The number and symbol (số và ký hiệu) of a Party document, `<number>-<TYPE>/<BODY>`:
 * `138-CV/VPTU`, `71-KH/TU`, `18-KL/TW`, `05-HD/BTGTU`; printed "Số 127-QĐ/TW", with no
 * colon, unlike state documents (docs/DOMAIN.md "Parts of a Party document"). BODY is the
 * issuing body's abbreviation (TW, TU, VPTU, BTGTU, UBKTTU, ĐU, HU …: one abbreviation per
 * office, `BTGTU` is one and not "BTG" of "TU"). A joint document carries the abbreviations
 * of its bodies joined by hyphens, the lead body first (its series numbers it, DOMAIN
 * "Numbering"); that form is not in DOMAIN's examples, so `joint: false` refuses it.
 * Numbers start at 01 in each series (36-HD/VPTW), so they print with at least two digits.
 */
import { documentTypes, findDocumentType, similarDocumentTypes, type DocumentType } from './document-types.ts';
import { RecordsError } from './errors.ts';
import { forbiddenReason, quote } from './text.ts';

/** A number and symbol, read or to be written. */
export interface NumberSymbol {
  /** The number in its series, from 1. */
  number: number;
  /** The document type's abbreviation, exactly (`QĐ`, `CTr`). */
  type: string;
  /** The issuing bodies' abbreviations, the lead body first; one for most documents. */
  bodies: readonly string[];
}

/** How numbers and symbols are read and written; every field has a default. */
export interface NumberSymbolOptions {
  /** The document types known (default `documentTypes`). */
  types?: readonly DocumentType[];
  /** Fewest digits a number prints with, zero-padded (default 2: "01", DOMAIN "Numbering"). */
  minDigits?: number;
  /** Largest number accepted (default 999 999). */
  maxNumber?: number;
  /** Accept joint symbols with several bodies (`…/BTGTU-BTCTU`; default true). */
  joint?: boolean;
  /** Most bodies in a joint symbol (default 4). */
  maxBodies?: number;
}

/** Longest number-and-symbol text read, in UTF-16 units, the "Số " prefix included. */
export const maxNumberSymbolLength = 80;

/** The shape of one body abbreviation: a capital (or `Đ`), then capitals and digits; at most 16. */
export const bodyAbbreviationPattern = '^[A-ZĐ][A-ZĐ0-9]{0,15}$';
const bodyShape = new RegExp(bodyAbbreviationPattern);

const printedPrefix = 'Số ';

// Characters that look like the separators, met in text pasted from word processors.
const lookAlikes: ReadonlyMap<string, string> = new Map([
  ['\u2010', 'the hyphen U+2010'],
  ['\u2011', 'the non-breaking hyphen U+2011'],
  ['\u2012', 'the figure dash U+2012'],
  ['\u2013', 'the en dash U+2013'],
  ['\u2014', 'the em dash U+2014'],
  ['\u2212', 'the minus sign U+2212'],
  ['\uff0d', 'the fullwidth hyphen U+FF0D'],
  ['\u2215', 'the division slash U+2215'],
  ['\u2044', 'the fraction slash U+2044'],
  ['\uff0f', 'the fullwidth solidus U+FF0F'],
  ['\u00d0', 'Ð (U+00D0, Icelandic eth) where Đ (U+0110) is meant'],
]);

/** The result of reading a number and symbol. */
export type NumberSymbolReading = { ok: true; value: NumberSymbol } | { ok: false; reason: string };

function hex(char: string): string {
  return 'U+' + (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** The first character that cannot be in a number and symbol, described; undefined when all can. */
function strangeCharacter(text: string): string | undefined {
  for (const char of text) {
    const named = lookAlikes.get(char);
    if (named !== undefined) return `contains ${named}`;
    if (!/[0-9A-Za-zĐđ/-]/.test(char)) {
      const code = char.codePointAt(0) ?? 0;
      const what = code < 0x20 || (code >= 0x7f && code <= 0x9f) ? 'a control character' : 'the character';
      return `contains ${what} ${hex(char)}${forbiddenReason(code, false) === undefined ? ` (${quote(char)})` : ''}`;
    }
  }
  return undefined;
}

/**
 * Reads `<number>-<TYPE>/<BODY>[-<BODY>…]`, with or without the printed "Số " prefix.
 * Refuses, with a reason: more than `maxNumberSymbolLength` units, text that is not NFC,
 * control and look-alike characters (dashes for the hyphen, other slashes, Ð for Đ),
 * white space, a colon after "Số" (state style), a number of 0 or above `maxNumber`, a
 * type not in `types` (exactly: `DA` is not `ĐA`), and a malformed body. Leading zeros
 * are accepted ("1", "01", "001" are all number 1); `formatNumberSymbol` writes the canonical form.
 */
export function readNumberSymbol(text: string, options: NumberSymbolOptions = {}): NumberSymbolReading {
  const fail = (reason: string): NumberSymbolReading => ({ ok: false, reason });
  if (typeof text !== 'string') return fail('must be a string');
  if (text.length === 0) return fail('is empty');
  if (text.length > maxNumberSymbolLength) return fail(`is longer than ${maxNumberSymbolLength} characters`);
  if (!text.isWellFormed()) return fail('is not well-formed Unicode (a lone surrogate)');
  if (text.normalize('NFC') !== text) return fail('is not in Unicode NFC form');
  let rest = text;
  if (rest.startsWith('Số:') || rest.startsWith('Số :')) {
    return fail('has a colon after "Số": Party documents print "Số 127-QĐ/TW" (docs/DOMAIN.md)');
  }
  if (rest.startsWith(printedPrefix)) rest = rest.slice(printedPrefix.length);
  else if (/^s(ố|o)/i.test(rest)) return fail('has a prefix other than "Số " (capital S, ố, one space, no colon)');
  if (/\s/.test(rest)) return fail('contains white space');
  const strange = strangeCharacter(rest);
  if (strange !== undefined) return fail(strange);

  const m = /^([0-9]+)-([^/-]+)\/(.+)$/.exec(rest);
  if (m === null) return fail('does not read <number>-<TYPE>/<BODY>, e.g. 138-CV/VPTU');
  const [, digits = '', type = '', body = ''] = m;
  if (digits.length > 9) return fail('has a number of more than 9 digits');
  const number = Number(digits);
  const maxNumber = options.maxNumber ?? 999_999;
  if (number < 1) return fail('has number 0; numbers start at 01');
  if (number > maxNumber) return fail(`has number ${number}, above ${maxNumber}`);
  const types = options.types ?? documentTypes;
  if (findDocumentType(type, types) === undefined) {
    const near = similarDocumentTypes(type, types);
    return fail(
      `has ${quote(type)}, not a document type${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}`,
    );
  }
  const bodies = body.split('-');
  if (bodies.length > 1 && options.joint === false)
    return fail('names several bodies, and joint symbols are not accepted');
  const maxBodies = options.maxBodies ?? 4;
  if (bodies.length > maxBodies) return fail(`names ${bodies.length} bodies, more than ${maxBodies}`);
  for (const b of bodies) {
    if (!bodyShape.test(b))
      return fail(`has body ${quote(b)}, not an abbreviation (capitals, Đ and digits, at most 16)`);
  }
  if (new Set(bodies).size !== bodies.length) return fail('names a body twice');
  return { ok: true, value: { number, type, bodies } };
}

/** `readNumberSymbol` that throws `RECORDS_NUMBER_SYMBOL_INVALID` with the reason. */
export function parseNumberSymbol(text: string, options: NumberSymbolOptions = {}): NumberSymbol {
  const reading = readNumberSymbol(text, options);
  if (reading.ok) return reading.value;
  const shown = quote(text, maxNumberSymbolLength);
  throw new RecordsError('RECORDS_NUMBER_SYMBOL_INVALID', `${shown} ${reading.reason}`);
}

/**
 * Writes `127-QĐ/TW` (`1` as `01`: `minDigits`). Throws `RECORDS_NUMBER_SYMBOL_INVALID`
 * when the parts would not read back as themselves.
 */
export function formatNumberSymbol(value: NumberSymbol, options: NumberSymbolOptions = {}): string {
  const minDigits = options.minDigits ?? 2;
  if (!Number.isSafeInteger(value.number)) {
    throw new RecordsError('RECORDS_NUMBER_SYMBOL_INVALID', `number ${String(value.number)} is not an integer`);
  }
  const text = `${String(value.number).padStart(minDigits, '0')}-${value.type}/${value.bodies.join('-')}`;
  const back = parseNumberSymbol(text, options);
  if (back.number !== value.number || back.type !== value.type || back.bodies.join('/') !== value.bodies.join('/')) {
    throw new RecordsError('RECORDS_NUMBER_SYMBOL_INVALID', `${quote(text)} would not read back as its parts`);
  }
  return text;
}

/** The printed form, "Số 127-QĐ/TW": "Số", one space, no colon (docs/DOMAIN.md). */
export function printNumberSymbol(value: NumberSymbol, options: NumberSymbolOptions = {}): string {
  return printedPrefix + formatNumberSymbol(value, options);
}
