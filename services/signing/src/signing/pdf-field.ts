/**
 * Where in the PDF a signature goes, read before the key is used: the signature field it is
 * asked to fill (`field=lienthong-seal`) and the page of a new visible widget. An existing
 * field must be an empty signature field (ISO 32000-1 §12.7.4.5: /FT /Sig without /V); its
 * /Rect gives the size a visible block is drawn at, since libs/pades keeps an existing field's
 * /Rect (a moved widget is not a permitted change after certification) and the viewer scales
 * the appearance into it (§12.5.5). A new widget's page must exist (§7.7.3).
 */
import { isArray, isNumber, listFields, listPages, openFileSource, PdfDocument, type FormField } from '@lienthong/pdf';
import { AppError, serviceErrors } from '@lienthong/service/errors';
import { signingErrors } from '../errors.ts';

/** An existing empty signature field: its size in points, when its /Rect is not empty. */
export interface ExistingField {
  size?: { width: number; height: number };
}

async function fieldSize(doc: PdfDocument, field: FormField): Promise<ExistingField['size']> {
  const rect = await doc.resolve(field.dict.entries.get('Rect'));
  if (!isArray(rect) || rect.items.length !== 4) return undefined;
  const [x1, y1, x2, y2] = await Promise.all(rect.items.map(async (item) => doc.resolve(item)));
  if (!isNumber(x1) || !isNumber(y1) || !isNumber(x2) || !isNumber(y2)) return undefined;
  const size = { width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
  return size.width >= 1 && size.height >= 1 ? size : undefined;
}

/**
 * Checks the target of a signature in the PDF at `pdf`: the field `name` (when given) is absent
 * (libs/pades creates it) or an empty signature field, else 400 SIGNATURE_FIELD_UNUSABLE; a new
 * visible widget's 1-based `page` (when given) exists, else 400 VALIDATION_FAILED. Returns the
 * existing field, if any.
 */
export async function inspectTarget(
  pdf: string,
  target: { field?: string; page?: number },
): Promise<ExistingField | undefined> {
  const source = await openFileSource(pdf);
  try {
    const doc = await PdfDocument.open(source);
    const name = target.field;
    const field = name === undefined ? undefined : (await listFields(doc)).find((f) => f.name === name);
    if (field !== undefined) {
      if (field.type !== 'Sig')
        throw new AppError(signingErrors.SIGNATURE_FIELD_UNUSABLE, {
          detail: `The field ${field.name} is not a signature field.`,
        });
      if (field.dict.entries.has('V'))
        throw new AppError(signingErrors.SIGNATURE_FIELD_UNUSABLE, {
          detail: `The field ${field.name} is already signed.`,
        });
      const size = await fieldSize(doc, field);
      return size === undefined ? {} : { size };
    }
    if (target.page !== undefined) {
      const pages = (await listPages(doc)).length;
      if (target.page > pages)
        throw new AppError(serviceErrors.VALIDATION_FAILED, {
          detail: `page ${target.page}: the PDF has ${pages}`,
          extra: { errors: [{ in: 'querystring', pointer: '/page', detail: `at most ${pages}` }] },
        });
    }
    return undefined;
  } finally {
    await source.close();
  }
}
