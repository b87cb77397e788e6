import { PdfDocument, isPdfError, type ByteSource, type PdfLimits } from '@lienthong/pdf';
import { type CmsVerifyOptions, systemClock, type Indication } from '@lienthong/pki';
import { verifyPdfCms, type DigestCache } from './cms-check.ts';
import { readDssData, type DssValidationData } from './dss-data.ts';
import { judgeRevisions } from './mdp-policy.ts';
import type { PadesBaselineLevel, PdfRevisionReport, PdfSignatureReport, PdfVerificationReport } from './report.ts';
import { earlierRevisions } from './readable-revision.ts';
import { analyseRevisions, type RevisionAnalysis } from './revision-analysis.ts';
import { findSignatures, type CheckedSignature, type FoundSignature } from './signature-fields.ts';
import { verifySignatureOutcome, type SignatureOutcome } from './signature-verify.ts';

/** Inputs of PDF verification: as for {@link CmsVerifyOptions}, plus whether to use the document's DSS. */
export interface PdfVerifyOptions extends Omit<
  CmsVerifyOptions,
  'detachedContent' | 'requireBaselineB' | 'evaluateTimestamps'
> {
  /** Use the certificates, CRLs and OCSP responses of the document's /DSS (default true). */
  readonly useDss?: boolean;
  /**
   * The work the file may cost (decoded bytes, xref entries, objects, fields), shared by every
   * revision examined; the defaults scale with the file's size (@lienthong/pdf `PdfLimits`).
   * Beyond them the report is TOTAL_FAILED / FORMAT_FAILURE naming the limit.
   */
  readonly pdfLimits?: PdfLimits;
}

const RANK: Record<Indication, number> = { TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2 };

function cmsOptions(options: PdfVerifyOptions, dss: DssValidationData, time: Date): CmsVerifyOptions {
  const { useDss: _u, pdfLimits: _l, ...rest } = options;
  return {
    ...rest,
    time,
    intermediates: [...(options.intermediates ?? []), ...dss.certificates],
    crls: [...(options.crls ?? []), ...dss.crls],
    ocspResponses: [...(options.ocspResponses ?? []), ...dss.ocspResponses],
  };
}

interface Verified {
  readonly sig: CheckedSignature;
  readonly outcome: SignatureOutcome;
}

/**
 * The PAdES baseline level (ETSI EN 319 142-1 §6.3): B-B for an
 * ETSI.CAdES.detached CAdES-B-B signature; B-T with a signature-time-stamp
 * or a valid document time-stamp after it; B-LT when the DSS alone lets the
 * signer's path validate; B-LTA when a valid document time-stamp covers a
 * revision holding the DSS.
 */
async function levelOf(
  source: ByteSource,
  v: Verified,
  timestamps: readonly Verified[],
  revisions: readonly RevisionAnalysis[],
  dss: DssValidationData,
  options: CmsVerifyOptions,
  cache: DigestCache,
): Promise<{ level?: PadesBaselineLevel; best?: Date }> {
  const after = timestamps.filter(
    (t) => t.outcome.indication === 'TOTAL_PASSED' && t.sig.revision > v.sig.revision && t.outcome.time !== undefined,
  );
  const times = [v.outcome.time, ...after.map((t) => t.outcome.time)]
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => a.getTime() - b.getTime());
  const best = times[0];
  if (v.sig.subFilter !== 'ETSI.CAdES.detached' || !v.outcome.baselineB) return best === undefined ? {} : { best };
  if (best === undefined) return { level: 'B-B' };
  if (!dss.present || (options.revocation ?? 'any') === 'none') return { level: 'B-T', best };
  const dssOnly = await verifyPdfCms(
    source,
    v.sig.byteRange,
    v.sig.contents,
    v.sig.subFilter,
    { ...options, intermediates: dss.certificates, crls: dss.crls, ocspResponses: dss.ocspResponses },
    cache,
  );
  if (dssOnly.indication !== 'TOTAL_PASSED') return { level: 'B-T', best };
  const lta = after.some(
    (t) => t.sig.kind === 'document-timestamp' && revisions.find((r) => r.index === t.sig.revision)?.dss === true,
  );
  return { level: lta ? 'B-LTA' : 'B-LT', best };
}

function brokenReport(s: Exclude<FoundSignature, CheckedSignature>): PdfSignatureReport {
  return {
    field: s.field,
    kind: s.kind,
    subFilter: s.subFilter,
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    message: s.message,
    integrity: false,
    trusted: false,
    coverage: {
      revision: undefined,
      wholeRevision: false,
      wholeFile: false,
      ...(s.byteRange === undefined ? {} : { byteRange: s.byteRange }),
    },
    changesAfter: [],
    modification: 'NONE',
  };
}

/** The unreadable rest of the file as one more revision, changed in a way no signature permits. */
function withTail(revisions: RevisionAnalysis[], tail: UnreadableTail | undefined): RevisionAnalysis[] {
  const last = revisions[revisions.length - 1];
  if (tail === undefined || last === undefined) return revisions;
  const change = { kind: 'unreadable', requires: 'never', detail: tail.detail } as const;
  return [
    ...revisions,
    { index: last.index + 1, end: tail.size, eof: tail.size, xref: last.xref, dss: false, changes: [change] },
  ];
}

function failure(message: string, time: Date, size: number): PdfVerificationReport {
  return {
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    message,
    validationTime: time.toISOString(),
    fileSize: size,
    signatures: [],
    revisions: [],
  };
}

/**
 * Verifies every signature and document time-stamp of a PDF (ISO 32000-1
 * §12.8, ETSI EN 319 142-1, reported in the terms of EN 319 102-1): the
 * ByteRange and /Contents structure (signature wrapping, universal
 * signature forgery), the CMS or time-stamp token over the ByteRange bytes
 * hashed in chunks, trust and revocation with the given data and the
 * document's DSS, the revision each covers, the PAdES level reached, and
 * every later revision judged against the signature's DocMDP / FieldMDP
 * (§12.8.2.2, §12.8.2.4): incremental saving and shadow attacks end as
 * forbidden changes. Never throws for a bad file.
 */
export async function verifyPdf(source: ByteSource, options: PdfVerifyOptions = {}): Promise<PdfVerificationReport> {
  const time = options.time ?? (options.clock ?? systemClock).now();
  let doc: PdfDocument;
  try {
    doc = await PdfDocument.open(source, options.pdfLimits);
  } catch (e) {
    if (!isPdfError(e)) throw e;
    // Over a budget: the answer, without trying earlier revisions (each try would spend one more).
    if (isPdfError(e, 'PDF_LIMIT_EXCEEDED'))
      return failure(`The PDF exceeds a safety limit: ${e.detail ?? e.message}`, time, source.size);
    return (
      (await verifyEarlierRevision(source, options, time, e.message)) ??
      failure(`The file cannot be read as a PDF: ${e.message}`, time, source.size)
    );
  }
  return verifyOpened(source, doc, options, time);
}

/**
 * As {@link verifyPdf}, on a document the caller has already opened from `source` (to read
 * its DSS first, say): one parse and one budget (`PdfDocument`'s) for both. Never throws for
 * a bad file.
 */
export async function verifyPdfDocument(
  source: ByteSource,
  doc: PdfDocument,
  options: PdfVerifyOptions = {},
): Promise<PdfVerificationReport> {
  return verifyOpened(source, doc, options, options.time ?? (options.clock ?? systemClock).now());
}

async function verifyOpened(
  source: ByteSource,
  doc: PdfDocument,
  options: PdfVerifyOptions,
  time: Date,
): Promise<PdfVerificationReport> {
  try {
    return await verifyDocument(source, doc, options, time);
  } catch (e) {
    // A hostile file must end in a report, never in an error the caller turns into a 500.
    if (isPdfError(e, 'PDF_LIMIT_EXCEEDED'))
      return failure(`The PDF exceeds a safety limit: ${e.detail ?? e.message}`, time, source.size);
    const reason = e instanceof Error ? e.message : String(e);
    return (
      (await verifyEarlierRevision(source, options, time, reason)) ??
      failure(`The PDF structure is broken: ${reason}`, time, source.size)
    );
  }
}

/**
 * A file whose last revisions cannot be read (a broken xref, a truncated
 * object) but whose earlier ones hold signatures: those signatures are
 * verified in the last readable state, the unreadable rest is a forbidden
 * change after each, and the whole is TOTAL_FAILED / FORMAT_FAILURE with
 * the reason (EN 319 102-1 §5.2.2). Undefined when no earlier state with a
 * signature can be read.
 */
async function verifyEarlierRevision(
  source: ByteSource,
  options: PdfVerifyOptions,
  time: Date,
  reason: string,
): Promise<PdfVerificationReport | undefined> {
  try {
    for await (const earlier of earlierRevisions(source)) {
      let doc: PdfDocument;
      try {
        doc = await PdfDocument.open(earlier.source, options.pdfLimits);
      } catch (e) {
        if (isPdfError(e)) continue;
        throw e;
      }
      const detail = `The ${source.size - earlier.end} bytes after byte ${earlier.end} cannot be read as a revision: ${reason}`;
      const report = await verifyDocument(earlier.source, doc, options, time, { size: source.size, detail });
      if (report.signatures.length === 0) return undefined;
      return { ...report, indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', message: detail };
    }
  } catch {
    // The earlier state is as broken as the whole: the caller's failure report stands.
  }
  return undefined;
}

/** Bytes after the last readable revision that cannot be read: the file's real size and why. */
interface UnreadableTail {
  readonly size: number;
  readonly detail: string;
}

async function verifyDocument(
  source: ByteSource,
  doc: PdfDocument,
  options: PdfVerifyOptions,
  time: Date,
  tail?: UnreadableTail,
): Promise<PdfVerificationReport> {
  const dss =
    options.useDss === false
      ? { present: false, certificates: [], crls: [], ocspResponses: [] }
      : await readDssData(doc, options.encoding);
  const cmsOpts = cmsOptions(options, dss, time);
  const { found, skipped } = await findSignatures(doc);
  const revisions = withTail(await analyseRevisions(source, doc), tail);
  const verified: Verified[] = [];
  const cache: DigestCache = new Map();
  for (const sig of found) {
    if (!sig.ok) continue;
    let outcome: SignatureOutcome;
    try {
      outcome = await verifySignatureOutcome(source, sig, cmsOpts, cache);
    } catch (e) {
      outcome = {
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        message: e instanceof Error ? e.message : 'Unreadable signature.',
        integrity: false,
        trusted: false,
        baselineB: false,
      };
    }
    verified.push({ sig, outcome });
  }
  const timestamps = verified.filter((v) => v.sig.kind === 'document-timestamp');
  const certification = verified.find((v) => v.sig.docMdp !== undefined);
  const reports: PdfSignatureReport[] = [];
  for (const s of found) {
    if (!s.ok) {
      reports.push(brokenReport(s));
      continue;
    }
    const v = verified.find((x) => x.sig === s)!;
    const later = revisions.filter((r) => r.index > s.revision);
    const docMdp =
      certification !== undefined && certification.sig.revision <= s.revision ? certification.sig.docMdp : undefined;
    const { changesAfter, modification } = judgeRevisions({ docMdp, lock: s.fieldLock, ownField: s.field }, later);
    const o = v.outcome;
    const forbidden = changesAfter.find((c) => !c.permitted);
    const passed = o.indication === 'TOTAL_PASSED' && forbidden === undefined;
    const { level, best } =
      s.kind === 'signature' && passed
        ? await levelOf(source, v, timestamps, revisions, dss, cmsOpts, cache)
        : { best: s.kind === 'document-timestamp' ? o.time : undefined };
    const downgraded = forbidden !== undefined && o.indication !== 'TOTAL_FAILED';
    const unreadable = tail !== undefined && forbidden?.revision === revisions[revisions.length - 1]?.index;
    reports.push({
      field: s.field,
      kind: s.kind,
      subFilter: s.subFilter,
      indication: downgraded ? 'TOTAL_FAILED' : o.indication,
      ...(downgraded
        ? { subIndication: unreadable ? ('FORMAT_FAILURE' as const) : ('SIG_CONSTRAINTS_FAILURE' as const) }
        : o.subIndication === undefined
          ? {}
          : { subIndication: o.subIndication }),
      message: downgraded
        ? `Forbidden change in revision ${forbidden.revision} after signing (${forbidden.kind}): ${forbidden.detail}`
        : o.message,
      integrity: o.integrity,
      trusted: o.trusted,
      coverage: {
        revision: s.revision,
        wholeRevision: true,
        wholeFile: s.wholeFile && !revisions.some((r) => r.index > s.revision),
        byteRange: s.byteRange,
      },
      ...(level === undefined ? {} : { level }),
      ...(o.signer === undefined ? {} : { signer: o.signer }),
      ...(s.signingTime === undefined ? {} : { signingTime: s.signingTime.toISOString() }),
      ...(best === undefined ? {} : { bestSignatureTime: best.toISOString() }),
      ...(o.timestamps === undefined ? {} : { timestamps: o.timestamps }),
      ...(o.policyRule === undefined ? {} : { policyRule: o.policyRule }),
      ...(o.pathFailure === undefined ? {} : { pathFailure: o.pathFailure }),
      ...(s.docMdp === undefined ? {} : { docMdp: s.docMdp }),
      ...(s.fieldLock === undefined ? {} : { fieldLock: s.fieldLock }),
      ...(s.reason === undefined ? {} : { reason: s.reason }),
      ...(s.location === undefined ? {} : { location: s.location }),
      changesAfter,
      modification,
    });
  }
  const revisionReports: PdfRevisionReport[] = revisions.map((r) => ({
    index: r.index,
    end: r.end,
    xref: r.xref,
    signedBy: found.filter((s): s is CheckedSignature => s.ok && s.revision === r.index).map((s) => s.field),
    dss: r.dss,
    changes: r.changes,
  }));
  return summarise(reports, revisionReports, skipped, time, tail?.size ?? source.size);
}

function summarise(
  signatures: PdfSignatureReport[],
  revisions: PdfRevisionReport[],
  skipped: number,
  time: Date,
  size: number,
): PdfVerificationReport {
  const rest = { validationTime: time.toISOString(), fileSize: size, signatures, revisions };
  if (signatures.length === 0)
    return {
      indication: 'INDETERMINATE',
      subIndication: 'SIGNED_DATA_NOT_FOUND',
      message: 'The PDF has no signature.',
      ...rest,
    };
  const worst = signatures.reduce((a, b) => (RANK[b.indication] > RANK[a.indication] ? b : a));
  if (worst.indication !== 'TOTAL_PASSED')
    return {
      indication: worst.indication,
      ...(worst.subIndication === undefined ? {} : { subIndication: worst.subIndication }),
      message: `${worst.field}: ${worst.message}`,
      ...rest,
    };
  if (skipped > 0)
    return {
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
      message: `${skipped} signatures beyond the first ${signatures.length} were not verified.`,
      ...rest,
    };
  return {
    indication: 'TOTAL_PASSED',
    message: `${signatures.length} signature${signatures.length === 1 ? '' : 's'} verified; no forbidden change after any of them.`,
    ...rest,
  };
}
