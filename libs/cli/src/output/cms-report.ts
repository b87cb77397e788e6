import { formatName, officeCodeOf, type CmsVerificationReport, type SignerReport } from '@lienthong/pki';
import { describeCertificate } from './certificate-summary.ts';
import { toJsonValue, type JsonValue } from './json.ts';
import type { PathRunContext } from './path-report.ts';

// Raw encodings and the signed content stay out of the JSON report.
const SKIP = new Set([
  'signerInfo',
  'der',
  'tbs',
  'content',
  'signedAttributesDer',
  'spki',
  'signatureValue',
  'path',
  'signedData',
  'signers',
]);

/** The signature level when the report names one (EN 319 122-1: B-B, B-T, B-LT, B-LTA). */
function levelOf(s: SignerReport): string | undefined {
  const level = (s as { level?: unknown }).level;
  return typeof level === 'string' ? level : undefined;
}

/** best-signature-time (EN 319 102-1 §5.6.2.1) when the report carries one. */
function bestSignatureTimeOf(s: SignerReport): Date | undefined {
  const t = (s as { bestSignatureTime?: unknown }).bestSignatureTime;
  return t instanceof Date ? t : undefined;
}

/**
 * One line per time-stamp attribute (signature-time-stamp, archive-time-stamp-v3) a CMS signer's
 * or a PDF signature's report lists, each valid or not and why.
 */
export function timestampLines(s: object): string[] {
  const list = (s as { timestamps?: unknown }).timestamps;
  if (!Array.isArray(list)) return [];
  return list.map((ts: { kind?: unknown; valid?: unknown; genTime?: unknown; message?: unknown }) => {
    const when =
      ts.genTime instanceof Date ? ts.genTime.toISOString() : typeof ts.genTime === 'string' ? ts.genTime : 'no time';
    return `    ${typeof ts.kind === 'string' ? ts.kind : 'time-stamp'} ${when}: ${ts.valid === true ? 'valid' : 'NOT valid'}${typeof ts.message === 'string' ? ` (${ts.message})` : ''}`;
  });
}

function signerJson(s: SignerReport): JsonValue {
  const base = toJsonValue(s, SKIP) as { [key: string]: JsonValue };
  return {
    ...base,
    signingCertificateSerial: s.signer?.serialHex ?? null,
    path:
      s.path === undefined
        ? null
        : toJsonValue({
            valid: s.path.valid,
            reason: s.path.reason,
            message: s.path.message,
            failedIndex: s.path.failedIndex,
            policyRule: s.path.policyRule,
            trustAnchor: s.path.trustAnchor?.name,
          }),
  };
}

/** The verification report (ETSI EN 319 102-1 indications) as JSON, one entry per SignerInfo. */
export function cmsReportJson(report: CmsVerificationReport, run: PathRunContext): JsonValue {
  const sd = report.signedData;
  return {
    indication: report.indication,
    subIndication: report.subIndication ?? null,
    message: report.message,
    signatures: report.signers.map(signerJson),
    signedData:
      sd === undefined
        ? null
        : {
            contentType: sd.contentType,
            detached: sd.content === undefined,
            certificates: sd.certificates.length,
            crls: sd.crls.length,
          },
    validationTime: run.time.toISOString(),
    revocation: run.revocation,
  };
}

function signerBlock(s: SignerReport, index: number, total: number): string[] {
  const lines = [
    `Signature ${index + 1} of ${total}: ${s.indication}${s.subIndication === undefined ? '' : ` / ${s.subIndication}`}`,
  ];
  const row = (label: string, value: string): void => {
    lines.push(`  ${`${label}:`.padEnd(15)}${value}`);
  };
  row('signer', s.signer === undefined ? '(not found)' : formatName(s.signer.subject));
  const office = s.signer === undefined ? undefined : officeCodeOf(s.signer.subject);
  if (office !== undefined) row('office', office);
  if (s.signer !== undefined) row('serial', `${s.signer.serialHex} (issuer ${formatName(s.signer.issuer)})`);
  if (s.signingTime !== undefined) row('signing time', `${s.signingTime.toISOString()} (claimed by the signer)`);
  const best = bestSignatureTimeOf(s);
  if (best !== undefined) row('best time', `${best.toISOString()} (best-signature-time, from a time-stamp)`);
  const level = levelOf(s);
  if (level !== undefined) row('level', `CAdES-${level}`);
  if (s.integrity)
    row('CAdES-B-B', s.isCadesBaselineB ? 'yes (signing-certificate-v2 binds the signer certificate)' : 'no');
  row('integrity', s.integrity ? 'ok (message digest and signature value verify)' : 'NOT established');
  row('trust', s.trusted ? 'ok (the signer certificate validates to a trust anchor)' : 'NOT established');
  if (s.path !== undefined && !s.path.valid) row('path', `${s.path.reason ?? 'UNKNOWN'}: ${s.path.message ?? ''}`);
  if (s.policyRule !== undefined) row('policy rule', `${s.policyRule} (algorithm policy, ETSI TS 119 312)`);
  row('message', s.message);
  const stamps = timestampLines(s);
  if (stamps.length > 0) lines.push('  time-stamps:', ...stamps);
  if (s.chain.length > 0) {
    lines.push('  chain (signer first):');
    s.chain.forEach((c, i) => lines.push(`    [${i}] ${describeCertificate(c)}`));
  }
  return lines;
}

/** Human-readable report: one block per signature, then the overall outcome. */
export function formatCmsReport(report: CmsVerificationReport, run: PathRunContext): string {
  const blocks = report.signers.map((s, i) => signerBlock(s, i, report.signers.length).join('\n'));
  const passed = report.signers.filter((s) => s.indication === 'TOTAL_PASSED').length;
  const tail = [
    run.revocation === 'crl'
      ? `revocation: checked against ${run.crlCount} CRL(s)`
      : 'revocation: NOT checked (no CRL given or embedded)',
    `validation time: ${run.time.toISOString()}`,
    `Result: ${report.indication}${report.subIndication === undefined ? '' : ` / ${report.subIndication}`} (${passed} of ${report.signers.length} signature(s) passed)`,
    // No signer block says why: the CMS itself was refused (not DER, too many SignerInfos).
    ...(report.signers.length === 0 ? [report.message] : []),
  ];
  return `${[...blocks, tail.join('\n')].join('\n\n')}\n`;
}
