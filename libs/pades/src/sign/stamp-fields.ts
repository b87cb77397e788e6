import {
  type FieldAppearanceBuilder,
  PdfError,
  isArray,
  isRef,
  pdfArray,
  pdfDict,
  pdfName,
  pdfRef,
  pdfString,
  listPages,
} from '@lienthong/pdf';
import type { Edits } from './edits.ts';
import { addWidgetField, editableAcroForm, findField, mediaBox, pageAt, rectAt, type PdfRect } from './form-fields.ts';

/** Default name of the registry number field (số văn bản). */
export const NUMBER_FIELD = 'lienthong-number';
/** Default name of the date field (ngày ban hành). */
export const DATE_FIELD = 'lienthong-date';
/** Default name of the office seal's signature field, left unlocked by the signer's FieldMDP. */
export const SEAL_FIELD = 'lienthong-seal';

/**
 * Where the stamp fields go (0-based pages; rectangles in points): by
 * default the number at the top left and the date at the top right of page
 * 1, the seal's empty signature field at the bottom right of the last page.
 */
export interface StampFieldsOptions {
  readonly numberField?: string;
  readonly dateField?: string;
  readonly page?: number;
  readonly numberRect?: PdfRect;
  readonly dateRect?: PdfRect;
  /** Name of the later seal signature's field; default `lienthong-seal`. */
  readonly sealField?: string;
  readonly sealPage?: number;
  readonly sealRect?: PdfRect;
}

/**
 * Creates the registry number and date text fields (§12.7.4.3) when the
 * document lacks them, empty and read-only, so that a later stamp only fills
 * them in (a FORM_FILLING change under DocMDP /P 2).
 */
export async function ensureStampFields(edits: Edits, options: StampFieldsOptions = {}): Promise<string[]> {
  const page = await pageAt(edits, options.page);
  const [x0, , x1, y1] = await mediaBox(edits, page);
  const names = [options.numberField ?? NUMBER_FIELD, options.dateField ?? DATE_FIELD];
  const rects = [
    options.numberRect ?? rectAt(x0 + 56, y1 - 110, 220, 18),
    options.dateRect ?? rectAt(x1 - 276, y1 - 110, 220, 18),
  ];
  let addedHelv = false;
  for (let i = 0; i < 2; i++) {
    const existing = await findField(edits, names[i]!);
    if (existing !== undefined) {
      if (existing.type !== 'Tx')
        throw new PdfError('PDF_INVALID_ARGUMENT', `Field ${names[i]} exists and is not a text field.`);
      continue;
    }
    await addWidgetField(
      edits,
      pdfDict({
        FT: pdfName('Tx'),
        T: pdfString(names[i]!),
        Ff: 1,
        F: 4,
        Rect: pdfArray([...rects[i]!]),
        DA: pdfString('/Helv 10 Tf 0 g'),
      }),
      page,
    );
    addedHelv = true;
  }
  await ensureSealField(edits, options);
  if (addedHelv) {
    const dr = await edits.dictIn(await editableAcroForm(edits), 'DR');
    const fonts = await edits.dictIn(dr, 'Font');
    if (!fonts.entries.has('Helv'))
      fonts.entries.set(
        'Helv',
        edits.add(
          pdfDict({
            Type: pdfName('Font'),
            Subtype: pdfName('Type1'),
            BaseFont: pdfName('Helvetica'),
            Encoding: pdfName('WinAnsiEncoding'),
          }),
        ),
      );
  }
  return names;
}

/**
 * Creates the seal's empty signature field (§12.7.4.5) in the signer's
 * revision: under DocMDP /P 2 a later signature may fill an existing field,
 * while a new visible signature field would be an annotation change.
 */
async function ensureSealField(edits: Edits, options: StampFieldsOptions): Promise<void> {
  const name = options.sealField ?? SEAL_FIELD;
  const existing = await findField(edits, name);
  if (existing !== undefined) {
    if (existing.type !== 'Sig')
      throw new PdfError('PDF_INVALID_ARGUMENT', `Field ${name} exists and is not a signature field.`);
    return;
  }
  const pages = await listPages(edits.doc);
  const page = pages[options.sealPage ?? pages.length - 1];
  if (page === undefined)
    throw new PdfError('PDF_INVALID_ARGUMENT', `Seal page ${options.sealPage} of ${pages.length}.`);
  const [, y0, x1] = await mediaBox(edits, page);
  const rect = options.sealRect ?? rectAt(x1 - 256, y0 + 80, 200, 80);
  await addWidgetField(
    edits,
    pdfDict({ FT: pdfName('Sig'), T: pdfString(name), F: 132, Rect: pdfArray([...rect]) }),
    page,
  );
}

/** Fills a text field: /V, and a regenerated /AP /N from `appearance` (§12.7.4.3); the font goes into /DR. */
export async function fillTextField(
  edits: Edits,
  name: string,
  text: string,
  appearance: FieldAppearanceBuilder,
): Promise<void> {
  const field = await findField(edits, name);
  if (field === undefined || field.type !== 'Tx')
    throw new PdfError('PDF_INVALID_ARGUMENT', `No text field named ${name}.`);
  const dict = await edits.dict(field.ref);
  const rect = await edits.doc.resolve(dict.entries.get('Rect'));
  const nums = isArray(rect) ? rect.items.map(Number) : [];
  const [a = 0, b = 0, c = 0, d = 0] = nums;
  const ap = appearance({ text, width: Math.abs(c - a), height: Math.abs(d - b), field: name }, () =>
    edits.update.allocate(),
  );
  edits.update.setRaw(ap.objects);
  dict.entries.set('V', pdfString(text));
  dict.entries.set('AP', pdfDict({ N: pdfRef(ap.xobject) }));
  if (ap.da !== undefined) dict.entries.set('DA', pdfString(ap.da));
  if (ap.font !== undefined && ap.fontName !== undefined) {
    const form = await editableAcroForm(edits);
    const fonts = await edits.dictIn(await edits.dictIn(form, 'DR'), 'Font');
    const have = fonts.entries.get(ap.fontName);
    if (!(isRef(have) && have.num === ap.font)) fonts.entries.set(ap.fontName, pdfRef(ap.font));
  }
}
