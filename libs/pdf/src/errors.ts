/**
 * The error catalogue of @lienthong/pdf's PDF layer (documented in README.md). Readers and
 * writers throw {@link PdfError} with one of these stable codes; a hostile or broken file
 * ends in one of them, never in a hang. The status is what a service answers if such an
 * error reaches a handler.
 */
import { defineErrors, errorClass, errorGuard, type CatalogueErrorOptions, type CodeOf } from '@lienthong/kit';

export const pdfErrors = defineErrors({
  PDF_MALFORMED: { status: 400, title: 'The PDF syntax is not well formed (ISO 32000-1 §7.2–7.3)' },
  PDF_XREF_INVALID: {
    status: 400,
    title: 'The cross-reference data (ISO 32000-1 §7.5.4–7.5.8) is missing, unreadable or inconsistent',
  },
  PDF_OBJECT_NOT_FOUND: {
    status: 400,
    title: 'An indirect object that the document needs is not in the cross-reference data',
  },
  PDF_LIMIT_EXCEEDED: {
    status: 413,
    title:
      'The PDF exceeds a safety limit (nesting depth, object size, revision count, or its budget of decoded bytes, cross-reference entries, objects, items, string bytes or fields)',
  },
  PDF_UNSUPPORTED: {
    status: 422,
    title: 'The PDF uses a feature this library does not handle (encryption, an unknown filter)',
  },
  PDF_SIGNATURE_INVALID: {
    status: 400,
    title:
      'A signature dictionary or its /ByteRange or /Contents is not as ISO 32000-1 §12.8 and ETSI EN 319 142-1 require',
  },
  PDF_CONTENTS_TOO_SMALL: {
    status: 500,
    title: 'The signature container does not fit the /Contents placeholder reserved for it',
  },
  PDF_STATE_MISMATCH: {
    status: 409,
    title: 'The prepared signature state does not match the prepared PDF or the signer',
  },
  PDF_INVALID_ARGUMENT: { status: 400, title: 'An argument given to the PDF layer is missing or out of range' },
});

/** A stable error code of {@link pdfErrors}. */
export type PdfErrorCode = CodeOf<typeof pdfErrors>;

/** An error of the PDF layer: `new PdfError(code, detail?, { cause?, neededBytes? })`. */
export class PdfError extends errorClass(pdfErrors) {
  /** PDF_CONTENTS_TOO_SMALL: the bytes the container needed. */
  readonly neededBytes?: number;
  constructor(code: PdfErrorCode, detail?: string, options: CatalogueErrorOptions & { neededBytes?: number } = {}) {
    const { neededBytes, ...rest } = options;
    super(code, detail, rest);
    if (neededBytes !== undefined) this.neededBytes = neededBytes;
  }
}

/** True when `e` is a {@link PdfError} (of `code`, when given). */
export const isPdfError = errorGuard(PdfError);
