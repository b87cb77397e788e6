/**
 * The check of a submitted PDF, run on a worker thread (pdf-worker.ts): it opens with
 * libs/pdf (header, cross-reference chain, catalogue; not encrypted) and carries no filled
 * signature field (libs/pades `readPdfSignatures`): a document is signed by intake's flow,
 * and signing a PDF that already has signatures would break or bury them.
 */
import { isPdfError, memorySource, openFileSource, PdfDocument, type ByteSource, type Closable } from '@lienthong/pdf';
import { readPdfSignatures } from '@lienthong/pades';

/** The PDF to check: a file, or bytes kept in memory (a SharedArrayBuffer's view crosses to the worker without a copy). */
export type PdfCheckJob = { input: string } | { bytes: Uint8Array };

/** What the check found: usable, not a PDF, or already signed (with why). */
export type PdfCheck = { ok: true; revisions: number } | { ok: false; problem: 'not-pdf' | 'signed'; detail: string };

const sourceOf = async (job: PdfCheckJob): Promise<ByteSource & Closable> =>
  'bytes' in job ? { ...memorySource(job.bytes), close: async () => undefined } : await openFileSource(job.input);

/** Checks the PDF of `job`; answers as data (never throws on a hostile file). */
export async function checkPdfJob(job: PdfCheckJob): Promise<PdfCheck> {
  const source = await sourceOf(job);
  try {
    let doc: PdfDocument;
    try {
      doc = await PdfDocument.open(source);
      await doc.catalog();
    } catch (error) {
      if (isPdfError(error)) return { ok: false, problem: 'not-pdf', detail: error.message };
      throw error;
    }
    try {
      const signatures = await readPdfSignatures(doc);
      if (signatures.length > 0) {
        const names = signatures.map((s) => s.fieldName).join(', ');
        return { ok: false, problem: 'signed', detail: `The PDF carries ${signatures.length} signature(s): ${names}.` };
      }
    } catch (error) {
      if (isPdfError(error) && error.code === 'PDF_SIGNATURE_INVALID')
        return { ok: false, problem: 'signed', detail: `The PDF carries a signature field: ${error.message}` };
      if (isPdfError(error)) return { ok: false, problem: 'not-pdf', detail: error.message };
      throw error;
    }
    return { ok: true, revisions: doc.revisions.length };
  } finally {
    await source.close();
  }
}
