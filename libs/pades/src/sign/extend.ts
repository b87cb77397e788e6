/**
 * Raising a signed PDF to a higher PAdES baseline level later (ETSI EN 319 142-1 §5.4–5.5):
 * B-LT adds a DSS revision with every certificate the document's signatures and time-stamp
 * tokens carry plus the validation data given (CRLs, OCSP responses, more certificates);
 * B-LTA then adds a document time-stamp. On a B-LTA document this re-timestamps. Earlier
 * revisions are never touched.
 */
import { PdfError, type ByteSource, type PdfSink } from '@lienthong/pdf';
import { type TimeStamper, attributeValues, readSignedData, type Certificate, OID } from '@lienthong/pki';
import { addDocumentTimestamp } from './document-timestamp.ts';
import { addDss } from './dss.ts';
import type { DssData } from './dss.ts';
import { readPdfSignatures } from './read-signatures.ts';

/** Every certificate a PDF's signatures carry: in each CMS and in the time-stamp tokens of its unsigned attributes. */
export async function certificatesInSignatures(source: ByteSource): Promise<Certificate[]> {
  const signatures = await readPdfSignatures(source);
  if (signatures.length === 0)
    throw new PdfError('PDF_INVALID_ARGUMENT', 'The PDF has no signature or document time-stamp to extend.');
  const out: Certificate[] = [];
  for (const s of signatures) {
    try {
      const sd = readSignedData(s.contents);
      out.push(...sd.certificates);
      for (const token of attributeValues(sd.signerInfos[0]?.unsignedAttributes, OID.timeStampToken) ?? [])
        out.push(...readSignedData(token).certificates);
    } catch {
      // A signature whose CMS does not parse contributes nothing; verification reports it.
    }
  }
  return out;
}

/** What `extendPdf` adds. */
export interface ExtendPdfOptions {
  readonly level: 'B-LT' | 'B-LTA';
  /** Needed for B-LTA: the document time-stamp. */
  readonly timeStamper?: TimeStamper;
  /** CRLs, OCSP responses and further certificates (e.g. the root) for the DSS. */
  readonly validationData?: Omit<DssData, 'vri'>;
}

/** Extends a signed PDF to B-LT or B-LTA (see the module comment); `source` is copied to `sink` unless it is the sink. */
export async function extendPdf(source: ByteSource, sink: PdfSink, options: ExtendPdfOptions): Promise<void> {
  if (options.level === 'B-LTA' && options.timeStamper === undefined)
    throw new PdfError('PDF_INVALID_ARGUMENT', 'B-LTA needs a timeStamper.');
  const carried = await certificatesInSignatures(source);
  const data = options.validationData ?? {};
  await addDss(source, sink, {
    certificates: [...carried, ...(data.certificates ?? [])],
    crls: data.crls,
    ocsps: data.ocsps,
  });
  if (options.level === 'B-LTA') await addDocumentTimestamp(sink, sink, options.timeStamper!);
}
