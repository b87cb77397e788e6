import { PdfError, type ByteSource, type PdfSink } from '@lienthong/pdf';
import { attributeValues, readSignedData, type Certificate, OID } from '@lienthong/pki';
import { addDocumentTimestamp } from './document-timestamp.ts';
import { addDss } from './dss.ts';
import type { SignPdfOptions } from './pades-options.ts';
import { withRoomForContents } from './placeholder.ts';
import { finishSignatureRevision, prepareSignatureRevision } from './signing-steps.ts';

/** The certificates carried in the signature-time-stamp token (the TSA's chain), for the DSS. */
function timeStampCertificates(cms: Uint8Array): Certificate[] {
  const tokens = attributeValues(readSignedData(cms).signerInfos[0]?.unsignedAttributes, OID.timeStampToken) ?? [];
  return tokens.flatMap((token) => [...readSignedData(token).certificates]);
}

/**
 * Signs a PDF as PAdES baseline (ETSI EN 319 142-1) with any {@link Signer}:
 * B-B, B-T (signature-time-stamp in the CMS), B-LT (then a DSS revision with
 * the signer's chain, the TSA certificates of the token and `validationData`),
 * B-LTA (then a document time-stamp).
 * `source` is copied to `sink` in chunks unless it is the sink itself.
 * One pass over the bytes: the ByteRange is hashed while the revision is
 * written, and the value is used as the signer returns it (the checks of
 * `completePdfSignature` guard the two-step path, where state and
 * value come back from outside). When the CMS outgrows the estimated
 * /Contents (a large time-stamp token) and the sink can be truncated, the
 * signature is made once more with the room it needs.
 */
export async function signPdf(source: ByteSource, sink: PdfSink, options: SignPdfOptions): Promise<void> {
  const level = options.level ?? 'B-B';
  if (level !== 'B-B' && options.timeStamper === undefined)
    throw new PdfError('PDF_INVALID_ARGUMENT', `Level ${level} needs a timeStamper.`);
  const cms = await withRoomForContents(sink, options.contentsSize, async (contentsSize) => {
    const { cades, placeholder } = await prepareSignatureRevision(source, sink, {
      ...options,
      algorithm: options.signer.algorithm,
      timeStamped: level !== 'B-B',
      ...(contentsSize === undefined ? {} : { contentsSize }),
    });
    const value = await options.signer.sign(cades.signedAttributes);
    return finishSignatureRevision(sink, placeholder, cades, value, level === 'B-B' ? undefined : options.timeStamper);
  });
  if (level === 'B-LT' || level === 'B-LTA') {
    const v = options.validationData ?? {};
    await addDss(sink, sink, {
      certificates: [
        options.certificate,
        ...(options.chain ?? []),
        ...timeStampCertificates(cms),
        ...(v.certificates ?? []),
      ],
      crls: v.crls,
      ocsps: v.ocsps,
    });
  }
  if (level === 'B-LTA') await addDocumentTimestamp(sink, sink, options.timeStamper!);
}
