import type { ChangeAfterSignature, PdfSignatureReport, PdfVerificationReport } from '@lienthong/pades';
import { timestampLines } from './cms-report.ts';
import { toJsonValue, type JsonValue } from './json.ts';

/** How a PDF was verified: the revocation policy and how much data it had. */
export interface PdfRunContext {
  readonly revocation: 'any' | 'none';
  readonly crlCount: number;
  readonly ocspCount: number;
  readonly dss: boolean;
}

/**
 * True when every signature and document time-stamp is TOTAL_PASSED with no
 * forbidden change after it (ISO 32000-1 §12.8.2): the CLI's exit 0.
 */
export function pdfReportPassed(report: PdfVerificationReport): boolean {
  return (
    report.indication === 'TOTAL_PASSED' &&
    report.signatures.length > 0 &&
    report.signatures.every((s) => s.indication === 'TOTAL_PASSED' && s.modification !== 'FORBIDDEN')
  );
}

/** The PDF verification report as JSON (the library's report, plus how it was run). */
export function pdfReportJson(report: PdfVerificationReport, run: PdfRunContext): JsonValue {
  return {
    format: 'pdf',
    ...(toJsonValue(report) as { [key: string]: JsonValue }),
    revocation: run.revocation,
    passed: pdfReportPassed(report),
  };
}

function kindOf(s: PdfSignatureReport): string {
  const kind = s.kind === 'document-timestamp' ? 'document time-stamp' : 'signature';
  const certify = s.docMdp === undefined ? '' : `, certification (DocMDP P ${s.docMdp})`;
  const lock =
    s.fieldLock === undefined
      ? ''
      : `, FieldMDP ${s.fieldLock.action}${s.fieldLock.fields.length === 0 ? '' : ` ${s.fieldLock.fields.join(', ')}`}`;
  return `${kind} (${s.subFilter ?? 'no /SubFilter'})${certify}${lock}`;
}

function changeLine(c: ChangeAfterSignature): string {
  return `    revision ${c.revision}: ${c.permitted ? 'permitted' : 'FORBIDDEN'} ${c.kind} — ${c.detail}`;
}

function signatureBlock(s: PdfSignatureReport, index: number, total: number, revisions: number): string[] {
  const lines = [
    `Signature ${index + 1} of ${total}: ${s.field} — ${s.indication}${s.subIndication === undefined ? '' : ` / ${s.subIndication}`}`,
  ];
  const row = (label: string, value: string): void => {
    lines.push(`  ${`${label}:`.padEnd(15)}${value}`);
  };
  row('kind', kindOf(s));
  if (s.signer !== undefined) {
    row(s.kind === 'document-timestamp' ? 'TSA' : 'signer', s.signer.subject);
    if (s.signer.office !== undefined) row('office', s.signer.office);
    row('serial', `${s.signer.serialNumber} (issuer ${s.signer.issuer})`);
  }
  if (s.signingTime !== undefined) row('signing time', `${s.signingTime} (claimed, /M)`);
  if (s.bestSignatureTime !== undefined)
    row(
      'best time',
      `${s.bestSignatureTime} (${s.kind === 'document-timestamp' ? 'genTime' : 'best-signature-time, from a time-stamp'})`,
    );
  if (s.level !== undefined) row('level', `PAdES-${s.level}`);
  const stamps = timestampLines(s);
  // A signature time-stamp that does not validate leaves the level at B-B: say which and why.
  if (stamps.length > 0) lines.push('  time-stamps:', ...stamps);
  row('integrity', s.integrity ? 'ok (ByteRange digest and signature value verify)' : 'NOT established');
  row('trust', s.trusted ? 'ok (the certificate validates to a trust anchor)' : 'NOT established');
  if (s.pathFailure !== undefined)
    row(
      'path',
      `${s.pathFailure.reason}${s.pathFailure.certificate === undefined ? '' : ` at ${s.pathFailure.certificate.subject}`}: ${s.pathFailure.message ?? ''}`,
    );
  if (s.policyRule !== undefined) row('policy rule', `${s.policyRule} (algorithm policy, ETSI TS 119 312)`);
  const c = s.coverage;
  const last = revisions - 1;
  row(
    'coverage',
    c.revision === undefined
      ? 'unknown revision'
      : `revision ${c.revision} of ${revisions} (0 = the original)${c.wholeFile ? ', the whole file' : `, then ${last - c.revision} later revision(s)`}`,
  );
  row(
    'changes after',
    s.modification === 'NONE'
      ? 'none'
      : s.modification === 'PERMITTED'
        ? 'only permitted changes'
        : 'FORBIDDEN changes',
  );
  lines.push(...s.changesAfter.map(changeLine));
  if (s.reason !== undefined) row('reason', s.reason);
  if (s.location !== undefined) row('location', s.location);
  row('message', s.message);
  return lines;
}

/** Human-readable report: one block per signature and document time-stamp, then the overall outcome. */
export function formatPdfReport(report: PdfVerificationReport, run: PdfRunContext): string {
  const blocks = report.signatures.map((s, i) =>
    signatureBlock(s, i, report.signatures.length, report.revisions.length).join('\n'),
  );
  const passed = report.signatures.filter((s) => s.indication === 'TOTAL_PASSED').length;
  const revocation =
    run.revocation === 'any'
      ? `revocation: checked (${run.crlCount} CRL(s) and ${run.ocspCount} OCSP response(s) given${run.dss ? ", plus the document's DSS" : ''})`
      : 'revocation: NOT checked (no CRL or OCSP response given, no DSS in the document)';
  const tail = [
    `revisions: ${report.revisions.length} (${report.revisions.map((r) => `${r.index}${r.signedBy.length === 0 ? '' : ` ${r.signedBy.join(', ')}`}${r.dss ? ' +DSS' : ''}`).join('; ')})`,
    revocation,
    `validation time: ${report.validationTime}`,
    `Result: ${report.indication}${report.subIndication === undefined ? '' : ` / ${report.subIndication}`} (${passed} of ${report.signatures.length} signature(s) passed)`,
    report.message,
  ];
  return `${[...blocks, tail.join('\n')].join('\n\n')}\n`;
}
