import { readDssData, verifyPdf, verifyPdfDocument, type PdfVerifyOptions } from '@lienthong/pades';
import { isPdfError, PdfDocument, type PdfError } from '@lienthong/pdf';
import { EXIT } from '../errors.ts';
import { readCertificateFiles, readCrlFiles } from '../inputs/certificates.ts';
import { openPdfInput, pdfCliError } from '../inputs/pdf-files.ts';
import type { CliIo } from '../io.ts';
import { formatPdfReport, pdfReportJson, pdfReportPassed, type PdfRunContext } from '../output/pdf-report.ts';

/** The options of `lienthong verify` that apply to a PDF. */
export interface PdfVerifyValues {
  readonly anchor?: string[];
  readonly intermediate?: string[];
  readonly crl?: string[];
  readonly json?: boolean;
}

/**
 * `lienthong verify FILE.pdf`: every signature and document time-stamp of a
 * PDF (ISO 32000-1 §12.8, ETSI EN 319 142-1) with the EN 319 102-1 report
 * of libs/pki verifyPdf, the file streamed. Revocation is checked when CRLs
 * are given or the document has a DSS. Exit 0 only when every signature is
 * TOTAL_PASSED with no forbidden change after it; 1 otherwise (also a signed
 * PDF whose later revisions cannot be read: TOTAL_FAILED / FORMAT_FAILURE);
 * a PDF with no readable signed revision is unusable input (BAD_PDF, exit 2).
 * The file is opened and parsed once, under one budget (libs/pdf `PdfLimits`), for its DSS
 * and its verification; only a file that cannot be opened is left to `verifyPdf`, which
 * looks for a readable earlier revision.
 */
export async function verifyPdfFile(io: CliIo, path: string, values: PdfVerifyValues, time: Date): Promise<number> {
  const anchors = readCertificateFiles(io, values.anchor);
  const intermediates = readCertificateFiles(io, values.intermediate);
  const crls = readCrlFiles(io, values.crl);
  const source = await openPdfInput(io, path);
  try {
    let doc: PdfDocument | undefined;
    let unreadable: PdfError | undefined;
    try {
      doc = await PdfDocument.open(source);
    } catch (e) {
      if (!isPdfError(e)) throw e;
      unreadable = e;
    }
    // An unreadable file is still verified: its earlier revisions may hold signatures that deserve a report.
    const dss = doc === undefined ? undefined : await readDssData(doc);
    const haveRevocationData =
      crls.length > 0 || (dss !== undefined && (dss.crls.length > 0 || dss.ocspResponses.length > 0));
    const run: PdfRunContext = {
      revocation: haveRevocationData ? 'any' : 'none',
      crlCount: crls.length,
      ocspCount: 0,
      dss: dss?.present ?? false,
    };
    const options: PdfVerifyOptions = { trustAnchors: anchors, intermediates, crls, revocation: run.revocation, time };
    // The document read for its DSS is the one verified: one parse, one budget.
    const report = doc === undefined ? await verifyPdf(source, options) : await verifyPdfDocument(source, doc, options);
    if (unreadable !== undefined && report.signatures.length === 0) throw pdfCliError(path, unreadable);
    io.stdout(
      values.json === true ? `${JSON.stringify(pdfReportJson(report, run), null, 2)}\n` : formatPdfReport(report, run),
    );
    return pdfReportPassed(report) ? EXIT.ok : EXIT.invalid;
  } finally {
    await source.close();
  }
}
