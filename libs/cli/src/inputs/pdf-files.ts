import { existsSync, realpathSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  createFileSink,
  isAppearanceError,
  isPdfError,
  openFileSource,
  type ByteSource,
  type PdfError,
  type PdfSink,
} from '@lienthong/pdf';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { fileErrorReason as reason } from './files.ts';

/** The PDF file header must start within the first 1024 bytes (ISO 32000-1 §7.5.2, Annex H.3 note). */
const HEADER_WINDOW = 1024;

/** Whether two paths name the same file: same resolved path, or the same device and inode. */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    if (realpathSync(a) === realpathSync(b)) return true;
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Turns an error of the PDF layer into the CLI's catalogue: a file that
 * cannot be read as a PDF is BAD_PDF, an encrypted one UNSUPPORTED_FORMAT,
 * a refused operation PDF_REFUSED with the library's code.
 */
export function pdfCliError(path: string, e: PdfError): CliError {
  switch (e.code) {
    case 'PDF_MALFORMED':
    case 'PDF_XREF_INVALID':
    case 'PDF_OBJECT_NOT_FOUND':
    case 'PDF_LIMIT_EXCEEDED':
      return new CliError('BAD_PDF', `${path}: ${e.message}`, { cause: e });
    case 'PDF_UNSUPPORTED':
      return new CliError('UNSUPPORTED_FORMAT', `${path}: ${e.message}`, { cause: e });
    case 'PDF_SIGNATURE_INVALID':
    case 'PDF_CONTENTS_TOO_SMALL':
    case 'PDF_STATE_MISMATCH':
    case 'PDF_INVALID_ARGUMENT':
      return new CliError('PDF_REFUSED', `${path}: ${e.code}: ${e.message}`, { cause: e });
  }
}

/** Opens IN as a streamed source after checking its %PDF- header (never read whole). */
export async function openPdfInput(io: CliIo, path: string): Promise<ByteSource & { close(): Promise<void> }> {
  let source;
  try {
    source = await openFileSource(resolve(io.cwd, path));
  } catch (e) {
    throw new CliError('FILE_NOT_READABLE', `${path}: ${reason(e)}.`, { cause: e });
  }
  try {
    const head = Buffer.from(await source.read(0, HEADER_WINDOW)).toString('latin1');
    if (!head.includes('%PDF-'))
      throw new CliError('BAD_PDF', `${path}: not a PDF (no %PDF- header in the first ${HEADER_WINDOW} bytes).`);
    return source;
  } catch (e) {
    await source.close();
    if (e instanceof CliError) throw e;
    throw new CliError('FILE_NOT_READABLE', `${path}: ${reason(e)}.`, { cause: e });
  }
}

/** IN and OUT of a PDF command, and whether OUT may be replaced. */
export interface PdfInOut {
  readonly input: string;
  readonly output: string;
  readonly force: boolean;
}

/** Refuses OUT = IN (by path or by inode) and an existing OUT without --force, before any work. */
export function checkPdfOutput(io: CliIo, files: PdfInOut): void {
  const [inPath, outPath] = [resolve(io.cwd, files.input), resolve(io.cwd, files.output)];
  if (sameFile(inPath, outPath))
    throw new CliError(
      'OUTPUT_IS_INPUT',
      `${files.output} is the input file; write to another file (the input is never changed).`,
    );
  if (!files.force && existsSync(outPath))
    throw new CliError('OUTPUT_EXISTS', `${files.output} exists already; remove it or pass --force.`);
}

/**
 * Runs `work` from IN (a streamed file source) to a temporary file next to
 * OUT (`OUT.tmp-<pid>`), then renames it over OUT; on any failure the
 * temporary file is removed, so no partial OUT is ever left behind.
 */
export async function transformPdf(
  io: CliIo,
  files: PdfInOut,
  work: (source: ByteSource, sink: PdfSink) => Promise<void>,
): Promise<void> {
  checkPdfOutput(io, files);
  const outPath = resolve(io.cwd, files.output);
  const tmp = `${outPath}.tmp-${process.pid}`;
  const source = await openPdfInput(io, files.input);
  let sink: (PdfSink & { close(): Promise<void> }) | undefined;
  let done = false;
  try {
    try {
      sink = await createFileSink(tmp);
    } catch (e) {
      throw new CliError('OUTPUT_NOT_WRITABLE', `${files.output}: ${reason(e)} (in ${dirname(files.output)}).`, {
        cause: e,
      });
    }
    try {
      await work(source, sink);
    } catch (e) {
      if (isPdfError(e)) throw pdfCliError(files.input, e);
      if (isAppearanceError(e)) throw new CliError('BAD_APPEARANCE', `${e.code}: ${e.message}`, { cause: e });
      throw e;
    }
    await sink.close();
    sink = undefined;
    try {
      renameSync(tmp, outPath);
    } catch (e) {
      throw new CliError('OUTPUT_NOT_WRITABLE', `${files.output}: ${reason(e)}.`, { cause: e });
    }
    done = true;
  } finally {
    await source.close();
    if (sink !== undefined) await sink.close().catch(() => undefined);
    if (!done) {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was created, or it is gone already.
      }
    }
  }
}

/** True when `path` is a readable file that starts with `%PDF-` (a missing file is left to the caller to report). */
export async function isPdfFile(io: CliIo, path: string): Promise<boolean> {
  let source;
  try {
    source = await openFileSource(resolve(io.cwd, path));
  } catch {
    return false;
  }
  try {
    return Buffer.from(await source.read(0, 5)).toString('latin1') === '%PDF-';
  } catch {
    return false;
  } finally {
    await source.close();
  }
}
