/**
 * The error catalogue of the PDF layer (@lienthong/pki `pdf/`, `pades/`).
 * Readers and writers throw {@link PdfError} with one of these stable codes;
 * a hostile or broken file ends in one of them, never in a hang.
 */
export const PDF_ERRORS = {
  PDF_MALFORMED: 'The PDF syntax is not well formed (ISO 32000-1 §7.2–7.3).',
  PDF_XREF_INVALID: 'The cross-reference data (ISO 32000-1 §7.5.4–7.5.8) is missing, unreadable or inconsistent.',
  PDF_OBJECT_NOT_FOUND: 'An indirect object that the document needs is not in the cross-reference data.',
  PDF_LIMIT_EXCEEDED: 'The PDF exceeds a safety limit (nesting depth, object size, revision count or stream length).',
  PDF_UNSUPPORTED: 'The PDF uses a feature this library does not handle (encryption, an unknown filter).',
  PDF_SIGNATURE_INVALID: 'A signature dictionary or its /ByteRange or /Contents is not as ISO 32000-1 §12.8 and ETSI EN 319 142-1 require.',
  PDF_CONTENTS_TOO_SMALL: 'The signature container does not fit the /Contents placeholder reserved for it.',
  PDF_STATE_MISMATCH: 'The prepared signature state does not match the prepared PDF or the signer.',
  PDF_INVALID_ARGUMENT: 'An argument given to the PDF layer is missing or out of range.',
} as const;

/** A stable error code of {@link PDF_ERRORS}. */
export type PdfErrorCode = keyof typeof PDF_ERRORS;

/** An error of the PDF layer, with a stable code. */
export class PdfError extends Error {
  readonly code: PdfErrorCode;
  /** PDF_CONTENTS_TOO_SMALL: the bytes the container needed. */
  readonly neededBytes?: number;
  constructor(code: PdfErrorCode, detail?: string, options?: { cause?: unknown; neededBytes?: number }) {
    super(detail === undefined ? PDF_ERRORS[code] : `${PDF_ERRORS[code]} ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PdfError';
    this.code = code;
    if (options?.neededBytes !== undefined) this.neededBytes = options.neededBytes;
  }
}

/** True when `e` is a {@link PdfError} (optionally with the given code). */
export function isPdfError(e: unknown, code?: PdfErrorCode): e is PdfError {
  return e instanceof PdfError && (code === undefined || e.code === code);
}
