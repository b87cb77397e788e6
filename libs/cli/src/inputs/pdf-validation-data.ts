import { fromPem, readOcspResponse, type Certificate, type Crl } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readCertificateFiles, readCrlFiles } from './certificates.ts';
import { isPemText, readInput } from './files.ts';

/** CRLs, OCSP responses and certificates for a Document Security Store (ETSI EN 319 142-1 §5.4.2). */
export interface PdfValidationData {
  readonly certificates: readonly Certificate[];
  readonly crls: readonly Crl[];
  /** OCSPResponse DERs (RFC 6960 §4.2.1). */
  readonly ocsps: readonly Uint8Array[];
}

/** An OCSPResponse file: DER, or PEM `OCSP RESPONSE`; it must be a successful response. */
export function readOcspFile(io: CliIo, path: string): Uint8Array {
  const bytes = readInput(io, path);
  let der = bytes;
  if (isPemText(bytes)) {
    const block = fromPem(Buffer.from(bytes).toString('latin1')).find((b) => b.label === 'OCSP RESPONSE');
    if (block === undefined) throw new CliError('BAD_OCSP', `${path}: no PEM block OCSP RESPONSE.`);
    der = block.der;
  }
  let status: number;
  try {
    status = readOcspResponse(der).status;
  } catch (e) {
    throw new CliError(
      'BAD_OCSP',
      `${path}: not a readable OCSPResponse: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  if (status !== 0)
    throw new CliError('BAD_OCSP', `${path}: the OCSP response is not successful (responseStatus ${status}).`);
  return der;
}

/** --crl, --ocsp and --cert files of `pdf sign` and `pdf extend`. */
export function readPdfValidationData(
  io: CliIo,
  values: { readonly crl?: readonly string[]; readonly ocsp?: readonly string[]; readonly certs?: readonly string[] },
): PdfValidationData {
  return {
    certificates: readCertificateFiles(io, values.certs),
    crls: readCrlFiles(io, values.crl),
    ocsps: (values.ocsp ?? []).map((p) => readOcspFile(io, p)),
  };
}
