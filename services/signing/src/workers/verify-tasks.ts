/**
 * The verification jobs a parsing worker runs (parsing-worker.ts): a PDF's every signature
 * (libs/pades `verifyPdf`, read from the uploaded file) and a CMS/CAdES signature (libs/pki
 * `verifyCms`, summarised). Their inputs are plain data — DER of the anchors, intermediates
 * and CRLs, the validation time of the CA's clock — so that they cross to a worker thread;
 * the reports that come back are the JSON-friendly ones the routes answer with.
 */
import { verifyPdf, type PdfVerificationReport } from '@lienthong/pades';
import { openFileSource } from '@lienthong/pdf';
import { fixedClock, summariseCmsReport, verifyCms, type CmsReportSummary } from '@lienthong/pki';

/** What every verification is anchored at and checked with, as DER. */
export interface VerificationData {
  /** Trust anchors: this CA's root, the configured ones (and, for CMS, the caller's). */
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  crls: Uint8Array[];
  /** The validation time: the CA's clock when the request came. */
  now: Date;
}

/** A PDF to verify: the uploaded file's path. */
export type VerifyPdfJob = VerificationData & { path: string };

/** A CMS SignedData to verify, with its detached content when it has one. */
export type VerifyCmsJob = VerificationData & { signature: Uint8Array; content?: Uint8Array };

function optionsOf(job: VerificationData) {
  return {
    trustAnchors: job.trustAnchors,
    intermediates: job.intermediates,
    crls: job.crls,
    revocation: 'any' as const,
    clock: fixedClock(job.now),
  };
}

/** Verifies every signature of the PDF at `job.path` (read in chunks, within libs/pdf's budgets). */
export async function verifyPdfJob(job: VerifyPdfJob): Promise<PdfVerificationReport> {
  const source = await openFileSource(job.path);
  try {
    return await verifyPdf(source, optionsOf(job));
  } finally {
    await source.close();
  }
}

/** Verifies a CMS/CAdES signature; the summary is not yet marked with who supplied each anchor. */
export function verifyCmsJob(job: VerifyCmsJob): CmsReportSummary {
  const report = verifyCms(job.signature, {
    ...(job.content === undefined ? {} : { detachedContent: job.content }),
    ...optionsOf(job),
  });
  return summariseCmsReport(report);
}
