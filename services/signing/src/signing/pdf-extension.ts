/**
 * Raising a signed PDF to PAdES B-LT or B-LTA (ETSI EN 319 142-1 §5.4–5.5): validation data
 * in a DSS, then a document time-stamp from this service's TSA.
 */
import { extendPdf } from '@lienthong/pades';
import { createFileSink, isPdfError, openFileSource } from '@lienthong/pdf';
import { readCrl } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { currentCrl } from '../ca/crl-service.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import { signingErrors } from '../errors.ts';
import { asPdfError } from './pdf-errors.ts';

/**
 * Raises the signed PDF at `input` to B-LT or B-LTA into `output`: a DSS with the document's
 * own certificates, this CA's root and its current CRLs, then (B-LTA) a document time-stamp
 * from this TSA. Anyone may extend a document: it adds validation data, never a signature.
 * A PDF without a signature, or one libs/pades cannot read, is 400 PDF_UNREADABLE.
 */
export async function extendPdfFile(
  ca: CaContext,
  level: 'B-LT' | 'B-LTA',
  input: string,
  output: string,
): Promise<void> {
  await asPdfError(() =>
    extendPdfFileAs(ca, level, input, output).catch((error: unknown) => {
      // No signature to extend is the caller's mistake, not ours.
      if (isPdfError(error, 'PDF_INVALID_ARGUMENT'))
        throw new AppError(signingErrors.PDF_UNREADABLE, { detail: error.message, extra: { pdfError: error.code } });
      throw error;
    }),
  );
}

async function extendPdfFileAs(ca: CaContext, level: 'B-LT' | 'B-LTA', input: string, output: string): Promise<void> {
  const { issuing, root } = ca.hierarchy;
  const crls = [readCrl((await currentCrl(ca, issuing)).der), readCrl((await currentCrl(ca, root)).der)];
  const source = await openFileSource(input);
  const sink = await createFileSink(output);
  try {
    await extendPdf(source, sink, {
      level,
      timeStamper: localTimeStamper(ca),
      validationData: { crls, certificates: [ca.certificateOf(root), ca.certificateOf(issuing)] },
    });
  } finally {
    await source.close();
    await sink.close();
  }
}
