/**
 * The PDF's renewal as a worker job (src/archive-worker.ts; pdf-renewal.ts asks for it): the
 * scratch copy of the package's newest PDF read by offset and written with a B-LTA document
 * time-stamp (libs/pades: `extendPdf` for a signed PDF, with signing's CA certificates and CRLs
 * in its DSS, `addDocumentTimestamp` for an unsigned one). The time-stamp token is asked of the
 * main thread (`context.call('timestamp', …)`), which holds the archive's key and talks to
 * signing's TSA; here only the bytes to stamp are computed and the token embedded.
 */
import { addDocumentTimestamp, extendPdf, readPdfSignatures } from '@lienthong/pades';
import { createFileSink, openFileSource } from '@lienthong/pdf';
import type { WorkerTaskContext } from '@lienthong/service/worker';

/** What the main thread's `timestamp` call is given: a SHA-256 imprint; it answers the token (DER). */
export interface TimestampCall {
  imprint: Uint8Array;
}

/** The newest PDF at `input` renewed into `output`; `certificates` and `crls` (DER) for the DSS. */
export interface RenewPdfJob {
  input: string;
  output: string;
  certificates: Uint8Array[];
  crls: Uint8Array[];
}

/** Renews the PDF of `job`; the document time-stamp comes from the main thread's `timestamp`. */
export async function renewPdfJob(job: RenewPdfJob, context: WorkerTaskContext): Promise<void> {
  const timeStamper = async (imprint: Uint8Array, algorithm: string): Promise<Uint8Array> => {
    if (algorithm !== 'sha256') throw new Error(`the archive time-stamps SHA-256 imprints only, not ${algorithm}`);
    return (await context.call('timestamp', { imprint } satisfies TimestampCall)) as Uint8Array;
  };
  const source = await openFileSource(job.input);
  const sink = await createFileSink(job.output);
  try {
    if ((await readPdfSignatures(source)).length > 0)
      await extendPdf(source, sink, {
        level: 'B-LTA',
        timeStamper,
        validationData: { certificates: job.certificates, crls: job.crls },
      });
    else await addDocumentTimestamp(source, sink, timeStamper);
  } finally {
    await sink.close();
    await source.close();
  }
}
