import { join } from 'node:path';
import { verifyBundle, type DocumentVerifier } from '@lienthong/evidence';
import { verifyPdf } from '@lienthong/pades';
import { memorySource, openFileSource } from '@lienthong/pdf';
import { EXIT } from '../errors.ts';
import { readBundleFolder } from '../inputs/bundle-files.ts';
import { readCertificateFiles, readCrlFiles } from '../inputs/certificates.ts';
import type { CliIo } from '../io.ts';
import { bundleReportJson, formatBundleReport } from '../output/bundle-report.ts';
import { toJsonValue } from '../output/json.ts';
import { pdfReportPassed } from '../output/pdf-report.ts';

/** The options of `lienthong verify` that apply to a bundle. */
export interface BundleVerifyValues {
  readonly anchor?: string[];
  readonly intermediate?: string[];
  readonly crl?: string[];
  readonly json?: boolean;
}

/**
 * The bundle's document checked by libs/pades `verifyPdf` with the bundle's certificates, CRLs
 * and OCSP responses, streamed from the folder (its hash was checked as it was read).
 */
const documentVerifier =
  (root: string): DocumentVerifier =>
  async (document, options) => {
    const revocationData = (options.crls?.length ?? 0) + (options.ocspResponses?.length ?? 0);
    const source =
      document.bytes === undefined
        ? await openFileSource(join(root, ...document.path.split('/')))
        : { ...memorySource(document.bytes), close: async () => {} };
    let report;
    try {
      report = await verifyPdf(source, {
        trustAnchors: options.trustAnchors,
        intermediates: options.intermediates ?? [],
        crls: options.crls ?? [],
        ocspResponses: options.ocspResponses ?? [],
        revocation: revocationData > 0 ? 'any' : 'none',
        time: options.time,
      });
    } finally {
      await source.close();
    }
    const passed = pdfReportPassed(report);
    const count = report.signatures.length;
    return {
      ok: passed,
      message: passed
        ? `PAdES: ${count} signature${count === 1 ? '' : 's'} TOTAL_PASSED, no forbidden change.`
        : `PAdES: ${report.indication}${report.subIndication === undefined ? '' : ` / ${report.subIndication}`}: ${report.message}`,
      details: toJsonValue(report),
    };
  };

/**
 * `lienthong verify DIR`: the evidence bundle of one document (libs/evidence `verifyBundle`):
 * the manifest, every file's hash, every evidence and its batch time-stamp, the chains, and
 * the document's PAdES signatures. Trust anchors come from `--anchor` only: a root the bundle
 * carries helps build paths but is never trusted by itself. Exit 0 when everything verifies,
 * 1 when something does not, 2 when the bundle is unusable (no or an invalid manifest).
 */
export async function verifyBundleFolder(
  io: CliIo,
  dir: string,
  values: BundleVerifyValues,
  time: Date,
): Promise<number> {
  const trustAnchors = readCertificateFiles(io, values.anchor);
  const intermediates = readCertificateFiles(io, values.intermediate);
  const crls = readCrlFiles(io, values.crl);
  const { root, files, unreadable } = await readBundleFolder(io, dir);
  const report = await verifyBundle(files, {
    trustAnchors,
    intermediates,
    crls,
    time,
    unreadable,
    verifyDocument: documentVerifier(root),
  });
  io.stdout(
    values.json === true
      ? `${JSON.stringify(bundleReportJson(report), null, 2)}\n`
      : formatBundleReport(report, { dir, anchors: trustAnchors.length }),
  );
  if (!report.usable) return EXIT.unusable;
  return report.valid ? EXIT.ok : EXIT.invalid;
}
