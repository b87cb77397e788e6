/**
 * The one byte range of an HTTP `Range` request (RFC 9110 §14.2) that the archive serves:
 * `bytes=a-b`, `bytes=a-` or `bytes=-n`. Several ranges are not served as multipart: the
 * header is ignored and the whole object sent (§14.2 lets a server ignore Range). Anything
 * else in the header (another unit, no digits, `b < a`) and any range outside the object is
 * unsatisfiable (416 with `Content-Range: bytes *∕size`).
 */

/** What a request's `Range` asks of an object of `size` bytes. */
export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable'; why: string };

// At most 15 digits: every offset stays a safe integer.
const spec = /^(?:([0-9]{1,15})-([0-9]{1,15})?|-([0-9]{1,15}))$/;

/** The inclusive range `header` asks of an object of `size` bytes (undefined: the whole object). */
export function parseByteRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const match = /^bytes=(.*)$/i.exec(header.trim());
  if (match === null) return { kind: 'unsatisfiable', why: 'the Range header is not bytes=…' };
  const specs = match[1]!.split(',').map((s) => s.trim());
  if (specs.length > 1) return { kind: 'full' };
  const parts = spec.exec(specs[0]!);
  if (parts === null) return { kind: 'unsatisfiable', why: `the range ${JSON.stringify(specs[0])} is malformed` };
  if (parts[3] !== undefined) {
    const suffix = Number(parts[3]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable', why: 'an empty suffix range' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(parts[1]);
  const end = parts[2] === undefined ? size - 1 : Number(parts[2]);
  if (end < start) return { kind: 'unsatisfiable', why: 'the range ends before it starts' };
  if (start >= size)
    return { kind: 'unsatisfiable', why: `the range starts at ${start}, the object has ${size} bytes` };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
