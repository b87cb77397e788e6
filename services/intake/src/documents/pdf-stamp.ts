/**
 * The registry's stamp of number and date into a signed PDF (libs/pades `stampPdf`: the
 * signer's DocMDP /P 2 leaves the number and date fields open to form filling), run on a
 * worker thread (pdf-worker.ts) like the submission's check: reading the PDF by offset is
 * work on the file, kept off the thread that answers every office.
 */
import { createFileSink, isPdfError, openFileSource } from '@lienthong/pdf';
import { stampPdf } from '@lienthong/pades';

/** The files and the texts of one stamp. */
export interface PdfStampJob {
  /** The signed PDF. */
  input: string;
  /** Where the stamped PDF is written (the input followed by one incremental update). */
  output: string;
  /** "Số 01-CT/TU". */
  number: string;
  /** "ngày 04 tháng 05 năm 2026". */
  date: string;
}

/** What the stamp did: done, or why the PDF could not take it. */
export type PdfStamp = { ok: true } | { ok: false; detail: string };

/** Stamps `job.number` and `job.date` into the PDF at `job.input`, written to `job.output`. */
export async function stampPdfJob(job: PdfStampJob): Promise<PdfStamp> {
  const source = await openFileSource(job.input);
  try {
    const sink = await createFileSink(job.output);
    try {
      await stampPdf(source, sink, { number: job.number, date: job.date });
      return { ok: true };
    } catch (error) {
      if (isPdfError(error)) return { ok: false, detail: error.message };
      throw error;
    } finally {
      await sink.close();
    }
  } finally {
    await source.close();
  }
}
