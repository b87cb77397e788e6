/**
 * The printable outgoing register book (sổ đăng ký văn bản đi): an A4 landscape PDF with
 * the columns of Party practice — số, ngày, ký hiệu, trích yếu, người ký, nơi nhận, ghi chú
 * — in an embedded subset of Noto Sans (libs/pdf's appearance fonts), so Vietnamese renders
 * and extracts (copy, pdftotext). A new file written from scratch (ISO 32000-1 §7.5: header,
 * objects, cross-reference table, trailer); text that wraps stays in its column, and rows
 * never split across pages.
 */
import { deflateSync } from 'node:zlib';
import { createFontResource, measureText, openFontProgram, vietnameseFonts, wrapText } from '@lienthong/pdf';
import type { FontProgram, FontResource, SerializedObject } from '@lienthong/pdf';
import { localDay } from './register-csv.ts';
import type { RegisterEntry } from './register-entry.ts';

/** What the book's title page part says. */
export interface BookHeading {
  /** The office's legal name (tên cơ quan). */
  officeName: string;
  /** Which part: "Sổ CT, năm 2026", or "" for all of it. */
  scope: string;
  /** When it was printed. */
  printedAt: Date;
}

const page = { width: 842, height: 595, margin: 36 };
const size = { title: 14, heading: 9, cell: 8.5 };
const leading = 1.3;
const padding = 3;
const columns: { title: string; width: number }[] = [
  { title: 'Số', width: 40 },
  { title: 'Ngày', width: 62 },
  { title: 'Ký hiệu', width: 90 },
  { title: 'Trích yếu', width: 250 },
  { title: 'Người ký', width: 90 },
  { title: 'Nơi nhận', width: 128 },
  { title: 'Ghi chú', width: 110 },
];

const stateNotes: Record<RegisterEntry['state'], string> = {
  reserved: 'Đã lấy số, chưa ban hành',
  issued: '',
  cancelled: 'Đã hủy',
};

/** A character the font lacks is printed `?`: one odd subject must not keep the whole book from printing. */
function printable(program: FontProgram, text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    const ok = cp >= 0x20 && program.font.hasGlyphForCodePoint(cp) && program.font.glyphForCodePoint(cp).id !== 0;
    out += ok ? ch : '?';
  }
  return out;
}

function cellsOf(e: RegisterEntry): string[] {
  const note = [stateNotes[e.state], e.cancellation?.reason ?? '', e.note ?? ''].filter((x) => x !== '').join('. ');
  return [String(e.number), localDay(e.date), e.symbol, e.subject, e.signer ?? '', e.recipients ?? '', note];
}

interface Row {
  lines: string[][];
  height: number;
  bold: boolean;
}

function layoutRow(program: FontProgram, cells: string[], fontSize: number, bold: boolean): Row {
  const lines = cells.map((cell, i) => {
    const text = printable(program, cell);
    return text === '' ? [] : wrapText(program, text, fontSize, columns[i]!.width - 2 * padding);
  });
  const count = Math.max(1, ...lines.map((l) => l.length));
  return { lines, height: count * fontSize * leading + 2 * padding, bold };
}

/** Draws text: the font's hex string at (x, y) (a baseline). */
const text = (font: FontResource, fontSize: number, x: number, y: number, value: string): string =>
  `BT /${font.name} ${fontSize} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td ${font.encode(value)} Tj ET\n`;

/** Noto Sans Regular and Bold, opened once by libs/pdf. */
function bookFonts(): { regular: FontProgram; bold: FontProgram } {
  const fonts = vietnameseFonts();
  const open = (f: Uint8Array | FontProgram) => (f instanceof Uint8Array ? openFontProgram(f) : f);
  return { regular: open(fonts.regular), bold: open(fonts.bold ?? fonts.regular) };
}

/** The register book as a PDF file. */
export function registerBook(entries: readonly RegisterEntry[], heading: BookHeading): Uint8Array {
  const fonts = bookFonts();
  const title = 'SỔ ĐĂNG KÝ VĂN BẢN ĐI';
  const subtitle = printable(fonts.regular, [heading.officeName, heading.scope].filter((x) => x !== '').join(' — '));
  const printed = `In ngày ${localDay(heading.printedAt)}. Trang`;
  const headerRow = layoutRow(
    fonts.bold,
    columns.map((c) => c.title),
    size.heading,
    true,
  );
  const rows = entries.map((e) => layoutRow(fonts.regular, cellsOf(e), size.cell, false));
  if (rows.length === 0)
    rows.push(layoutRow(fonts.regular, ['', '', '', 'Không có văn bản', '', '', ''], size.cell, false));

  // Pages: the title block on the first, the column heads on each, rows never split.
  const tableTop = (first: boolean) => page.height - page.margin - (first ? 52 : 0) - 14;
  const pages: Row[][] = [[]];
  let y = tableTop(true) - headerRow.height;
  for (const row of rows) {
    if (y - row.height < page.margin && pages.at(-1)!.length > 0) {
      pages.push([]);
      y = tableTop(false) - headerRow.height;
    }
    pages.at(-1)!.push(row);
    y -= row.height;
  }
  const footers = pages.map((_, i) => `${printed} ${i + 1}/${pages.length}`);

  let next = 1;
  const alloc = () => next++;
  const [catalog, pagesNum, info] = [alloc(), alloc(), alloc()];
  const allText = [...rows, headerRow].flatMap((r) => r.lines.flat());
  const regular = createFontResource(fonts.regular, [...allText, ...footers, subtitle, '0123456789?'], alloc);
  const bold = createFontResource(fonts.bold, [title, ...columns.map((c) => c.title)], alloc);
  const objects: SerializedObject[] = [...regular.objects, ...bold.objects];
  const pageNums: number[] = [];

  pages.forEach((pageRows, index) => {
    let ops = '0 0 0 RG 0.5 w\n';
    let top = page.height - page.margin;
    if (index === 0) {
      const titleWidth = measureText(fonts.bold, title, size.title);
      ops += text(bold, size.title, (page.width - titleWidth) / 2, top - size.title, title);
      if (subtitle !== '') {
        const w = measureText(fonts.regular, subtitle, 10);
        ops += text(regular, 10, (page.width - w) / 2, top - size.title - 18, subtitle);
      }
      top -= 52;
    }
    top -= 14;
    for (const row of [headerRow, ...pageRows]) {
      const font = row.bold ? bold : regular;
      const fontSize = row.bold ? size.heading : size.cell;
      let x = page.margin;
      row.lines.forEach((cellLines, i) => {
        cellLines.forEach((line, n) => {
          ops += text(font, fontSize, x + padding, top - padding - fontSize * (n + 1) * leading + fontSize * 0.3, line);
        });
        ops += `${x.toFixed(2)} ${(top - row.height).toFixed(2)} ${columns[i]!.width} ${row.height.toFixed(2)} re S\n`;
        x += columns[i]!.width;
      });
      top -= row.height;
    }
    ops += text(regular, 8, page.margin, page.margin - 16, footers[index]!);
    const content = alloc();
    objects.push({ num: content, body: streamBody('/Filter /FlateDecode', deflateSync(Buffer.from(ops, 'latin1'))) });
    const pageNum = alloc();
    pageNums.push(pageNum);
    objects.push({
      num: pageNum,
      body: ascii(
        `<< /Type /Page /Parent ${pagesNum} 0 R /MediaBox [0 0 ${page.width} ${page.height}] ` +
          `/Resources << /Font << /${regular.name} ${regular.num} 0 R /${bold.name} ${bold.num} 0 R >> >> ` +
          `/Contents ${content} 0 R >>`,
      ),
    });
  });
  objects.push({ num: catalog, body: ascii(`<< /Type /Catalog /Pages ${pagesNum} 0 R /Lang (vi-VN) >>`) });
  objects.push({
    num: pagesNum,
    body: ascii(`<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageNums.length} >>`),
  });
  objects.push({
    num: info,
    body: ascii(`<< /Title ${utf16Hex(`${title} — ${heading.officeName}`)} /Producer (lienthong intake) >>`),
  });
  return pdfFile(objects, next, catalog, info);
}

function ascii(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

function streamBody(dict: string, data: Uint8Array): Uint8Array {
  return Buffer.concat([ascii(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, ascii('\nendstream')]);
}

/** A text string (§7.9.2.2) in UTF-16BE with its byte order mark, hex. */
function utf16Hex(text: string): string {
  const value = text.normalize('NFC');
  const units = Array.from({ length: value.length }, (_, i) => value.charCodeAt(i).toString(16).padStart(4, '0'));
  return `<FEFF${units.join('').toUpperCase()}>`;
}

/** Header, objects in number order, the cross-reference table and the trailer (§7.5). */
function pdfFile(objects: readonly SerializedObject[], size: number, root: number, info: number): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets = new Map<number, number>();
  for (const object of [...objects].sort((a, b) => a.num - b.num)) {
    offsets.set(object.num, offset);
    const chunk = Buffer.concat([ascii(`${object.num} 0 obj\n`), object.body, ascii('\nendobj\n')]);
    parts.push(chunk);
    offset += chunk.length;
  }
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) xref += `${String(offsets.get(n) ?? 0).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${size} /Root ${root} 0 R /Info ${info} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(ascii(xref));
  return Buffer.concat(parts);
}
