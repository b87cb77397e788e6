/**
 * The document types (tên loại văn bản) of the Party's system and their abbreviations,
 * kept as data (docs/DOMAIN.md "Parts of a Party document": Quy định 66-QĐ/TW, Hướng dẫn
 * 36-HD/VPTW, and the abbreviations seen in real numbers). The abbreviation is the type's
 * code and is written exactly as in a symbol: with `Đ` (U+0110), which is a letter of its
 * own and not `D`, and with the lower-case letters of `QĐi`, `CTr`, `TTr`.
 */
import { RecordsError } from './errors.ts';
import { quote } from './text.ts';

/** One document type. */
export interface DocumentType {
  /** The abbreviation in a number and symbol, and the type's code: `NQ`, `QĐ`, `CTr`. */
  code: string;
  /** The Vietnamese name (tên loại), NFC. */
  name: string;
  /** An English gloss, for logs and readers without Vietnamese. */
  gloss: string;
  /** Where the abbreviation comes from (docs/DOMAIN.md's wording). */
  source: string;
}

const seen = 'seen in real numbers (docs/DOMAIN.md)';
const used = 'also used (docs/DOMAIN.md)';

/** The types of docs/DOMAIN.md, in its order. Frozen; a deployment may pass its own list where a function takes `types`. */
export const documentTypes: readonly DocumentType[] = Object.freeze(
  [
    { code: 'NQ', name: 'Nghị quyết', gloss: 'resolution', source: seen },
    {
      code: 'QĐ',
      name: 'Quyết định',
      gloss: 'decision (since 2021 the Centre also numbers regulations in this series)',
      source: seen,
    },
    { code: 'QĐi', name: 'Quy định', gloss: 'regulation (older practice)', source: seen },
    { code: 'CT', name: 'Chỉ thị', gloss: 'directive', source: seen },
    { code: 'KL', name: 'Kết luận', gloss: 'conclusion', source: seen },
    { code: 'QC', name: 'Quy chế', gloss: 'rules of procedure', source: seen },
    { code: 'HD', name: 'Hướng dẫn', gloss: 'guidance', source: seen },
    { code: 'BC', name: 'Báo cáo', gloss: 'report', source: seen },
    { code: 'KH', name: 'Kế hoạch', gloss: 'plan', source: seen },
    { code: 'CV', name: 'Công văn', gloss: 'official letter', source: seen },
    { code: 'TB', name: 'Thông báo', gloss: 'notice', source: seen },
    { code: 'BS', name: 'Bản sao', gloss: 'copy', source: seen },
    { code: 'CTr', name: 'Chương trình', gloss: 'programme', source: used },
    { code: 'TT', name: 'Thông tri', gloss: 'circular (Party)', source: used },
    { code: 'TTr', name: 'Tờ trình', gloss: 'submission', source: used },
    { code: 'ĐA', name: 'Đề án', gloss: 'scheme', source: used },
    { code: 'BB', name: 'Biên bản', gloss: 'minutes', source: used },
    { code: 'GM', name: 'Giấy mời', gloss: 'invitation', source: used },
  ].map((t) => Object.freeze(t)),
);

/** The shape of a type abbreviation: a capital (or `Đ`), then letters; at most 8. */
export const documentTypeCodePattern = '^[A-ZĐ][A-Za-zĐđ]{0,7}$';
const codeShape = new RegExp(documentTypeCodePattern);

/** Folds what people confuse with a code's letters: case, and `Đ` with `D` or the look-alike `Ð` (U+00D0, Icelandic eth). */
function fold(code: string): string {
  return code.normalize('NFC').toUpperCase().replaceAll('Đ', 'D').replaceAll('Ð', 'D');
}

/** The type whose code is exactly `code` (no case folding, no `D` for `Đ`), or undefined. */
export function findDocumentType(
  code: string,
  types: readonly DocumentType[] = documentTypes,
): DocumentType | undefined {
  return types.find((t) => t.code === code);
}

/** The codes of `types` that differ from `code` only by case or by `D`/`Ð` for `Đ` (what was likely meant). */
export function similarDocumentTypes(code: string, types: readonly DocumentType[] = documentTypes): string[] {
  const folded = fold(code);
  return types.filter((t) => t.code !== code && fold(t.code) === folded).map((t) => t.code);
}

/**
 * Why `code` is not a document type of `types`, with the likely intended code when the
 * only difference is case or a `D`/`Ð` for `Đ`; undefined when it is one.
 */
export function documentTypeProblem(code: string, types: readonly DocumentType[] = documentTypes): string | undefined {
  if (findDocumentType(code, types) !== undefined) return undefined;
  const shown = quote(code, 16);
  if (code.length > 16 || !codeShape.test(code)) {
    if (code.includes('Ð')) return `${shown} is not a document type: Ð (U+00D0) is not the Vietnamese Đ (U+0110)`;
    if (code.normalize('NFC') !== code) return `${shown} is not a document type: it is not in Unicode NFC form`;
  }
  const near = similarDocumentTypes(code, types);
  if (near.length > 0) return `${shown} is not a document type; did you mean ${near.join(' or ')}?`;
  return `${shown} is not a document type`;
}

/** The type whose code is exactly `code`; throws `RECORDS_DOCUMENT_TYPE_UNKNOWN` saying what was likely meant. */
export function documentType(code: string, types: readonly DocumentType[] = documentTypes): DocumentType {
  const found = findDocumentType(code, types);
  if (found !== undefined) return found;
  throw new RecordsError('RECORDS_DOCUMENT_TYPE_UNKNOWN', documentTypeProblem(code, types));
}
