import { inflateSync } from 'node:zlib';
import type { PdfBudget } from './budget.ts';
import { PdfError } from './errors.ts';
import { dictOf, isArray, isDict, isName, type PdfDict, type PdfObject } from './objects.ts';

/** Largest decoded stream this layer inflates into memory (object and xref streams, appearance streams). */
export const MAX_DECODED = 64 * 1024 * 1024;

/** The Paeth predictor of PNG (RFC 2083 §6.6), shared with the PNG image reader. */
export function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes PNG predictors 10–15 (ISO 32000-1 §7.4.4.4, RFC 2083 §6); TIFF 2 is not used by xref streams. */
function unpredict(data: Uint8Array, params: PdfDict | undefined): Uint8Array {
  const predictor = params?.entries.get('Predictor');
  if (typeof predictor !== 'number' || predictor === 1) return data;
  if (predictor < 10) throw new PdfError('PDF_UNSUPPORTED', `Predictor ${predictor}.`);
  const colors = Number(params?.entries.get('Colors') ?? 1);
  const bpc = Number(params?.entries.get('BitsPerComponent') ?? 8);
  const columns = Number(params?.entries.get('Columns') ?? 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  if (!(rowLength > 0 && rowLength < 1 << 20)) throw new PdfError('PDF_MALFORMED', 'Bad predictor parameters.');
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = data[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = r > 0 ? out[dst - rowLength + i]! : 0;
      const c = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      const v =
        type === 0
          ? x
          : type === 1
            ? x + a
            : type === 2
              ? x + b
              : type === 3
                ? x + ((a + b) >> 1)
                : type === 4
                  ? x + paeth(a, b, c)
                  : -1;
      if (v < 0) throw new PdfError('PDF_MALFORMED', `PNG predictor row type ${type}.`);
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function asList(o: PdfObject | undefined): PdfObject[] {
  if (o === undefined) return [];
  return isArray(o) ? o.items : [o];
}

/**
 * Decodes stream data by its /Filter and /DecodeParms (ISO 32000-1 §7.4):
 * FlateDecode with predictors, bounded by `max` output bytes and, with a
 * `budget`, by the bytes the document may still inflate (each stage's output
 * is charged to it; `what` names the stream in the refusal). Other filters
 * are not needed for the structures this layer reads (PDF_UNSUPPORTED).
 */
export function decodeStreamData(
  dict: PdfDict,
  data: Uint8Array,
  max = MAX_DECODED,
  budget?: PdfBudget,
  what = 'a stream',
): Uint8Array {
  const filters = asList(dict.entries.get('Filter'));
  const params = asList(dict.entries.get('DecodeParms'));
  let out = data;
  filters.forEach((f, i) => {
    if (!isName(f)) throw new PdfError('PDF_MALFORMED', 'A /Filter entry is not a name.');
    const p = params[i];
    if (f.name !== 'FlateDecode' && f.name !== 'Fl') throw new PdfError('PDF_UNSUPPORTED', `Filter /${f.name}.`);
    const left = budget?.decodedLeft ?? Infinity;
    const limit = Math.min(max, left);
    try {
      out = inflateSync(out, {
        maxOutputLength: Math.max(1, limit),
        finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a missing end */,
      });
    } catch (e) {
      const tooBig = e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      if (tooBig && budget !== undefined && left < max) throw budget.decodedExceeded(what, e);
      throw new PdfError(
        tooBig ? 'PDF_LIMIT_EXCEEDED' : 'PDF_MALFORMED',
        tooBig
          ? `${what[0]!.toUpperCase()}${what.slice(1)} inflates beyond ${max} bytes (the limit of one stream).`
          : 'FlateDecode data is corrupt.',
        { cause: e },
      );
    }
    budget?.chargeDecoded(out.length, what);
    out = unpredict(out, isDict(p) ? p : dictOf(undefined));
  });
  return out;
}
