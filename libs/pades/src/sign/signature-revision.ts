import { createHash, type Hash } from 'node:crypto';
import {
  PdfDocument,
  PdfError,
  pdfRef,
  type PdfDict,
  type PdfRef,
  copySource,
  forEachChunk,
  type ByteSource,
  type PdfSink,
  appendUpdate,
  endsWithEol,
  IncrementalUpdate,
} from '@lienthong/pdf';
import type { HashName } from '@lienthong/pki';
import { Edits } from './edits.ts';
import { placeByteRange, signatureDictionaryBody, type Placeholder } from './placeholder.ts';

/**
 * Brings the document into the sink: copies `source` in chunks, or nothing
 * when the source is the sink itself (appending to a file in place).
 */
export async function openInSink(source: ByteSource, sink: PdfSink, hash?: Hash): Promise<PdfDocument> {
  if (source !== sink) {
    if (sink.size !== 0) throw new PdfError('PDF_INVALID_ARGUMENT', 'The sink must be empty, or be the source itself.');
    await copySource(source, sink, hash === undefined ? undefined : (chunk) => void hash.update(chunk));
  } else if (hash !== undefined) await forEachChunk(sink, 0, sink.size, (chunk) => void hash.update(chunk));
  return PdfDocument.open(sink);
}

/** Appends one incremental update made by `edit` to the document in the sink. */
export async function appendRevision(
  source: ByteSource,
  sink: PdfSink,
  edit: (edits: Edits) => Promise<void>,
): Promise<void> {
  const doc = await openInSink(source, sink);
  const update = new IncrementalUpdate(doc);
  const edits = new Edits(doc, update);
  await edit(edits);
  edits.flush();
  await appendUpdate(update, sink);
}

/** Where a new signature's placeholder is; with `digest`, the digest of its /ByteRange. */
export interface SignatureRevision extends Placeholder {
  /** The ByteRange digest, when a hash was asked for. */
  readonly digest?: Uint8Array;
}

/**
 * Appends a revision holding a new signature dictionary (ISO 32000-1
 * §12.8.1) with a /Contents placeholder of `capacity` bytes; `edit` places
 * the signature (field, widget, /Perms) and returns the dictionary's other
 * entries. Returns where the placeholder is and the /ByteRange it got.
 * With `hash`, also the ByteRange digest, computed in the same pass: the
 * ByteRange starts at 0, so the original bytes are hashed as they are copied
 * and the new revision's from memory around /Contents; nothing is read back.
 */
export async function appendSignatureRevision(
  source: ByteSource,
  sink: PdfSink,
  capacity: number,
  edit: (edits: Edits, sig: PdfRef) => Promise<PdfDict>,
  hash?: HashName,
): Promise<SignatureRevision> {
  const h = hash === undefined ? undefined : createHash(hash);
  const doc = await openInSink(source, sink, h);
  const update = new IncrementalUpdate(doc);
  const edits = new Edits(doc, update);
  const num = update.allocate();
  const entries = await edit(edits, pdfRef(num));
  update.setRaw([{ num, body: signatureDictionaryBody(entries, capacity) }]);
  edits.flush();
  const built = update.build(sink.size, !(await endsWithEol(sink)));
  const placeholder = placeByteRange(built, num);
  await sink.append(built.bytes);
  if (sink.size !== built.base + built.bytes.length)
    throw new PdfError('PDF_INVALID_ARGUMENT', 'The signature revision must be the last bytes of the file.');
  if (h === undefined) return placeholder;
  const [, lt, gt] = placeholder.byteRange;
  h.update(built.bytes.subarray(0, lt - built.base));
  h.update(built.bytes.subarray(gt - built.base));
  return { ...placeholder, digest: h.digest() };
}
