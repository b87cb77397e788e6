// A minimal PDF writer for tests: the appearance objects, one page whose
// content draws XObjects, a catalog, a classic xref table and a trailer.
import type { SerializedObject } from '../../../src/appearance/index.ts';

export interface Placement {
  name: string;
  xobject: number;
  x: number;
  y: number;
}

export interface MiniPdfOptions {
  objects: SerializedObject[];
  placements: Placement[];
  /** Extra objects numbered by the caller (widgets, AcroForm) and extra catalog/page entries. */
  pageExtra?: string;
  catalogExtra?: string;
  next: number;
  pageWidth?: number;
  pageHeight?: number;
}

/** Builds the file; the catalog, pages, page and content take the numbers from `next` on. */
export function writeMiniPdf(o: MiniPdfOptions): Uint8Array {
  const enc = new TextEncoder();
  const [catalog, pages, page, contents] = [o.next, o.next + 1, o.next + 2, o.next + 3];
  const draw = o.placements.map((p) => `q 1 0 0 1 ${p.x} ${p.y} cm /${p.name} Do Q`).join('\n');
  const xobjects = o.placements.map((p) => `/${p.name} ${p.xobject} 0 R`).join(' ');
  const all: SerializedObject[] = [
    ...o.objects,
    { num: catalog, body: enc.encode(`<< /Type /Catalog /Pages ${pages} 0 R ${o.catalogExtra ?? ''}>>`) },
    { num: pages, body: enc.encode(`<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`) },
    {
      num: page,
      body: enc.encode(
        `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 ${o.pageWidth ?? 595} ${o.pageHeight ?? 842}] ` +
          `/Resources << /XObject << ${xobjects} >> >> /Contents ${contents} 0 R ${o.pageExtra ?? ''}>>`,
      ),
    },
    { num: contents, body: enc.encode(`<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`) },
  ];
  const parts: Uint8Array[] = [enc.encode('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n')];
  let offset = parts[0]?.length ?? 0;
  const offsets = new Map<number, number>();
  for (const obj of all) {
    offsets.set(obj.num, offset);
    for (const piece of [enc.encode(`${obj.num} 0 obj\n`), obj.body, enc.encode('\nendobj\n')]) {
      parts.push(piece);
      offset += piece.length;
    }
  }
  const size = Math.max(...all.map((x) => x.num)) + 1;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) {
    const at = offsets.get(n);
    xref += at === undefined ? '0000000000 65535 f \n' : `${String(at).padStart(10, '0')} 00000 n \n`;
  }
  parts.push(enc.encode(`${xref}trailer\n<< /Size ${size} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** Object numbers 1, 2, 3, … */
export function counter(start = 1): { alloc: () => number; peek: () => number } {
  let n = start;
  return { alloc: () => n++, peek: () => n };
}
