/**
 * The draft of the demo directive that `npm start` signs: one A4 page in the layout of a
 * Party document (Hướng dẫn 36-HD/VPTW: heading, issuing body, place and date line, type
 * and subject, body, recipients), set in an embedded subset of Noto Sans so the Vietnamese
 * text renders and extracts correctly. Number and date stay empty: the registry stamps them.
 */
import { createFontResource, loadDefaultFonts, openFontProgram, type SerializedObject } from '@lienthong/pdf';

interface Line {
  text: string;
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  centre?: boolean;
}

const left = (x: number) => x;
const body = [
  'Để triển khai thực hiện có hiệu quả công tác chuyển đổi số trong các cơ quan đảng,',
  'Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng thực hiện tốt các nội dung sau:',
  '1. Văn bản điện tử được ký số, gửi và nhận qua hệ thống liên thông văn bản.',
  '2. Văn thư cơ quan đóng dấu số sau khi người có thẩm quyền đã ký.',
  '3. Hồ sơ, văn bản điện tử được lưu trữ theo đúng thời hạn bảo quản.',
];

function lines(): Line[] {
  return [
    { text: 'TỈNH ỦY DEMO', x: 130, y: 790, size: 12, bold: true, centre: true },
    { text: 'ĐẢNG CỘNG SẢN VIỆT NAM', x: 420, y: 790, size: 12, bold: true, centre: true },
    { text: '*', x: 130, y: 774, size: 10, centre: true },
    { text: 'CHỈ THỊ', x: 297, y: 660, size: 15, bold: true, centre: true },
    { text: 'về tăng cường chuyển đổi số trong các cơ quan đảng', x: 297, y: 640, size: 12, bold: true, centre: true },
    ...body.map((text, i) => ({ text, x: left(60), y: 600 - i * 20, size: 11 })),
    { text: 'Nơi nhận:', x: 60, y: 380, size: 10, bold: true },
    { text: '- Các huyện ủy, thành ủy trực thuộc,', x: 60, y: 366, size: 10 },
    { text: '- Lưu Văn phòng Tỉnh ủy.', x: 60, y: 352, size: 10 },
  ];
}

/** Builds the draft PDF (a classic xref table; ISO 32000-1 §7.5). */
export function buildDemoDirective(): Uint8Array {
  const fonts = loadDefaultFonts();
  let next = 1;
  const alloc = () => next++;
  const all = lines();
  const regular = createFontResource(
    openFontProgram(fonts.regular),
    all.filter((l) => l.bold !== true).map((l) => l.text),
    alloc,
  );
  const bold = createFontResource(
    openFontProgram(fonts.bold),
    all.filter((l) => l.bold === true).map((l) => l.text),
    alloc,
  );
  const content = all
    .map((l) => {
      const font = l.bold === true ? bold : regular;
      const x = l.centre === true ? l.x - font.widthOf(l.text, l.size) / 2 : l.x;
      return `BT /${font.name} ${l.size} Tf ${x.toFixed(2)} ${l.y} Td ${font.encode(l.text)} Tj ET`;
    })
    .join('\n');
  const [catalog, pages, page, contents] = [alloc(), alloc(), alloc(), alloc()];
  const enc = (s: string) => Buffer.from(s, 'latin1');
  const objects: SerializedObject[] = [
    ...regular.objects,
    ...bold.objects,
    { num: catalog, body: enc(`<< /Type /Catalog /Pages ${pages} 0 R >>`) },
    { num: pages, body: enc(`<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`) },
    {
      num: page,
      body: enc(
        `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /${regular.name} ${regular.num} 0 R /${bold.name} ${bold.num} 0 R >> >> /Contents ${contents} 0 R >>`,
      ),
    },
    { num: contents, body: enc(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`) },
  ];
  const parts: Buffer[] = [enc('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  for (const object of objects.sort((a, b) => a.num - b.num)) {
    offsets[object.num] = offset;
    for (const piece of [enc(`${object.num} 0 obj\n`), Buffer.from(object.body), enc('\nendobj\n')]) {
      parts.push(piece);
      offset += piece.length;
    }
  }
  let xref = `xref\n0 ${next}\n0000000000 65535 f\r\n`;
  for (let n = 1; n < next; n++) xref += `${String(offsets[n] ?? 0).padStart(10, '0')} 00000 n\r\n`;
  parts.push(enc(`${xref}trailer\n<< /Size ${next} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}
