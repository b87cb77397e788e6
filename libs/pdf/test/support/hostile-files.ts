/**
 * The hostile inputs of issue 15 ("hostile files on a budget"), built small: an xref stream
 * claiming 8,000,000 rows in about 8 KB (zeros deflate about 1000:1), four such sections on
 * one /Prev chain, 150 form fields spread over five object streams that each inflate to
 * 60 MiB, a PNG whose header announces 4000×4000 16-bit RGBA; catalogs of millions of
 * numbers or empty dictionaries or arrays nested a million deep, and one 8 MiB string read as
 * 40 fields, all in object streams of tens of KB. Used by the tests
 * (libs/pdf/test/budgets.test.ts, hostile-child.ts) and by bench/pdf-hostile.bench.ts.
 */
import { deflateSync } from 'node:zlib';
import { encodePng } from '../../src/appearance/png-encode.ts';

export const MIB = 1024 * 1024;

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Plain objects 1–3 (catalog, pages, page) of a one-page document, with `catalogExtra` in the catalog. */
function skeleton(catalogExtra = ''): { parts: Buffer[]; offsets: number[]; at: number } {
  const parts = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  const offsets = [0];
  let at = parts[0]!.length;
  for (const body of [
    `<< /Type /Catalog /Pages 2 0 R${catalogExtra} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ]) {
    offsets.push(at);
    const b = latin1(`${offsets.length - 1} 0 obj\n${body}\nendobj\n`);
    parts.push(b);
    at += b.length;
  }
  return { parts, offsets, at };
}

/**
 * An xref stream whose /Size and /Index claim `rows` rows of /W [0 1 0] (type 1 by default,
 * a one-byte offset): rows 0–3 are real, the rest are zeros, so the data does hold every
 * row, and deflates to about rows / 1000 bytes. `sections` such streams are chained by /Prev
 * (each its own revision, ending in %%EOF).
 */
export function xrefRowsBomb(options: { rows?: number; sections?: number } = {}): Uint8Array {
  const rows = options.rows ?? 8_000_000;
  const sections = options.sections ?? 1;
  const { parts, offsets } = skeleton();
  let at = parts.reduce((n, p) => n + p.length, 0);
  if (offsets.some((o) => o > 255)) throw new Error('the skeleton outgrew one-byte offsets');
  const data = new Uint8Array(rows);
  for (let i = 1; i < offsets.length; i++) data[i] = offsets[i]!;
  const packed = deflateSync(data, { level: 9 });
  let prev: number | undefined;
  for (let s = 0; s < sections; s++) {
    const num = 4 + s;
    const dict =
      `<< /Type /XRef /Size ${rows} /Index [0 ${rows}] /W [0 1 0] /Root 1 0 R` +
      `${prev === undefined ? '' : ` /Prev ${prev}`} /Filter /FlateDecode /Length ${packed.length} >>`;
    const head = latin1(`${num} 0 obj\n${dict}\nstream\n`);
    const tail = latin1(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`);
    parts.push(head, packed, tail);
    prev = at;
    at += head.length + packed.length + tail.length;
  }
  return Buffer.concat(parts);
}

/**
 * `fields` text fields (/T f0, f1…) in `streams` object streams, field i in stream i mod
 * `streams`, each stream padded with zeros (PDF whitespace) to `inflated` bytes: a reader
 * walking the fields in order inflates a different stream for every field.
 */
export function objectStreamBomb(options: { fields?: number; streams?: number; inflated?: number } = {}): Uint8Array {
  const fields = options.fields ?? 150;
  const streams = options.streams ?? 5;
  const inflated = options.inflated ?? 60 * MIB;
  // Objects: 1 catalog, 2 pages, 3 page (plain); 4…4+streams-1 object streams; fields after them.
  const fieldNum = (i: number): number => 4 + streams + i;
  const refs = Array.from({ length: fields }, (_, i) => `${fieldNum(i)} 0 R`).join(' ');
  const { parts, offsets } = skeleton(` /AcroForm << /Fields [${refs}] >>`);
  let at = parts.reduce((n, p) => n + p.length, 0);
  const members: number[][] = Array.from({ length: streams }, () => []);
  for (let i = 0; i < fields; i++) members[i % streams]!.push(i);
  for (let s = 0; s < streams; s++) {
    const bodies = members[s]!.map((i) => `<< /FT /Tx /T (f${i}) /V (field ${i}) /Rect [0 0 0 0] >>`);
    let rel = 0;
    const pairs: string[] = [];
    for (const [k, b] of bodies.entries()) {
      pairs.push(`${fieldNum(members[s]![k]!)} ${rel}`);
      rel += b.length + 1;
    }
    const header = `${pairs.join(' ')}\n`;
    const content = latin1(header + bodies.join('\n') + '\n');
    const data = new Uint8Array(Math.max(inflated, content.length));
    data.set(content);
    const packed = deflateSync(data, { level: 9 });
    offsets.push(at);
    const head = latin1(
      `${4 + s} 0 obj\n<< /Type /ObjStm /N ${bodies.length} /First ${header.length} /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
    );
    const tail = latin1('\nendstream\nendobj\n');
    parts.push(head, packed, tail);
    at += head.length + packed.length + tail.length;
  }
  // The xref stream: /W [1 4 2]; rows 0 (free), 1–3 and the object streams (type 1), the fields (type 2).
  const size = fieldNum(fields) + 1;
  const xrefNum = fieldNum(fields);
  const rowsData = Buffer.alloc(size * 7);
  const row = (n: number, type: number, f2: number, f3: number): void => {
    rowsData[n * 7] = type;
    rowsData.writeUInt32BE(f2, n * 7 + 1);
    rowsData.writeUInt16BE(f3, n * 7 + 5);
  };
  row(0, 0, 0, 65535);
  for (let n = 1; n < 4 + streams; n++) row(n, 1, offsets[n]!, 0);
  for (let s = 0; s < streams; s++) members[s]!.forEach((i, k) => row(fieldNum(i), 2, 4 + s, k));
  row(xrefNum, 1, at, 0);
  const packed = deflateSync(rowsData);
  const head = latin1(
    `${xrefNum} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
  );
  parts.push(head, packed, latin1(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/**
 * A PNG whose IHDR says `width`×`height` RGBA at 16 bits (8 bytes a pixel) and whose IDAT is
 * a small zlib stream: `full` makes it inflate to exactly the rows announced (zeros, filter
 * None); otherwise it holds a single row.
 */
export function pngBomb(options: { width?: number; height?: number; full?: boolean } = {}): Uint8Array {
  const width = options.width ?? 4000;
  const height = options.height ?? 4000;
  const rowBytes = width * 8 + 1;
  const idat = deflateSync(Buffer.alloc(options.full === false ? rowBytes : rowBytes * height), { level: 9 });
  return encodePng({ width, height, colorType: 6, depth: 16, rows: new Uint8Array(0), idat });
}

/**
 * A one-page PDF whose catalog, stored in an object stream, ends in `/Junk` followed by
 * `junk` (the pieces of one value, concatenated): deflated, repetitive junk of tens of MB
 * makes a file of tens of KB.
 */
function catalogJunk(junk: readonly Buffer[]): Uint8Array {
  const parts: Buffer[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  const offsets: number[] = [0, 0];
  let at = parts[0]!.length;
  for (const [n, body] of [
    [2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'],
  ] as const) {
    offsets[n] = at;
    const b = latin1(`${n} 0 obj\n${body}\nendobj\n`);
    parts.push(b);
    at += b.length;
  }
  const header = '1 0\n';
  const content = Buffer.concat([latin1(`${header}<< /Type /Catalog /Pages 2 0 R /Junk `), ...junk, latin1(' >>\n')]);
  const packed = deflateSync(content, { level: 9 });
  offsets[4] = at;
  const head = latin1(
    `4 0 obj\n<< /Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
  );
  const tail = latin1('\nendstream\nendobj\n');
  parts.push(head, packed, tail);
  at += head.length + packed.length + tail.length;
  // The xref stream, /W [1 4 2]: 0 free, 1 in object stream 4, 2–4 plain, 5 itself.
  const rows = Buffer.alloc(6 * 7);
  const row = (n: number, type: number, f2: number, f3: number): void => {
    rows[n * 7] = type;
    rows.writeUInt32BE(f2, n * 7 + 1);
    rows.writeUInt16BE(f3, n * 7 + 5);
  };
  row(0, 0, 0, 65535);
  row(1, 2, 4, 0);
  for (const n of [2, 3, 4]) row(n, 1, offsets[n]!, 0);
  row(5, 1, at, 0);
  const packedRows = deflateSync(rows);
  parts.push(
    latin1(
      `5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length ${packedRows.length} >>\nstream\n`,
    ),
    packedRows,
    latin1(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

/** `[` then `count` copies of `item` in arrays of `chunk`, then `]`. */
function arrays(item: string, count: number, chunk: number): Buffer[] {
  const inner = Buffer.concat([latin1('['), Buffer.alloc(chunk * item.length, item), latin1('] ')]);
  return [latin1('['), ...Array.from({ length: Math.ceil(count / chunk) }, () => inner), latin1(']')];
}

/**
 * A one-page PDF whose catalog, stored in an object stream, holds `numbers` zeros in arrays
 * of `chunk` (/Junk [[0 0 …] [0 0 …] …]): within the decoded-bytes budget (2 bytes a number,
 * deflated about 1000:1), but every number is a parsed value: 15,000,000 of them (a 29 KB
 * file) cost 7.5 s and 512 MB of heap before `maxItems` counted them. In small arrays (the
 * default) the heap grows by small allocations; one flat array (`chunk` = `numbers`) grows
 * by copies of tens of MB.
 */
export function arrayBomb(numbers = 15_000_000, chunk = 1000): Uint8Array {
  return catalogJunk(arrays('0 ', numbers, chunk));
}

/**
 * Like {@link arrayBomb}, but `dicts` empty dictionaries (`<<>>`, 4 bytes each, about 235
 * bytes of heap each once parsed: a map apiece) in arrays of 1000: 5,000,000 of them are
 * 20 MB decoded, a 23 KB file.
 */
export function dictionaryBomb(dicts = 5_000_000): Uint8Array {
  return catalogJunk(arrays('<<>>', dicts, 1000));
}

/** Like {@link arrayBomb}, but one value nested `depth` arrays deep (`[[[…]]]`). */
export function depthBomb(depth = 1_000_000): Uint8Array {
  return catalogJunk([Buffer.alloc(depth, '['), Buffer.alloc(depth, ']')]);
}

/**
 * `fields` text fields that are all one dictionary holding a hex string of `bytes` zeros: the
 * object stream's header names field i at offset 0 and a never-read filler object at the
 * dictionary's end, so each field's bytes run from 0 to that end (§7.5.7 does not order the
 * offsets). A reader walking the fields parses the string once a field: 8 MiB a copy from a
 * file of tens of KB.
 */
export function stringAliasBomb(options: { fields?: number; bytes?: number } = {}): Uint8Array {
  const fields = options.fields ?? 40;
  const bytes = options.bytes ?? 8 * MIB;
  // Objects: 1 catalog, 2 pages, 3 page (plain); 4 the object stream; fields from 5, fillers after them.
  const refs = Array.from({ length: fields }, (_, i) => `${5 + i} 0 R`).join(' ');
  const { parts, offsets } = skeleton(` /AcroForm << /Fields [${refs}] >>`);
  let at = parts.reduce((n, p) => n + p.length, 0);
  const body = Buffer.concat([latin1('<< /FT /Tx /T (f) /V <'), Buffer.alloc(2 * bytes, '0'), latin1('> >>\n')]);
  const pairs = Array.from({ length: fields }, (_, i) => `${5 + i} 0 ${5 + fields + i} ${body.length}`);
  const header = `${pairs.join(' ')}\n`;
  const packed = deflateSync(Buffer.concat([latin1(header), body]), { level: 9 });
  offsets.push(at);
  const head = latin1(
    `4 0 obj\n<< /Type /ObjStm /N ${2 * fields} /First ${header.length} /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
  );
  const tail = latin1('\nendstream\nendobj\n');
  parts.push(head, packed, tail);
  at += head.length + packed.length + tail.length;
  // The xref stream, /W [1 4 2]: 0 free, 1–4 plain, the fields in object stream 4 (index 2i), then itself.
  const xrefNum = 5 + fields;
  const rows = Buffer.alloc((xrefNum + 1) * 7);
  const row = (n: number, type: number, f2: number, f3: number): void => {
    rows[n * 7] = type;
    rows.writeUInt32BE(f2, n * 7 + 1);
    rows.writeUInt16BE(f3, n * 7 + 5);
  };
  row(0, 0, 0, 65535);
  for (let n = 1; n <= 4; n++) row(n, 1, offsets[n]!, 0);
  for (let i = 0; i < fields; i++) row(5 + i, 2, 4, 2 * i);
  row(xrefNum, 1, at, 0);
  const packedRows = deflateSync(rows);
  parts.push(
    latin1(
      `${xrefNum} 0 obj\n<< /Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length ${packedRows.length} >>\nstream\n`,
    ),
    packedRows,
    latin1(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}
