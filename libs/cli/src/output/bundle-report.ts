/** The human and JSON forms of an evidence bundle's report (`lienthong verify DIR`). */
import type { BundlePiece, BundleReport } from '@lienthong/evidence';
import { toJsonValue, type JsonValue } from './json.ts';

/** How the bundle was checked, for the report's header. */
export interface BundleRunContext {
  readonly dir: string;
  readonly anchors: number;
}

function pieceLine(p: BundlePiece): string {
  const s = p.evidence?.statement;
  const what =
    s === undefined
      ? ''
      : ` ${s.event} ${s.senderOffice}${s.recipientOffice === undefined ? '' : ` → ${s.recipientOffice}`} by ${s.actingOffice} at ${s.time.toISOString()}${p.genTime === undefined ? '' : `, time-stamped ${p.genTime.toISOString()}`}`;
  const why = p.ok ? (s === undefined ? ` ${p.message}` : '') : ` ${p.code ?? 'FAILED'}: ${p.message}`;
  return `  ${p.ok ? 'ok  ' : 'FAIL'}  ${p.path} (${p.role})${what}${why}\n`;
}

/** The report as text: the verdict, then every piece and every leg, failures marked FAIL. */
export function formatBundleReport(report: BundleReport, run: BundleRunContext): string {
  const verdict = !report.usable ? 'UNUSABLE' : report.valid ? 'VALID' : 'NOT VALID';
  const lines = [
    `Evidence bundle ${run.dir}: ${verdict}\n`,
    ...(report.documentId === undefined ? [] : [`Document: ${report.documentId}\n`]),
    `Validation time: ${report.time.toISOString()}\n`,
    `Trust anchors: ${run.anchors}${run.anchors === 0 ? ' (none given: nothing can be trusted; a root inside the bundle is not trusted by itself)' : ''}\n`,
    `Revocation: ${report.revocationChecked ? 'checked' : 'not checked (no CRL or OCSP response in the bundle or given)'}\n`,
    `Document signatures: ${report.documentVerified ? 'verified (PAdES)' : 'not verified'}\n`,
    `Files:\n`,
    ...report.pieces.map(pieceLine),
  ];
  if (report.legs.length > 0) {
    lines.push('Chains:\n');
    for (const leg of report.legs) lines.push(`  ${leg.ok ? 'ok  ' : 'FAIL'}  ${leg.message}\n`);
  }
  return lines.join('');
}

/** The report as JSON: the library's report with dates as ISO strings; the document's PAdES report under `details`. */
export function bundleReportJson(report: BundleReport): JsonValue {
  return { format: 'evidence-bundle', ...(toJsonValue(report) as { [key: string]: JsonValue }) };
}
