import {
  PdfDocument,
  PdfError,
  decodeTextString,
  isArray,
  isInteger,
  isName,
  isString,
  type PdfDict,
  type PdfRef,
  type ByteSource,
  listFields,
  parsePdfDate,
} from '@lienthong/pdf';
import { checkByteRange, derLength, type ByteRange } from './byte-range.ts';

/** A filled signature field as the file states it (ISO 32000-1 §12.8.1); nothing is verified here. */
export interface PdfSignatureField {
  readonly fieldName: string;
  /** The signature dictionary's reference. */
  readonly ref: PdfRef;
  readonly dict: PdfDict;
  /** /Type: `Sig` or `DocTimeStamp` (ETSI EN 319 142-1 §5.4). */
  readonly type: string | undefined;
  readonly subFilter: string | undefined;
  readonly byteRange: ByteRange;
  /** The CMS SignedData (or time-stamp token) DER, without the zero padding of /Contents. */
  readonly contents: Uint8Array;
  /** Index of the revision whose end the ByteRange reaches, or undefined when it ends elsewhere. */
  readonly revision: number | undefined;
  /** True when the ByteRange covers its revision exactly: from 0 to the revision's %%EOF, except /Contents. */
  readonly coversRevision: boolean;
  /** True when the ByteRange reaches the end of the file (nothing appended after it). */
  readonly coversWholeFile: boolean;
  /** /M: the claimed signing time (EN 319 142-1 §5.3), if present. */
  readonly signingTime: Date | undefined;
  readonly reason: string | undefined;
  readonly location: string | undefined;
}

function numbers(dict: PdfDict): ByteRange {
  const br = dict.entries.get('ByteRange');
  if (!isArray(br) || br.items.length !== 4 || !br.items.every(isInteger))
    throw new PdfError('PDF_SIGNATURE_INVALID', '/ByteRange is not four integers.');
  return br.items as unknown as ByteRange;
}

const text = (dict: PdfDict, key: string): string | undefined => {
  const v = dict.entries.get(key);
  return isString(v) ? decodeTextString(v.bytes) : undefined;
};

/**
 * Lists the filled signature fields of a PDF, oldest ByteRange first: field
 * name, /ByteRange, the /Contents container, the revision it signs and
 * whether it covers that revision and the whole file. A malformed signature
 * dictionary is PDF_SIGNATURE_INVALID. Verification builds on this.
 */
export async function readPdfSignatures(source: ByteSource | PdfDocument): Promise<PdfSignatureField[]> {
  const doc = source instanceof PdfDocument ? source : await PdfDocument.open(source);
  const out: PdfSignatureField[] = [];
  for (const field of await listFields(doc)) {
    if (field.type !== 'Sig') continue;
    const v = field.dict.entries.get('V');
    if (v === undefined || v === null || typeof v !== 'object' || v.kind !== 'ref') continue;
    const dict = await doc.resolveDict(v);
    if (dict === undefined) throw new PdfError('PDF_SIGNATURE_INVALID', `Field ${field.name}: /V is not a dictionary.`);
    const byteRange = numbers(dict);
    checkByteRange(byteRange, doc.source.size);
    const contents = dict.entries.get('Contents');
    if (!isString(contents))
      throw new PdfError('PDF_SIGNATURE_INVALID', `Field ${field.name}: /Contents is not a string.`);
    // The gap must be exactly the hex string <…> of /Contents.
    if (byteRange[2] - byteRange[1] !== contents.bytes.length * 2 + 2)
      throw new PdfError(
        'PDF_SIGNATURE_INVALID',
        `Field ${field.name}: the ByteRange gap is not the /Contents string.`,
      );
    const end = byteRange[2] + byteRange[3];
    const rev = doc.revisions.find((r) => end === r.eof || end === r.end);
    const type = dict.entries.get('Type');
    const subFilter = dict.entries.get('SubFilter');
    const m = text(dict, 'M');
    out.push({
      fieldName: field.name,
      ref: v,
      dict,
      type: isName(type) ? type.name : undefined,
      subFilter: isName(subFilter) ? subFilter.name : undefined,
      byteRange,
      contents: contents.bytes.subarray(0, derLength(contents.bytes)),
      revision: rev?.index,
      coversRevision: rev !== undefined,
      coversWholeFile: end === doc.source.size,
      signingTime: m === undefined ? undefined : parsePdfDate(m),
      reason: text(dict, 'Reason'),
      location: text(dict, 'Location'),
    });
  }
  return out.sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
}
