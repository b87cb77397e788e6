import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyCms } from '@lienthong/pki';
import { parseCommandLine, positionals } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { readCertificateFiles, readCrlFiles } from '../inputs/certificates.ts';
import { readInput } from '../inputs/files.ts';
import { isPdfFile } from '../inputs/pdf-files.ts';
import { readSignatureFile } from '../inputs/signature-file.ts';
import { validationTime } from '../inputs/validation-inputs.ts';
import type { Command } from '../io.ts';
import { cmsReportJson, formatCmsReport } from '../output/cms-report.ts';
import { verifyBundleFolder } from './verify-bundle.ts';
import { verifyPdfFile } from './pdf-verify.ts';

const NAME = 'verify';

const usage = `Usage: lienthong verify FILE [--content FILE] [--anchor FILE…] [options]
       lienthong verify DIR --anchor FILE… [options]

Verifies a CMS / CAdES signature (RFC 5652, ETSI EN 319 122-1), or every
signature of a PDF (PAdES, ETSI EN 319 142-1), and prints the validation
report in the terms of ETSI EN 319 102-1: per signature the
indication and sub-indication, the signer, the signing certificate serial,
integrity (message digest and signature value), trust (the signer
certificate's path, RFC 5280 §6) and the chain. FILE is DER or PEM
(-----BEGIN CMS----- or -----BEGIN PKCS7-----). With --content the signature
is detached and FILE signs that content.

A PDF (FILE starting with %PDF-) is read as a stream: per signature and
document time-stamp the indication, signer, PAdES level, the revision it
covers, and every later revision judged against its DocMDP / FieldMDP
(ISO 32000-1 §12.8.2): a change the signer did not permit fails it. The
document's DSS adds certificates, CRLs and OCSP responses; revocation is
checked when CRLs are given or the DSS holds any.

A folder (DIR) is the evidence bundle of one document (lienthong delivery
evidence -o DIR): manifest.json, the PDF, every evidence of its delivery
with its batch time-stamp, and the certificates, CRLs and OCSP responses
they need. Every file must be listed with its SHA-256; every evidence must
verify (the acting office's seal, the document it names, its time-stamp),
every chain of evidence per recipient hold, and the PDF verify as above.
A root inside the bundle is never trusted by itself: name it with --anchor.

Options:
  --content FILE       the signed content of a detached signature
  --anchor FILE        trust anchor certificate(s) (repeatable); without one,
                       trust is not assessed and the result is INDETERMINATE
  --intermediate FILE  extra intermediate CA certificate(s) (repeatable)
  --crl FILE           CRL(s) (repeatable); with a CRL given or embedded, every
                       certificate of the path needs a CRL deciding its status
  --at ISO-8601        validation time (default now)
  --json               print the report as JSON
  -h, --help           this help

Exit status: 0 every signature is TOTAL_PASSED (for a PDF: with no forbidden
change after it; for a bundle: every piece verifies); 1 otherwise, also for a
signed PDF whose later revisions cannot be read (TOTAL_FAILED /
FORMAT_FAILURE, with the report); 2 unusable input (missing or unreadable
file, a PDF with no readable signed revision, a bundle without a usable
manifest, bad date).
`;

function isFolder(io: { cwd: string }, path: string): boolean {
  try {
    return statSync(resolve(io.cwd, path)).isDirectory();
  } catch {
    return false;
  }
}

/** `lienthong verify`: verification of a CMS/CAdES signature with an EN 319 102-1 report. */
export const verifyCommand: Command = {
  name: NAME,
  summary: 'verify a CMS/CAdES signature, a signed PDF (EN 319 102-1 report) or an evidence bundle',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      content: { type: 'string' },
      anchor: { type: 'string', multiple: true },
      intermediate: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      at: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [file] = positionals(NAME, rest, ['file']);
    const time = validationTime(values.at);
    if (isFolder(io, file!)) {
      if (values.content !== undefined)
        throw new CliError('USAGE', `${NAME}: --content is for detached CMS signatures, not for a bundle.`);
      return verifyBundleFolder(io, file!, values, time);
    }
    if (await isPdfFile(io, file!)) {
      if (values.content !== undefined)
        throw new CliError('USAGE', `${NAME}: --content is for detached CMS signatures; a PDF signs itself.`);
      return verifyPdfFile(io, file!, values, time);
    }
    const signature = readSignatureFile(io, file!);
    const content = values.content === undefined ? undefined : readInput(io, values.content);
    if (content !== undefined && signature.signedData.content !== undefined)
      io.stderr(`lienthong: note: ${file!} encapsulates its content; --content is not used.\n`);
    const anchors = readCertificateFiles(io, values.anchor);
    const intermediates = readCertificateFiles(io, values.intermediate);
    const crls = readCrlFiles(io, values.crl);
    const crlCount = crls.length + signature.signedData.crls.length;
    const revocation = crlCount > 0 ? 'crl' : 'none';
    const report = verifyCms(signature.der, {
      ...(content === undefined ? {} : { detachedContent: content }),
      trustAnchors: anchors,
      intermediates,
      crls,
      revocation,
      time,
    });
    const run = { time, revocation, crlCount } as const;
    io.stdout(
      values.json === true ? `${JSON.stringify(cmsReportJson(report, run), null, 2)}\n` : formatCmsReport(report, run),
    );
    const passed = report.signers.length > 0 && report.signers.every((s) => s.indication === 'TOTAL_PASSED');
    return passed ? EXIT.ok : EXIT.invalid;
  },
};
