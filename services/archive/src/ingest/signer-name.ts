/**
 * The signer's name for the catalog, from what signing vouched for: the event names the
 * signer by directory code only, and the archive reads no other service's tables, but the
 * signer's certificate, issued by the suite's CA from the registered person, carries their
 * full name (CN). It counts only when that signature passed and the certificate names the
 * issuing office; otherwise the code stands in.
 */

/** The field intake's office seal fills (services/intake `document-issue.ts`): not the person's. */
const sealField = 'lienthong-seal';

interface ReportedSignature {
  field?: unknown;
  kind?: unknown;
  indication?: unknown;
  signer?: { subject?: unknown; office?: unknown };
}

/** The CN of an RFC 4514-style name as libs/pki `formatName` writes it (`CN=…, OU=…`), or undefined. */
export function commonNameOf(subject: string): string | undefined {
  const match = /(?:^|, )CN=(.+?)(?=, [A-Za-z0-9][A-Za-z0-9.-]*=|\+|$)/.exec(subject);
  const name = match?.[1]?.trim();
  return name === undefined || name === '' || name.length > 200 ? undefined : name;
}

/**
 * The person's name as their certificate says it: the first PAdES signature of `report` that
 * is not the office seal, passed, and by a certificate of `office`; undefined when there is none.
 */
export function signerNameOf(report: Record<string, unknown>, office: string): string | undefined {
  const signatures = Array.isArray(report.signatures) ? (report.signatures as ReportedSignature[]) : [];
  const personal = signatures.find((s) => s.kind === 'signature' && s.field !== sealField);
  if (personal?.indication !== 'TOTAL_PASSED' || personal.signer?.office !== office) return undefined;
  return typeof personal.signer.subject === 'string' ? commonNameOf(personal.signer.subject) : undefined;
}
