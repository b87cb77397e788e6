/**
 * A minimal writer of POSIX ustar archives (POSIX.1-1988 / IEEE Std 1003.1 "pax" §ustar
 * interchange format): regular files only, one 512-byte header each, the content padded to
 * a multiple of 512, and two zero blocks at the end. The content is not held here: the
 * caller writes the header, streams the bytes, then the padding, so an archive of any size
 * passes through in constant memory.
 */

/** The tar block size. */
export const tarBlock = 512;

/** The largest file ustar's 11 octal digits of size can say (8 GiB - 1). */
export const maxTarFileSize = 0o77777777777;

function field(header: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new RangeError(`tar: ${JSON.stringify(text)} does not fit ${length} bytes`);
  bytes.copy(header, offset);
}

const octal = (value: number, digits: number): string => `${value.toString(8).padStart(digits, '0')}\0`;

/** `path` split into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a `/`. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
    const prefix = path.slice(0, at);
    const name = path.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { prefix, name };
  }
  throw new RangeError(`tar: the path ${JSON.stringify(path)} is too long for ustar`);
}

/** The ustar header of a regular file at `path` (relative, `/`-separated) of `size` bytes. */
export function tarHeader(path: string, size: number, mtime: Date): Buffer {
  if (!Number.isSafeInteger(size) || size < 0 || size > maxTarFileSize)
    throw new RangeError(`tar: a file of ${size} bytes does not fit ustar`);
  const header = Buffer.alloc(tarBlock);
  const { prefix, name } = splitPath(path);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(0o644, 7));
  field(header, 108, 8, octal(0, 7));
  field(header, 116, 8, octal(0, 7));
  field(header, 124, 12, octal(size, 11));
  field(header, 136, 12, octal(Math.max(0, Math.floor(mtime.getTime() / 1000)), 11));
  field(header, 148, 8, '        ');
  field(header, 156, 1, '0');
  field(header, 257, 6, 'ustar\0');
  field(header, 263, 2, '00');
  field(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The zero bytes that complete a file of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((tarBlock - (size % tarBlock)) % tarBlock);
}

/** A whole small file: header, bytes and padding. */
export function tarFile(path: string, content: Buffer, mtime: Date): Buffer {
  return Buffer.concat([tarHeader(path, content.length, mtime), content, tarPadding(content.length)]);
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * tarBlock);
}
