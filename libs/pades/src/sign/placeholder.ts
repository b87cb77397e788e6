import {
  isPdfError,
  PdfError,
  indexOf,
  type PdfDict,
  serializeObject,
  type PdfSink,
  type BuiltUpdate,
} from '@lienthong/pdf';
import type { ByteRange } from './byte-range.ts';

const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 0000000000 0000000000 0000000000]';

/** Where a signature's /Contents placeholder sits in the file once its revision is written. */
export interface Placeholder {
  readonly byteRange: ByteRange;
  /** Absolute offset of the `<` that opens /Contents. */
  readonly contentsOffset: number;
  /** Bytes the placeholder can hold (its hex digits / 2). */
  readonly capacity: number;
}

/**
 * The body of a signature dictionary (ISO 32000-1 §12.8.1 Table 252) with a
 * fixed-width /ByteRange and a zero /Contents of `capacity` bytes, both first
 * so that no other value can be mistaken for them.
 */
export function signatureDictionaryBody(entries: PdfDict, capacity: number): Uint8Array {
  if (!Number.isSafeInteger(capacity) || capacity < 64 || capacity > 4 * 1024 * 1024)
    throw new PdfError('PDF_INVALID_ARGUMENT', `Contents size ${capacity}.`);
  const rest = serializeObject(entries).subarray(2);
  const head = Buffer.from(`<<${BYTE_RANGE_PLACEHOLDER}/Contents <`, 'latin1');
  const body = Buffer.allocUnsafe(head.length + capacity * 2 + 1 + rest.length);
  body.set(head, 0);
  body.fill(0x30, head.length, head.length + capacity * 2);
  body[head.length + capacity * 2] = 0x3e;
  body.set(rest, head.length + capacity * 2 + 1);
  return body;
}

/**
 * Finds the placeholder of signature object `num` in a built revision that
 * will be the last bytes of the file, computes the /ByteRange (everything but
 * the /Contents value, to the end of the file) and writes it into
 * `built.bytes` in place, before the revision is appended.
 */
export function placeByteRange(built: BuiltUpdate, num: number): Placeholder {
  const objectOffset = built.offsets.get(num);
  if (objectOffset === undefined) throw new PdfError('PDF_INVALID_ARGUMENT', `Object ${num} is not in the update.`);
  const rel = objectOffset - built.base;
  const brAt = indexOf(built.bytes, BYTE_RANGE_PLACEHOLDER, rel);
  const contentsAt = indexOf(built.bytes, '/Contents <', rel);
  if (brAt < 0 || contentsAt < 0)
    throw new PdfError('PDF_INVALID_ARGUMENT', `Object ${num} has no signature placeholder.`);
  const lt = built.base + contentsAt + '/Contents '.length;
  const gt = built.base + indexOf(built.bytes, '>', contentsAt + '/Contents <'.length) + 1;
  const end = built.base + built.bytes.length;
  const byteRange: ByteRange = [0, lt, gt, end - gt];
  let text = `/ByteRange [${byteRange.join(' ')}`;
  text = `${text.padEnd(BYTE_RANGE_PLACEHOLDER.length - 1, ' ')}]`;
  if (text.length !== BYTE_RANGE_PLACEHOLDER.length)
    throw new PdfError('PDF_LIMIT_EXCEEDED', 'File too large for the ByteRange placeholder.');
  built.bytes.set(Buffer.from(text, 'latin1'), brAt);
  return { byteRange, contentsOffset: lt, capacity: (gt - lt - 2) / 2 };
}

/** Writes the signature container into the /Contents placeholder, zero-padded (§12.8.1). */
export async function patchContents(sink: PdfSink, placeholder: Placeholder, container: Uint8Array): Promise<void> {
  if (container.length > placeholder.capacity) {
    throw new PdfError(
      'PDF_CONTENTS_TOO_SMALL',
      `Needs ${container.length} bytes, ${placeholder.capacity} reserved; raise contentsSize.`,
      { neededBytes: container.length },
    );
  }
  const hex = Buffer.alloc(placeholder.capacity * 2, 0x30);
  hex.write(
    Buffer.from(container.buffer, container.byteOffset, container.length).toString('hex').toUpperCase(),
    'latin1',
  );
  await sink.patch(placeholder.contentsOffset + 1, hex);
}

/**
 * Runs `attempt` with the reserved /Contents size `given` (undefined: the caller's estimate).
 * When the container outgrew an estimated placeholder (a time-stamp token bigger than
 * expected) and the sink can be cut back, the sink is cut back to where it was and `attempt`
 * runs once more with the room it needed. A size the caller chose is never second-guessed.
 */
export async function withRoomForContents<T>(
  sink: PdfSink,
  given: number | undefined,
  attempt: (contentsSize: number | undefined) => Promise<T>,
): Promise<T> {
  const start = sink.size;
  try {
    return await attempt(given);
  } catch (error) {
    if (
      given !== undefined ||
      sink.truncate === undefined ||
      !isPdfError(error, 'PDF_CONTENTS_TOO_SMALL') ||
      error.neededBytes === undefined
    )
      throw error;
    await sink.truncate(start);
    return attempt(error.neededBytes + 1024);
  }
}
