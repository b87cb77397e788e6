/** What libs/pdf and libs/pades say about an unusable PDF, as the service's error. */
import { isPdfError } from '@lienthong/pdf';
import { AppError } from '@lienthong/service/errors';
import { signingErrors } from '../errors.ts';

/** Runs `work`, answering 400 PDF_UNREADABLE when libs/pdf or libs/pades finds the PDF unusable. */
export async function asPdfError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isPdfError(error) && error.code !== 'PDF_INVALID_ARGUMENT' && error.code !== 'PDF_CONTENTS_TOO_SMALL') {
      throw new AppError(signingErrors.PDF_UNREADABLE, { detail: error.message, extra: { pdfError: error.code } });
    }
    throw error;
  }
}
