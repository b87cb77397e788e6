import { fromPem, readSignedData, type SignedData } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { isPemText, readInput } from './files.ts';

const CMS_LABELS = new Set(['CMS', 'PKCS7', 'PKCS #7 SIGNED DATA']);

/** A signature file read and parsed: the CMS DER and its SignedData (RFC 5652 §5.1). */
export interface SignatureFile {
  readonly der: Uint8Array;
  readonly signedData: SignedData;
}

/**
 * Reads a CMS/CAdES signature: DER (BER accepted) or PEM `CMS` / `PKCS7`.
 * A PDF is recognised by its `%PDF-` header and refused (PAdES arrives later).
 */
export function readSignatureFile(io: CliIo, path: string): SignatureFile {
  const bytes = readInput(io, path);
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-')
    throw new CliError('UNSUPPORTED_FORMAT', `${path}: PDF signatures are not supported yet.`);
  if (bytes.length === 0) throw new CliError('BAD_SIGNATURE_FILE', `${path}: empty file, expected a CMS signature.`);
  let der = bytes;
  if (isPemText(bytes)) {
    let blocks;
    try {
      blocks = fromPem(Buffer.from(bytes).toString('latin1'));
    } catch (e) {
      throw new CliError('BAD_SIGNATURE_FILE', `${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const block = blocks.find((b) => CMS_LABELS.has(b.label));
    if (block === undefined) throw new CliError('BAD_SIGNATURE_FILE', `${path}: no PEM block CMS or PKCS7.`);
    der = block.der;
  }
  try {
    return { der, signedData: readSignedData(der) };
  } catch (e) {
    throw new CliError(
      'BAD_SIGNATURE_FILE',
      `${path}: not a readable CMS SignedData: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}
