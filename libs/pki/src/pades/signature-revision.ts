import { PdfDocument } from '../pdf/document.ts';
import { PdfError } from '../pdf/errors.ts';
import { pdfRef, type PdfDict, type PdfRef } from '../pdf/objects.ts';
import { copySource, type ByteSource, type PdfSink } from '../pdf/source.ts';
import { appendUpdate, IncrementalUpdate } from '../pdf/writer.ts';
import { Edits } from './edits.ts';
import { fixByteRange, signatureDictionaryBody, type Placeholder } from './placeholder.ts';

/**
 * Brings the document into the sink: copies `source` in chunks, or nothing
 * when the source is the sink itself (appending to a file in place).
 */
export async function openInSink(source: ByteSource, sink: PdfSink): Promise<PdfDocument> {
  if (source !== sink) {
    if (sink.size !== 0) throw new PdfError('PDF_INVALID_ARGUMENT', 'The sink must be empty, or be the source itself.');
    await copySource(source, sink);
  }
  return PdfDocument.open(sink);
}

/** Appends one incremental update made by `edit` to the document in the sink. */
export async function appendRevision(source: ByteSource, sink: PdfSink, edit: (edits: Edits) => Promise<void>): Promise<void> {
  const doc = await openInSink(source, sink);
  const update = new IncrementalUpdate(doc);
  const edits = new Edits(doc, update);
  await edit(edits);
  edits.flush();
  await appendUpdate(update, sink);
}

/**
 * Appends a revision holding a new signature dictionary (ISO 32000-1
 * §12.8.1) with a /Contents placeholder of `capacity` bytes; `edit` places
 * the signature (field, widget, /Perms) and returns the dictionary's other
 * entries. Returns where the placeholder is and the /ByteRange it got.
 */
export async function appendSignatureRevision(source: ByteSource, sink: PdfSink, capacity: number, edit: (edits: Edits, sig: PdfRef) => Promise<PdfDict>): Promise<Placeholder> {
  const doc = await openInSink(source, sink);
  const update = new IncrementalUpdate(doc);
  const edits = new Edits(doc, update);
  const num = update.allocate();
  const entries = await edit(edits, pdfRef(num));
  update.setRaw([{ num, body: signatureDictionaryBody(entries, capacity) }]);
  edits.flush();
  const built = await appendUpdate(update, sink);
  return fixByteRange(sink, built, num);
}
