import { formatName, type PathValidationResult } from '@lienthong/pki';
import { describeCertificate } from './certificate-summary.ts';
import { toJsonValue, type JsonValue } from './json.ts';

/** How a validation was run, printed beside its result. */
export interface PathRunContext {
  readonly time: Date;
  /** 'crl': every certificate needed a CRL that decides its status (RFC 5280 §6.3); 'none': not checked. */
  readonly revocation: 'crl' | 'none';
  readonly crlCount: number;
}

/** The chain lines, target first, the failing certificate marked. */
export function formatChain(result: PathValidationResult, indent = '  '): string[] {
  const last = result.chain.length - 1;
  return result.chain.map((c, i) => {
    const marks = [
      i === last && result.trustAnchor?.certificate?.fingerprint === c.fingerprint ? 'trust anchor' : undefined,
      result.failedIndex === i ? 'FAILED HERE' : undefined,
    ].filter((m) => m !== undefined);
    return `${indent}[${i}] ${describeCertificate(c)}${marks.length === 0 ? '' : ` <- ${marks.join(', ')}`}`;
  });
}

/** Human-readable result of RFC 5280 §6 path validation. */
export function formatPathResult(result: PathValidationResult, run: PathRunContext): string {
  const head = result.valid
    ? `VALID: the certificate path validates at ${run.time.toISOString()}`
    : `INVALID: ${result.reason ?? 'UNKNOWN'}: ${result.message ?? ''}`;
  const lines = [head, 'chain (target first):', ...formatChain(result)];
  if (result.trustAnchor !== undefined) lines.push(`trust anchor: ${formatName(result.trustAnchor.name)}`);
  lines.push(
    run.revocation === 'crl'
      ? `revocation: checked against ${run.crlCount} CRL(s)`
      : 'revocation: NOT checked (no --crl given)',
  );
  if (result.conformance !== undefined)
    lines.push(
      result.conformance === 'strict'
        ? 'conformance: strict (RFC 5280 §6 and the conforming-CA rules of §4)'
        : 'conformance: lenient (RFC 5280 §6 only)',
    );
  if (result.valid && result.userConstrainedPolicySet.length > 0)
    lines.push(`policies: ${result.userConstrainedPolicySet.join(', ')}`);
  if (!result.valid) lines.push(`validation time: ${run.time.toISOString()}`);
  return `${lines.join('\n')}\n`;
}

/** The result as JSON: verdict, reason, chain summaries, validation inputs. */
export function pathResultJson(result: PathValidationResult, run: PathRunContext): JsonValue {
  return toJsonValue({
    valid: result.valid,
    reason: result.reason,
    message: result.message,
    failedIndex: result.failedIndex,
    chain: result.chain,
    trustAnchor: result.trustAnchor?.name,
    userConstrainedPolicySet: result.userConstrainedPolicySet,
    conformance: result.conformance,
    validationTime: run.time,
    revocation: run.revocation,
    crlCount: run.crlCount,
  });
}
