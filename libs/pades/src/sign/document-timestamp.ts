import { pdfDict, pdfName, type ByteSource, type PdfSink } from '@lienthong/pdf';
import { tokenFrom, type TimeStamper, type HashName } from '@lienthong/pki';
import { freshFieldName } from './form-fields.ts';
import { patchContents, withRoomForContents } from './placeholder.ts';
import { appendSignatureRevision } from './signature-revision.ts';
import { placeSignature } from './signature-field.ts';

/** Options of a document time-stamp. */
export interface DocumentTimestampOptions {
  readonly fieldName?: string;
  /** Digest of the message imprint; default SHA-256. */
  readonly hash?: HashName;
  /** Bytes reserved for the token; default 16 KB, retried with what the token needs when the sink can be truncated. */
  readonly contentsSize?: number;
}

/**
 * Adds a document time-stamp in an incremental update (PAdES B-LTA, ETSI EN
 * 319 142-1 §5.4.3; ISO 32000-2 §12.8.5): an invisible signature field whose
 * dictionary is /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, and whose
 * /Contents is an RFC 3161 token over the digest of its ByteRange. Calling it
 * again re-time-stamps an LTA document (add a DSS for the previous TSA first).
 */
export async function addDocumentTimestamp(
  source: ByteSource,
  sink: PdfSink,
  timeStamper: TimeStamper,
  options: DocumentTimestampOptions = {},
): Promise<void> {
  const hash = options.hash ?? 'sha256';
  await withRoomForContents(sink, options.contentsSize, async (contentsSize) => {
    const placeholder = await appendSignatureRevision(
      source,
      sink,
      contentsSize ?? 16 * 1024,
      async (edits, sig) => {
        await placeSignature(edits, sig, {
          fieldName: options.fieldName ?? (await freshFieldName(edits, 'DocTimeStamp')),
        });
        return pdfDict({
          Type: pdfName('DocTimeStamp'),
          Filter: pdfName('Adobe.PPKLite'),
          SubFilter: pdfName('ETSI.RFC3161'),
        });
      },
      hash,
    );
    await patchContents(sink, placeholder, tokenFrom(await timeStamper(placeholder.digest!, hash)));
  });
}
