/** poppler: pdfsig (signatures), pdftotext, pdffonts and pdftoppm (what a reader extracts, lists and renders). */
import { runTool } from './tools.ts';

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
    const ranges = [...(fields['Signed Ranges'] ?? '').matchAll(/\[(\d+) - (\d+)\]/g)].map(
      (r) => [Number(r[1]), Number(r[2])] as const,
    );
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
export async function pdftoppm(
  file: string,
  outputPrefix: string,
  options: { format: 'png' | 'jpeg'; resolution: number; page?: number },
): Promise<string> {
  const page = options.page === undefined ? [] : ['-f', String(options.page), '-l', String(options.page)];
  const r = await runTool('pdftoppm', [
    `-${options.format}`,
    '-r',
    String(options.resolution),
    ...page,
    '-singlefile',
    file,
    outputPrefix,
  ]);
  if (r.code !== 0) throw new Error(`pdftoppm ${file}: exit ${r.code}: ${r.stderr}`);
  return `${outputPrefix}.${options.format === 'png' ? 'png' : 'jpg'}`;
}
