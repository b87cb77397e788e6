/** pyHanko (in the venv infra/local builds): PAdES validation with trust, revocation and modification analysis. */
import { runTool } from './tools.ts';

export interface PyhankoValidateOptions {
  /** Trust anchors (PEM or DER files); they replace the OS store (`--trust-replace`). */
  readonly trust: string | readonly string[];
  /** Extra certificates for path building (`--other-certs`). */
  readonly otherCerts?: readonly string[];
  /** Validation time (ISO 8601), or `'claimed'` for the signer's claimed signing time. */
  readonly validationTime?: Date | 'claimed';
  /** Also run `--pretty-print` and attach each signature's report (a second pyHanko run). */
  readonly pretty?: boolean;
}

/** One signature as pyHanko judges it (PAdES, ISO 32000-2 §12.8). */
export interface PyhankoSignature {
  readonly field: string;
  /** SHA-256 of the signer's certificate, hex. */
  readonly certSha256: string;
  /** The CMS signature verifies and the ByteRange digest matches (pyHanko's INTACT and valid). */
  readonly intact: boolean;
  readonly trusted: boolean;
  readonly revoked: boolean;
  /** ENTIRE_FILE: the signature covers the whole file; ENTIRE_REVISION: later revisions were appended. */
  readonly coverage: 'ENTIRE_FILE' | 'ENTIRE_REVISION' | 'NONSTANDARD' | undefined;
  /** For ENTIRE_REVISION: what the later revisions do (`NONE`, `LTA_UPDATES`, `FORM_FILLING`, `ANNOTATIONS`, `OTHER`). */
  readonly modificationLevel: string | undefined;
  /** False when pyHanko reports ILLEGAL_MODIFICATIONS (DocMDP policy broken). */
  readonly modificationsOk: boolean;
  /** Intact, trusted, and modifications allowed: pyHanko's bottom line without timestamps. */
  readonly valid: boolean;
  /** The summary fields after INTACT (TRUSTED, UNTOUCHED, TIMESTAMP_TOKEN<...>, ...). */
  readonly flags: readonly string[];
  /** pyHanko's machine line `field:sha256:status`. */
  readonly summary: string;
  /** With `pretty`: this signature's `--pretty-print` report, and its "judged VALID" bottom line. */
  readonly report?: string;
  readonly judgedValid?: boolean;
}

export interface PyhankoResult {
  /** Exit 0: every signature in the file validated. */
  readonly ok: boolean;
  readonly signatures: readonly PyhankoSignature[];
  readonly output: string;
  readonly prettyOutput?: string;
}

/** Parses the machine-readable lines of `pyhanko sign validate` (without `--pretty-print`). */
export function parsePyhankoSummary(output: string): PyhankoSignature[] {
  const signatures: PyhankoSignature[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.+):([0-9a-f]{64}):(INTACT:(.*)|INVALID)\s*$/.exec(line);
    if (!m) continue;
    const flags = m[4] === undefined ? [] : m[4].split(',').filter((f) => f !== '');
    const intact = m[4] !== undefined;
    const extended = flags.find((f) => f.startsWith('EXTENDED'));
    const coverage = flags.includes('UNTOUCHED')
      ? 'ENTIRE_FILE'
      : extended !== undefined
        ? 'ENTIRE_REVISION'
        : flags.includes('NONSTANDARD_COVERAGE')
          ? 'NONSTANDARD'
          : undefined;
    const trusted = flags.includes('TRUSTED');
    const modificationsOk = intact && !flags.includes('ILLEGAL_MODIFICATIONS');
    signatures.push({
      field: m[1]!,
      certSha256: m[2]!,
      intact,
      trusted,
      revoked: flags.includes('REVOKED'),
      coverage,
      modificationLevel: extended?.startsWith('EXTENDED_WITH_') ? extended.slice('EXTENDED_WITH_'.length) : undefined,
      modificationsOk,
      valid: intact && trusted && modificationsOk,
      flags,
      summary: line.trim(),
    });
  }
  return signatures;
}

/** Splits `--pretty-print` output into one report per field, keyed by field name. */
export function parsePyhankoPretty(output: string): Map<string, string> {
  const reports = new Map<string, string>();
  const parts = output.split(/^=+\nField \d+: (.+)\n=+$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) reports.set(parts[i]!, parts[i + 1]!.trim());
  return reports;
}

/**
 * Validates every signature of a PDF with pyHanko, offline:
 * `pyhanko sign validate --trust ROOT --trust-replace --no-revocation-check FILE`
 * (pyHanko validates all signature fields and exits 1 when any fails).
 */
export async function pyhankoValidate(file: string, options: PyhankoValidateOptions): Promise<PyhankoResult> {
  const trust = typeof options.trust === 'string' ? [options.trust] : options.trust;
  const args = [
    'sign',
    'validate',
    '--no-revocation-check',
    '--trust-replace',
    ...trust.flatMap((p) => ['--trust', p]),
    ...(options.otherCerts ?? []).flatMap((p) => ['--other-certs', p]),
  ];
  if (options.validationTime !== undefined)
    args.push(
      '--validation-time',
      options.validationTime === 'claimed' ? 'claimed' : options.validationTime.toISOString(),
    );
  const summaryRun = await runTool('pyhanko', [...args, file]);
  const signatures = parsePyhankoSummary(summaryRun.stdout);
  const output = summaryRun.stdout + summaryRun.stderr;
  if (options.pretty !== true) return { ok: summaryRun.code === 0, signatures, output };
  const prettyRun = await runTool('pyhanko', [...args, '--pretty-print', file]);
  const reports = parsePyhankoPretty(prettyRun.stdout);
  return {
    ok: summaryRun.code === 0,
    output,
    prettyOutput: prettyRun.stdout + prettyRun.stderr,
    signatures: signatures.map((s) => {
      const report = reports.get(s.field);
      return report === undefined ? s : { ...s, report, judgedValid: /The signature is judged VALID\./.test(report) };
    }),
  };
}

/** pyHanko's judgement of a detached CMS signature (CAdES) over a file. */
export interface PyhankoDetachedResult {
  /** Exit 0: intact, trusted. */
  readonly ok: boolean;
  readonly intact: boolean;
  readonly trusted: boolean;
  /** The summary fields after INTACT. */
  readonly flags: readonly string[];
  readonly output: string;
}

/**
 * Validates a detached CMS signature (DER or PEM file) over `contentFile`, offline:
 * `pyhanko sign validate --no-revocation-check --trust-replace --trust ROOT --detached SIG CONTENT`.
 */
export async function pyhankoValidateDetached(
  contentFile: string,
  signatureFile: string,
  options: Omit<PyhankoValidateOptions, 'pretty'>,
): Promise<PyhankoDetachedResult> {
  const trust = typeof options.trust === 'string' ? [options.trust] : options.trust;
  const args = [
    'sign',
    'validate',
    '--no-revocation-check',
    '--trust-replace',
    ...trust.flatMap((p) => ['--trust', p]),
    ...(options.otherCerts ?? []).flatMap((p) => ['--other-certs', p]),
  ];
  if (options.validationTime !== undefined)
    args.push(
      '--validation-time',
      options.validationTime === 'claimed' ? 'claimed' : options.validationTime.toISOString(),
    );
  const r = await runTool('pyhanko', [...args, '--detached', signatureFile, contentFile]);
  // The status line goes to stdout when the signature passes, to stderr ("Error: ...") when not.
  const m = /^(?:Error: )?INTACT:(.*)$/m.exec(`${r.stdout}\n${r.stderr}`);
  const flags =
    m?.[1]
      ?.trim()
      .split(',')
      .filter((f) => f !== '') ?? [];
  return {
    ok: r.code === 0,
    intact: m !== null,
    trusted: flags.includes('TRUSTED'),
    flags,
    output: r.stdout + r.stderr,
  };
}
