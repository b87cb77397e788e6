import { StorageError } from './errors.ts';

/**
 * Checks the shape of an inclusive byte range (RFC 9110 §14.1.2): integers, `0 <= start <= end`.
 * A range whose start lies past the end of the object is refused later by the store with
 * `INVALID_RANGE` (HTTP 416); an end past the object is cut to its last byte, as in HTTP.
 */
export function assertRangeShape(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StorageError('INVALID_RANGE', `invalid byte range ${start}-${end}`);
  }
}

/** The range for an object of `size` bytes with the end cut to its last byte; throws `INVALID_RANGE` when start is past it. */
export function fitRange(range: { start: number; end: number }, size: number): { start: number; end: number } {
  assertRangeShape(range);
  if (range.start >= size) {
    throw new StorageError('INVALID_RANGE', `range starts at ${range.start} but the object has ${size} bytes`);
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}
