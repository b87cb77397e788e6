import type { PdfDocument, PdfObject } from '@lienthong/pdf';

const MAX_COMPARED_STREAM = 16 * 1024 * 1024;

/** Structural equality of two direct values; references are equal when they name the same object (not resolved). */
export function sameValue(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 100) return false;
  if (a === undefined || a === null || typeof a !== 'object' || b === undefined || b === null || typeof b !== 'object')
    return a === b;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'name':
      return b.kind === 'name' && a.name === b.name;
    case 'string':
      return b.kind === 'string' && Buffer.compare(a.bytes, b.bytes) === 0;
    case 'ref':
      return b.kind === 'ref' && a.num === b.num && a.gen === b.gen;
    case 'array':
      return (
        b.kind === 'array' &&
        a.items.length === b.items.length &&
        a.items.every((x, i) => sameValue(x, b.items[i], depth + 1))
      );
    case 'dict':
      if (b.kind !== 'dict' || a.entries.size !== b.entries.size) return false;
      for (const [k, v] of a.entries) if (!b.entries.has(k) || !sameValue(v, b.entries.get(k), depth + 1)) return false;
      return true;
    case 'stream':
      // Stream data is compared by sameObject, which can read it.
      return b.kind === 'stream' && sameValue(a.dict, b.dict, depth + 1);
  }
}

/** Equality of an object as two revisions hold it, stream data included (bounded; a huge stream counts as changed). */
export async function sameObject(
  oldDoc: PdfDocument,
  newDoc: PdfDocument,
  a: PdfObject,
  b: PdfObject,
): Promise<boolean> {
  if (!sameValue(a, b)) return false;
  if (
    a === null ||
    typeof a !== 'object' ||
    a.kind !== 'stream' ||
    b === null ||
    typeof b !== 'object' ||
    b.kind !== 'stream'
  )
    return true;
  const la = a.data?.length ?? a.location?.length ?? 0;
  const lb = b.data?.length ?? b.location?.length ?? 0;
  if (la !== lb || la > MAX_COMPARED_STREAM) return false;
  if (a.location !== undefined && b.location !== undefined && a.location.offset === b.location.offset) return true;
  return (
    Buffer.compare(
      await oldDoc.streamBytes(a, MAX_COMPARED_STREAM),
      await newDoc.streamBytes(b, MAX_COMPARED_STREAM),
    ) === 0
  );
}
