/**
 * Outside judges of our PDFs and signatures: poppler (pdfsig, pdftotext, pdffonts,
 * pdftoppm), qpdf, pyHanko and the openssl command line. `infra/local up` installs them
 * (infra/lib/tools.sh) and names most in `LIENTHONG_TEST_*` variables; without those a
 * tool is looked up on PATH (pyHanko: in the infra cache). A test that needs a tool skips
 * with `skipUnless(...)` when it is absent. Every test drives these tools through here.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const env = process.env;

/** The tools this module drives. */
export type JudgeTool = 'pdfsig' | 'pdftotext' | 'pdffonts' | 'pdftoppm' | 'qpdf' | 'pyhanko' | 'openssl' | 'softhsm2-util' | 'pkcs11-tool';

/** pyHanko version infra/lib/tools.sh installs (its cache folder is named for it). */
export const PYHANKO_VERSION = '0.38.0';

const ENV_NAMES: Record<JudgeTool, string> = {
  pdfsig: 'LIENTHONG_TEST_PDFSIG',
  pdftotext: 'LIENTHONG_TEST_PDFTOTEXT',
  pdffonts: 'LIENTHONG_TEST_PDFFONTS',
  pdftoppm: 'LIENTHONG_TEST_PDFTOPPM',
  qpdf: 'LIENTHONG_TEST_QPDF',
  pyhanko: 'LIENTHONG_TEST_PYHANKO',
  openssl: 'LIENTHONG_TEST_OPENSSL',
  'softhsm2-util': 'LIENTHONG_TEST_SOFTHSM2_UTIL',
  'pkcs11-tool': 'LIENTHONG_TEST_PKCS11_TOOL',
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function infraCache(): string {
  return env.LIENTHONG_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lienthong');
}

/** Absolute path of a tool: its `LIENTHONG_TEST_*` variable, else PATH (pyHanko: else the infra cache); undefined when absent. */
export function toolPath(name: JudgeTool): string | undefined {
  const fromEnv = env[ENV_NAMES[name]];
  if (fromEnv !== undefined && fromEnv !== '') return isExecutable(fromEnv) ? fromEnv : undefined;
  const found = onPath(name);
  if (found !== undefined || name !== 'pyhanko') return found;
  const cached = join(infraCache(), `pyhanko-${PYHANKO_VERSION}`, 'bin', 'pyhanko');
  return isExecutable(cached) ? cached : undefined;
}

/** True when the tool can be run. */
export function hasTool(name: JudgeTool): boolean {
  return toolPath(name) !== undefined;
}

/** For `t.test(name, { skip: skipUnless('pdfsig') }, ...)`: false when every tool is there, else the reason to skip. */
export function skipUnless(...names: JudgeTool[]): string | false {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return false;
  return `missing ${missing.join(', ')} (installed by 'infra/local up'; or set ${missing.map((n) => ENV_NAMES[n]).join(', ')})`;
}

/** The SoftHSM2 PKCS#11 module (`LIENTHONG_TEST_SOFTHSM_MODULE`, default Debian's path); undefined when the file is absent. */
export function softhsmModule(): string | undefined {
  const path = env.LIENTHONG_TEST_SOFTHSM_MODULE || '/usr/lib/softhsm/libsofthsm2.so';
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** Exit code and both output streams of one tool run. */
export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a judge with arguments (no shell); never rejects on a non-zero exit. */
export function runTool(name: JudgeTool, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  const path = toolPath(name);
  if (path === undefined) return Promise.reject(new Error(skipUnless(name) || `missing ${name}`));
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { cwd: options.cwd, env: options.env ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

// ---------------------------------------------------------------------------------------
// pdfsig (poppler)

/** One signature as pdfsig reports it. */
export interface PdfsigSignature {
  /** 1-based, in pdfsig's order (document order of the signature fields). */
  readonly index: number;
  readonly fieldName: string | undefined;
  /** "Signer Certificate Common Name". */
  readonly signerName: string | undefined;
  readonly signerDn: string | undefined;
  readonly signingTime: string | undefined;
  readonly hashAlgorithm: string | undefined;
  /** SubFilter: `adbe.pkcs7.detached` or `ETSI.CAdES.detached`. */
  readonly signatureType: string | undefined;
  readonly signedRanges: readonly (readonly [number, number])[];
  /** "Total document signed": the ByteRange covers the whole file (the last revision). */
  readonly totalDocumentSigned: boolean;
  /** "Signature Validation: Signature is Valid." (the CMS digest and signature check). */
  readonly valid: boolean;
  /** The "Signature Validation" text, e.g. "Signature is Valid.", "Digest Mismatch.". */
  readonly validation: string | undefined;
  /** The "Certificate Validation" text (pdfsig's NSS store does not hold our test roots). */
  readonly certificateValidation: string | undefined;
  /** Every "- Key: Value" line of this signature. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface PdfsigResult {
  readonly code: number;
  readonly signatures: readonly PdfsigSignature[];
  /** stdout then stderr, as pdfsig printed them. */
  readonly output: string;
}

/** Parses pdfsig's report (poppler 22.x layout). */
export function parsePdfsig(output: string): PdfsigSignature[] {
  const blocks = output.split(/^Signature #(\d+):\s*$/m);
  const signatures: PdfsigSignature[] = [];
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const fields: Record<string, string> = {};
    let total = false;
    for (const line of blocks[i + 1]!.split('\n')) {
      const m = /^\s*- ([^:]+?): (.*)$/.exec(line);
      if (m) fields[m[1]!] = m[2]!.trim();
      else if (/^\s*- Total document signed\s*$/.test(line)) total = true;
    }
    const ranges = [...(fields['Signed Ranges'] ?? '').matchAll(/\[(\d+) - (\d+)\]/g)].map((r) => [Number(r[1]), Number(r[2])] as const);
    signatures.push({
      index: Number(blocks[i]),
      fieldName: fields['Signature Field Name'],
      signerName: fields['Signer Certificate Common Name'],
      signerDn: fields['Signer full Distinguished Name'],
      signingTime: fields['Signing Time'],
      hashAlgorithm: fields['Signing Hash Algorithm'],
      signatureType: fields['Signature Type'],
      signedRanges: ranges,
      totalDocumentSigned: total,
      valid: fields['Signature Validation'] === 'Signature is Valid.',
      validation: fields['Signature Validation'],
      certificateValidation: fields['Certificate Validation'],
      fields,
    });
  }
  return signatures;
}

/** Runs `pdfsig -no-ocsp FILE` (offline) and parses every signature. pdfsig exits 0 even for a broken signature: read `valid`. */
export async function pdfsig(file: string, options: { noCert?: boolean } = {}): Promise<PdfsigResult> {
  const r = await runTool('pdfsig', [...(options.noCert ? ['-nocert'] : []), '-no-ocsp', file]);
  const output = r.stdout + r.stderr;
  return { code: r.code, signatures: parsePdfsig(r.stdout), output };
}

// ---------------------------------------------------------------------------------------
// pdftotext, pdffonts, pdftoppm (poppler): what a reader extracts, lists and renders

export interface PdftotextResult {
  readonly code: number;
  /** The extracted text (UTF-8), pages separated by form feeds. */
  readonly text: string;
  readonly output: string;
}

/** `pdftotext -enc UTF-8 FILE -`: the text a reader extracts through the fonts' /ToUnicode maps (ISO 32000-1 §9.10). */
export async function pdftotext(file: string): Promise<PdftotextResult> {
  const r = await runTool('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return { code: r.code, text: r.stdout, output: r.stdout + r.stderr };
}

/** One font as pdffonts lists it. */
export interface PdffontsFont {
  /** BaseFont, with a subset's six-letter tag (`ABCDEF+NotoSans-Regular`, ISO 32000-1 §9.6.4). */
  readonly name: string;
  /** `Type 1`, `TrueType`, `CID TrueType`, ... */
  readonly type: string;
  /** `WinAnsi`, `Identity-H`, ... */
  readonly encoding: string;
  readonly embedded: boolean;
  readonly subset: boolean;
  /** The font has a /ToUnicode map (or a known encoding): its text extracts. */
  readonly unicode: boolean;
  /** `num gen` of the font dictionary. */
  readonly objectId: string;
  /** The report line as printed. */
  readonly line: string;
}

export interface PdffontsResult {
  readonly code: number;
  readonly fonts: readonly PdffontsFont[];
  readonly output: string;
}

/** Parses pdffonts' table (poppler 22.x): the dashed line under the header gives the columns. */
export function parsePdffonts(output: string): PdffontsFont[] {
  const lines = output.split('\n');
  const rule = lines.findIndex((l) => /^-+( -+)+\s*$/.test(l));
  if (rule < 0) return [];
  const columns = [...lines[rule]!.matchAll(/-+/g)].map((m) => m.index);
  const cell = (line: string, i: number): string => line.slice(columns[i], columns[i + 1]).trim();
  return lines
    .slice(rule + 1)
    .filter((l) => l.trim() !== '')
    .map((line) => ({
      name: cell(line, 0),
      type: cell(line, 1),
      encoding: cell(line, 2),
      embedded: cell(line, 3) === 'yes',
      subset: cell(line, 4) === 'yes',
      unicode: cell(line, 5) === 'yes',
      objectId: cell(line, 6).replace(/\s+/g, ' '),
      line,
    }));
}

/** `pdffonts FILE`: every font the pages use, with its type, encoding and embedding. */
export async function pdffonts(file: string): Promise<PdffontsResult> {
  const r = await runTool('pdffonts', [file]);
  return { code: r.code, fonts: parsePdffonts(r.stdout), output: r.stdout + r.stderr };
}

/**
 * Renders one page (the first unless `page`, 1-based) with `pdftoppm -png|-jpeg -r DPI -singlefile FILE PREFIX` and
 * returns the image's path (`PREFIX.png` or `PREFIX.jpg`); rejects when pdftoppm fails.
 */
export async function pdftoppm(file: string, outputPrefix: string, options: { format: 'png' | 'jpeg'; resolution: number; page?: number }): Promise<string> {
  const page = options.page === undefined ? [] : ['-f', String(options.page), '-l', String(options.page)];
  const r = await runTool('pdftoppm', [`-${options.format}`, '-r', String(options.resolution), ...page, '-singlefile', file, outputPrefix]);
  if (r.code !== 0) throw new Error(`pdftoppm ${file}: exit ${r.code}: ${r.stderr}`);
  return `${outputPrefix}.${options.format === 'png' ? 'png' : 'jpg'}`;
}

// ---------------------------------------------------------------------------------------
// qpdf

export interface QpdfCheck {
  /** Exit 0: no syntax or stream encoding errors and no warnings. */
  readonly ok: boolean;
  /** Exit 3: qpdf could read the file but warned (e.g. a rebuilt xref table). */
  readonly warnings: boolean;
  readonly code: number;
  readonly output: string;
}

/** `qpdf --check FILE`: the file's structure (xref, objects, streams) as qpdf reads it. */
export async function qpdfCheck(file: string): Promise<QpdfCheck> {
  const r = await runTool('qpdf', ['--check', file]);
  return { ok: r.code === 0, warnings: r.code === 3, code: r.code, output: r.stdout + r.stderr };
}

/** One interactive form field as qpdf's JSON (version 2) reports it (ISO 32000-1 §12.7.3). */
export interface QpdfFormField {
  readonly fullName: string;
  /** `/Tx`, `/Sig`, `/Btn`, `/Ch`. */
  readonly fieldType: string;
  /** /V in qpdf's JSON encoding: `u:` before a Unicode text string, `n 0 R` for a reference, null when absent. */
  readonly value: unknown;
}

/** `qpdf --json --json-key=acroform FILE`: the document's fields as qpdf reads them; rejects when qpdf fails. */
export async function qpdfFormFields(file: string): Promise<QpdfFormField[]> {
  const r = await runTool('qpdf', ['--json', '--json-key=acroform', file]);
  if (r.code !== 0 && r.code !== 3) throw new Error(`qpdf --json ${file}: exit ${r.code}: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { acroform?: { fields?: { fullname: string; fieldtype: string; value: unknown }[] } };
  return (json.acroform?.fields ?? []).map((f) => ({ fullName: f.fullname, fieldType: f.fieldtype, value: f.value }));
}

// ---------------------------------------------------------------------------------------
// pyHanko

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
    const coverage = flags.includes('UNTOUCHED') ? 'ENTIRE_FILE' : extended !== undefined ? 'ENTIRE_REVISION' : flags.includes('NONSTANDARD_COVERAGE') ? 'NONSTANDARD' : undefined;
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
  const args = ['sign', 'validate', '--no-revocation-check', '--trust-replace', ...trust.flatMap((p) => ['--trust', p]), ...(options.otherCerts ?? []).flatMap((p) => ['--other-certs', p])];
  if (options.validationTime !== undefined) args.push('--validation-time', options.validationTime === 'claimed' ? 'claimed' : options.validationTime.toISOString());
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
export async function pyhankoValidateDetached(contentFile: string, signatureFile: string, options: Omit<PyhankoValidateOptions, 'pretty'>): Promise<PyhankoDetachedResult> {
  const trust = typeof options.trust === 'string' ? [options.trust] : options.trust;
  const args = ['sign', 'validate', '--no-revocation-check', '--trust-replace', ...trust.flatMap((p) => ['--trust', p]), ...(options.otherCerts ?? []).flatMap((p) => ['--other-certs', p])];
  if (options.validationTime !== undefined) args.push('--validation-time', options.validationTime === 'claimed' ? 'claimed' : options.validationTime.toISOString());
  const r = await runTool('pyhanko', [...args, '--detached', signatureFile, contentFile]);
  // The status line goes to stdout when the signature passes, to stderr ("Error: ...") when not.
  const m = /^(?:Error: )?INTACT:(.*)$/m.exec(`${r.stdout}\n${r.stderr}`);
  const flags = m?.[1]?.trim().split(',').filter((f) => f !== '') ?? [];
  return { ok: r.code === 0, intact: m !== null, trusted: flags.includes('TRUSTED'), flags, output: r.stdout + r.stderr };
}

// ---------------------------------------------------------------------------------------
// openssl cms: a detached CMS signature over given bytes, or over a PDF signature's ByteRange

export interface ByteRangeSignature {
  /** [offset1, length1, offset2, length2] (ISO 32000-1 §12.8.1). */
  readonly byteRange: readonly [number, number, number, number];
  /** The CMS SignedData DER from /Contents (trailing zero padding removed). */
  readonly cms: Buffer;
  /** The bytes the signature covers. */
  readonly signedBytes: Buffer;
  /** The ByteRange ends at the end of the file. */
  readonly coversWholeFile: boolean;
}

function derLength(der: Buffer): number {
  if (der[0] !== 0x30 || der.length < 2) return der.length;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len;
}

/** Every signature dictionary's /ByteRange and /Contents in a PDF (read by pattern, not by parsing the object graph). */
export function extractByteRangeSignatures(pdf: Buffer): ByteRangeSignature[] {
  const text = pdf.toString('latin1');
  const found: ByteRangeSignature[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (c + d > pdf.length || a + b > c) continue;
    const hex = text.slice(a + b, c).replace(/[<>\s]/g, '');
    const raw = Buffer.from(hex, 'hex');
    found.push({ byteRange: [a, b, c, d], cms: raw.subarray(0, derLength(raw)), signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), coversWholeFile: c + d === pdf.length });
  }
  return found;
}

/** How `openssl cms -verify` judges a signature. */
export interface OpensslCmsVerifyOptions {
  /** Trust anchor (PEM file) the signer's chain must reach (`-CAfile`); without it only the signature is checked. */
  readonly trust?: string;
  /** Check only the signature and the digest, not the chain (`-noverify`). */
  readonly noVerify?: boolean;
  /** Validation time of the chain (`-attime`). */
  readonly attime?: Date;
}

/** `openssl cms -verify`'s judgement of one detached signature. */
export interface OpensslCmsResult {
  /** The signature and the message digest verify (and the chain, unless `noVerify` or no `trust`). */
  readonly ok: boolean;
  readonly output: string;
}

async function verifyDetachedIn(dir: string, name: string, cms: Uint8Array, content: Uint8Array, options: OpensslCmsVerifyOptions): Promise<OpensslCmsResult> {
  const sig = join(dir, `${name}.der`);
  const data = join(dir, `${name}.bin`);
  writeFileSync(sig, cms);
  writeFileSync(data, content);
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-out', '/dev/null', '-purpose', 'any'];
  if (options.noVerify === true || options.trust === undefined) args.push('-noverify');
  else args.push('-CAfile', options.trust);
  if (options.attime !== undefined) args.push('-attime', String(Math.floor(options.attime.getTime() / 1000)));
  const r = await runTool('openssl', args);
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-judge-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks a detached CMS SignedData (RFC 5652 §5; DER) over `content` with `openssl cms
 * -verify -binary -inform DER -content CONTENT -CAfile ROOT -purpose any`: e.g. a PDF
 * signature's /Contents over the bytes its /ByteRange names, as our own reader found them.
 */
export async function opensslCmsVerify(cms: Uint8Array, content: Uint8Array, options: OpensslCmsVerifyOptions = {}): Promise<OpensslCmsResult> {
  return inTempDir((dir) => verifyDetachedIn(dir, 'signature', cms, content, options));
}

export interface OpensslByteRangeResult extends OpensslCmsResult {
  readonly byteRange: readonly [number, number, number, number];
  readonly coversWholeFile: boolean;
}

/**
 * Checks each PDF signature with `openssl cms -verify` (as {@link opensslCmsVerify}) over
 * the bytes its /ByteRange names, found by pattern in the file; `noVerify` checks only the
 * signature, not the chain. `attime` pins the chain's validation time.
 */
export async function opensslCmsVerifyByteRange(file: string, options: OpensslCmsVerifyOptions = {}): Promise<OpensslByteRangeResult[]> {
  const signatures = extractByteRangeSignatures(readFileSync(file));
  return inTempDir(async (dir) => {
    const results: OpensslByteRangeResult[] = [];
    for (const [i, s] of signatures.entries()) {
      const r = await verifyDetachedIn(dir, `sig${i}`, s.cms, s.signedBytes, options);
      results.push({ byteRange: s.byteRange, coversWholeFile: s.coversWholeFile, ...r });
    }
    return results;
  });
}
