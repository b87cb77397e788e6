import {
  type PdfDocument,
  type Revision,
  isPdfError,
  decodeTextString,
  isArray,
  isDict,
  isInteger,
  isName,
  isRef,
  isString,
  type PdfArray,
  type PdfDict,
  type PdfRef,
  listFields,
  parsePdfDate,
} from '@lienthong/pdf';
import { derLength, type ByteRange } from '../sign/byte-range.ts';
import { locateSignatureDictionary } from './contents-position.ts';
import type { PdfFieldLock } from './report.ts';

/** A signature field whose dictionary passed the structural checks (ByteRange, /Contents). */
export interface CheckedSignature {
  readonly ok: true;
  readonly field: string;
  readonly ref: PdfRef;
  readonly dict: PdfDict;
  readonly kind: 'signature' | 'document-timestamp';
  readonly subFilter: string | undefined;
  readonly byteRange: ByteRange;
  /** The container DER without its zero padding. */
  readonly contents: Uint8Array;
  readonly revision: number;
  readonly wholeFile: boolean;
  readonly signingTime?: Date;
  readonly docMdp?: 1 | 2 | 3;
  readonly fieldLock?: PdfFieldLock;
  readonly reason?: string;
  readonly location?: string;
}

/** A signature field that is not a well-formed signature (universal signature forgery, wrapping). */
export interface BrokenSignature {
  readonly ok: false;
  readonly field: string;
  readonly kind: 'signature' | 'document-timestamp';
  readonly subFilter: string | undefined;
  readonly message: string;
  readonly byteRange?: readonly number[];
}

export type FoundSignature = CheckedSignature | BrokenSignature;

const text = (dict: PdfDict, key: string): string | undefined => {
  const v = dict.entries.get(key);
  return isString(v) ? decodeTextString(v.bytes) : undefined;
};

const nameOf = (dict: PdfDict, key: string): string | undefined => {
  const v = dict.entries.get(key);
  return isName(v) ? v.name : undefined;
};

/** DocMDP /P and FieldMDP of a signature dictionary's /Reference (ISO 32000-1 §12.8.1 Table 253). */
async function transforms(doc: PdfDocument, dict: PdfDict): Promise<{ docMdp?: 1 | 2 | 3; fieldLock?: PdfFieldLock }> {
  const refs = await doc.resolve(dict.entries.get('Reference'));
  let docMdp: 1 | 2 | 3 | undefined;
  let fieldLock: PdfFieldLock | undefined;
  for (const item of isArray(refs) ? refs.items.slice(0, 16) : []) {
    const sigRef = await doc.resolveDict(item);
    if (sigRef === undefined) continue;
    const params = await doc.resolveDict(sigRef.entries.get('TransformParams'));
    const method = nameOf(sigRef, 'TransformMethod');
    if (method === 'DocMDP') {
      // §12.8.2.2 Table 254: /P defaults to 2; other values are read as the strictest.
      const p = params?.entries.get('P') ?? 2;
      docMdp = p === 1 || p === 2 || p === 3 ? p : 1;
    } else if (method === 'FieldMDP' && params !== undefined) {
      const action = nameOf(params, 'Action');
      const fields = await doc.resolve(params.entries.get('Fields'));
      const names = isArray(fields) ? fields.items.filter(isString).map((s) => decodeTextString(s.bytes)) : [];
      if (action === 'All' || action === 'Include' || action === 'Exclude') fieldLock = { action, fields: names };
    }
  }
  return { ...(docMdp === undefined ? {} : { docMdp }), ...(fieldLock === undefined ? {} : { fieldLock }) };
}

const integers = (a: PdfArray): a is PdfArray & { items: number[] } => a.items.every(isInteger);

/**
 * Checks one signature dictionary against ISO 32000-1 §12.8.1 and the
 * attacks of Mladenov et al. (CCS 2019): /ByteRange four non-negative
 * integers starting at 0; /Contents a non-empty hex string holding DER; the
 * gap exactly this dictionary's /Contents value; the second range ending at
 * a revision's %%EOF; the dictionary itself inside the signed bytes.
 */
async function checkSignature(doc: PdfDocument, field: string, ref: PdfRef, dict: PdfDict): Promise<FoundSignature> {
  const kind = nameOf(dict, 'Type') === 'DocTimeStamp' ? 'document-timestamp' : 'signature';
  const subFilter = nameOf(dict, 'SubFilter');
  const broken = (message: string, byteRange?: readonly number[]): BrokenSignature => ({
    ok: false,
    field,
    kind,
    subFilter,
    message,
    ...(byteRange === undefined ? {} : { byteRange }),
  });
  const brObj = dict.entries.get('ByteRange');
  if (brObj === undefined) return broken('The signature dictionary has no /ByteRange (or it is null).');
  if (!isArray(brObj) || brObj.items.length !== 4 || !integers(brObj))
    return broken('/ByteRange is not an array of four integers.');
  const br = brObj.items as unknown as ByteRange;
  const [a, b, c, d] = br;
  if (!br.every((x) => Number.isSafeInteger(x) && x >= 0))
    return broken(`/ByteRange [${br.join(' ')}] has a negative or huge value.`, br);
  if (a !== 0) return broken(`/ByteRange [${br.join(' ')}] does not start at 0.`, br);
  if (b === 0 && c === 0 && d === 0) return broken('/ByteRange [0 0 0 0] signs nothing.', br);
  if (!(b < c) || c + d > doc.source.size)
    return broken(`/ByteRange [${br.join(' ')}] does not fit the ${doc.source.size}-byte file.`, br);
  const contents = dict.entries.get('Contents');
  if (contents === undefined) return broken('The signature dictionary has no /Contents (or it is null).', br);
  if (!isString(contents) || !contents.hex) return broken('/Contents is not a hexadecimal string.', br);
  if (contents.bytes.every((x) => x === 0)) return broken('/Contents is empty (only zeros).', br);
  let der: Uint8Array;
  try {
    der = contents.bytes.subarray(0, derLength(contents.bytes));
  } catch (e) {
    return broken(e instanceof Error ? e.message : '/Contents is not DER.', br);
  }
  const layout = await locateSignatureDictionary(doc, ref.num);
  if (layout.duplicates.includes('Contents') || layout.duplicates.includes('ByteRange'))
    return broken('The signature dictionary repeats /Contents or /ByteRange.', br);
  const at = layout.values.get('Contents');
  if (at === undefined || at[0] !== b || at[1] !== c)
    return broken(
      `The ByteRange gap [${b}, ${c}) is not this dictionary's /Contents${at === undefined ? '' : ` at [${at[0]}, ${at[1]})`} (signature wrapping).`,
      br,
    );
  const end = c + d;
  const rev: Revision | undefined = doc.revisions.find((r) => r.eof === end || r.end === end);
  if (rev === undefined) return broken(`The ByteRange ends at ${end}, which is not the end of a revision (%%EOF).`, br);
  if (layout.offset >= end) return broken('The signature dictionary lies outside the bytes it signs.', br);
  const m = text(dict, 'M');
  const signingTime = m === undefined ? undefined : parsePdfDate(m);
  return {
    ok: true,
    field,
    ref,
    dict,
    kind,
    subFilter,
    byteRange: br,
    contents: der,
    revision: rev.index,
    wholeFile: end === doc.source.size || (rev.index === doc.revisions.length - 1 && rev.end === doc.source.size),
    ...(signingTime === undefined ? {} : { signingTime }),
    ...(await transforms(doc, dict)),
    ...(text(dict, 'Reason') === undefined ? {} : { reason: text(dict, 'Reason') }),
    ...(text(dict, 'Location') === undefined ? {} : { location: text(dict, 'Location') }),
  };
}

/** Most signature fields examined; the rest are reported as not verified (bounded work). */
export const MAX_SIGNATURES = 200;

/**
 * Every filled signature field of the document (ISO 32000-1 §12.7.4.5),
 * oldest signed revision first, each checked structurally. A malformed
 * field is reported, never thrown, so one broken signature does not hide the others.
 */
export async function findSignatures(doc: PdfDocument): Promise<{ found: FoundSignature[]; skipped: number }> {
  const found: FoundSignature[] = [];
  const owners = new Map<number, string>();
  let skipped = 0;
  for (const f of await listFields(doc)) {
    if (f.type !== 'Sig') continue;
    const v = f.dict.entries.get('V');
    if (v === undefined || v === null) continue;
    if (found.length >= MAX_SIGNATURES) {
      skipped++;
      continue;
    }
    const kindGuess = (d: PdfDict | undefined): 'signature' | 'document-timestamp' =>
      d !== undefined && nameOf(d, 'Type') === 'DocTimeStamp' ? 'document-timestamp' : 'signature';
    try {
      if (!isRef(v)) {
        found.push({
          ok: false,
          field: f.name,
          kind: kindGuess(isDict(v) ? v : undefined),
          subFilter: isDict(v) ? nameOf(v, 'SubFilter') : undefined,
          message: 'The field /V is not an indirect signature dictionary.',
        });
        continue;
      }
      const owner = owners.get(v.num);
      if (owner !== undefined) {
        found.push({
          ok: false,
          field: f.name,
          kind: 'signature',
          subFilter: undefined,
          message: `Signature dictionary ${v.num} is already the value of field ${owner}.`,
        });
        continue;
      }
      owners.set(v.num, f.name);
      const dict = await doc.resolveDict(v);
      if (dict === undefined) {
        found.push({
          ok: false,
          field: f.name,
          kind: 'signature',
          subFilter: undefined,
          message: `The field /V (object ${v.num}) is not a dictionary.`,
        });
        continue;
      }
      found.push(await checkSignature(doc, f.name, v, dict));
    } catch (e) {
      found.push({
        ok: false,
        field: f.name,
        kind: 'signature',
        subFilter: undefined,
        message: isPdfError(e) || e instanceof Error ? e.message : 'Unreadable signature dictionary.',
      });
    }
  }
  const endOf = (s: FoundSignature): number => (s.ok ? s.byteRange[2] + s.byteRange[3] : Number.MAX_SAFE_INTEGER);
  return { found: found.sort((x, y) => endOf(x) - endOf(y)), skipped };
}
