import { fromPem, readCertificate, readCrl, type Certificate, type Crl } from '@lienthong/pki';
import { CliError, type CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { isPemText, readInput } from './files.ts';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const CRL_LABELS = new Set(['X509 CRL']);

function detail(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function readAll<T>(
  io: CliIo,
  path: string,
  labels: ReadonlySet<string>,
  what: string,
  code: CliErrorCode,
  parse: (der: Uint8Array) => T,
): T[] {
  const bytes = readInput(io, path);
  if (bytes.length === 0) throw new CliError(code, `${path}: empty file, expected a ${what}.`);
  let ders: Uint8Array[];
  if (isPemText(bytes)) {
    try {
      ders = fromPem(Buffer.from(bytes).toString('latin1'))
        .filter((b) => labels.has(b.label))
        .map((b) => b.der);
    } catch (e) {
      throw new CliError(code, `${path}: ${detail(e)}`, { cause: e });
    }
    if (ders.length === 0) throw new CliError(code, `${path}: no PEM block of a ${what} (${[...labels].join(', ')}).`);
  } else {
    ders = [bytes];
  }
  return ders.map((der, i) => {
    try {
      return parse(der);
    } catch (e) {
      const where = ders.length > 1 ? `${path} (block ${i + 1})` : path;
      throw new CliError(code, `${where}: not a readable ${what}: ${detail(e)}`, { cause: e });
    }
  });
}

/** Every certificate of a file: PEM with one or more CERTIFICATE blocks, or one DER certificate (RFC 5280 §4.1). */
export function readCertificatesFile(io: CliIo, path: string): Certificate[] {
  return readAll(io, path, CERTIFICATE_LABELS, 'certificate', 'BAD_CERTIFICATE', readCertificate);
}

/** Every CRL of a file: PEM with one or more X509 CRL blocks, or one DER CRL (RFC 5280 §5.1). */
export function readCrlsFile(io: CliIo, path: string): Crl[] {
  return readAll(io, path, CRL_LABELS, 'CRL', 'BAD_CRL', readCrl);
}

/** The certificates of several files, in order. */
export function readCertificateFiles(io: CliIo, paths: readonly string[] | undefined): Certificate[] {
  return (paths ?? []).flatMap((p) => readCertificatesFile(io, p));
}

/** The CRLs of several files, in order. */
export function readCrlFiles(io: CliIo, paths: readonly string[] | undefined): Crl[] {
  return (paths ?? []).flatMap((p) => readCrlsFile(io, p));
}
