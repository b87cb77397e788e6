/**
 * The verification jobs a parsing worker runs (parsing-worker.ts): a PDF's every signature
 * (libs/pades `verifyPdf`, read from the uploaded file) and a CMS/CAdES signature (libs/pki
 * `verifyCms`, summarised). Their inputs are plain data — DER of the anchors, intermediates
 * and CRLs, the validation time of the CA's clock — so that they cross to a worker thread;
 * the reports that come back are the JSON-friendly ones the routes answer with.
 */
import { verifyPdf, type PdfVerificationReport } from '@lienthong/pades';
import { openFileSource } from '@lienthong/pdf';
import {
  fixedClock,
  readCertificate,
  summariseCmsReport,
  verifyCms,
  type CmsReportSummary,
  type RevocationAuthority,
} from '@lienthong/pki';

/** What every verification is anchored at and checked with, as DER. */
export interface VerificationData {
  /** Trust anchors: this CA's root, the configured ones (and, for CMS, the caller's). */
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  crls: Uint8Array[];
  /** The validation time: the CA's clock when the request came. */
  now: Date;
  /** What this CA's records say of every certificate it issued: the authority on their status. */
  localRecords?: LocalCaRecords;
}

/**
 * The signing database's word on the certificates of this CA (issue 15, item 4), as plain
 * data: for the root and the issuing CA (DER), the serial (hex) of every certificate each
 * issued, with its revocation if any.
 */
export interface LocalCaRecords {
  issuers: Array<{
    certificate: Uint8Array;
    issued: Record<string, { revokedAt: Date; reason: number | null } | null>;
  }>;
}

/**
 * The revocation authority of `records` (RFC 5280 §6.3 with the CA's own database as the
 * freshest source): for a certificate whose issuer is one of this CA's, the database decides —
 * revoked, good, or, when it holds no such serial, undetermined (OCSP's "unknown", RFC 6960
 * §2.2): a certificate this CA never recorded, made with its key, must not pass on the
 * strength of a CRL that could not list it. Other certificates are left to CRLs and OCSP.
 */
export function localAuthority(records: LocalCaRecords): RevocationAuthority {
  const byIssuer = new Map(records.issuers.map((issuer) => [readCertificate(issuer.certificate).subject.key, issuer]));
  return (certificate, issuerName) => {
    const issuer = byIssuer.get(issuerName.key);
    if (issuer === undefined) return undefined;
    const entry = issuer.issued[certificate.serialHex];
    if (entry === undefined)
      return {
        status: 'undetermined',
        message: `This CA's records hold no certificate with serial ${certificate.serialHex}: it did not issue it.`,
      };
    if (entry === null) return { status: 'good' };
    return {
      status: 'revoked',
      revocationDate: entry.revokedAt,
      ...(entry.reason === null ? {} : { reason: entry.reason }),
    };
  };
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
    ...(job.localRecords === undefined ? {} : { revocationAuthority: localAuthority(job.localRecords) }),
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
