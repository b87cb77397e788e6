/**
 * The printable register book (sổ đăng ký văn bản đi) judged from outside: qpdf accepts its
 * structure, pdftotext extracts the Vietnamese text with its diacritics, pdffonts finds the
 * embedded subset; long registers run over several pages; a character the font lacks
 * prints as `?` rather than refusing the book. Through the route: the caller's office only.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerBook } from '../src/registers/register-book.ts';
import type { RegisterEntry } from '../src/registers/register-entry.ts';
import { intakeForFile } from './support.ts';
import { callerOf, issueFlow, request, seedRegisterOffices } from './register-support.ts';
import { readFile } from 'node:fs/promises';
import { decodePng } from '@lienthong/pdf';
import { pdffonts, pdftoppm, pdftotext, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';

const at = new Date('2026-03-02T02:00:00Z');
const entry = (number: number, overrides: Partial<RegisterEntry> = {}): RegisterEntry => ({
  office: 'VPTU-A',
  register: 'outgoing',
  series: 'CT',
  period: '2026',
  number,
  documentId: '00000000-0000-4000-8000-000000000000',
  symbol: `${String(number).padStart(2, '0')}-CT/VPTU`,
  documentType: 'CT',
  subject: `Chỉ thị về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống tham nhũng, lãng phí, tiêu cực số ${number}`,
  date: at,
  state: 'issued',
  reservedBy: 'person:van-thu',
  reservedAt: at,
  issuedBy: 'person:van-thu',
  issuedAt: at,
  signer: 'Nguyễn Thị Hồng Nhung',
  recipients: 'Các huyện ủy, thị ủy, thành ủy trực thuộc; lưu Văn phòng',
  note: null,
  cancellation: null,
  ...overrides,
});

const dir = t.testdir({});
const judge = async (bytes: Uint8Array, name: string) => {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return { file, check: await qpdfCheck(file), text: (await pdftotext(file)).text };
};

await t.test(
  'qpdf accepts it; pdftotext reads the Vietnamese back',
  { skip: skipUnless('qpdf', 'pdftotext', 'pdffonts', 'pdftoppm') },
  async (t) => {
    const entries = Array.from({ length: 60 }, (_, i) => entry(i + 1));
    entries[1] = entry(2, {
      state: 'cancelled',
      cancellation: { reason: 'Ban hành nhầm đối tượng', by: 'person:van-thu', at },
    });
    entries[2] = entry(3, { state: 'reserved', issuedBy: null, issuedAt: null, signer: null, recipients: null });
    entries[3] = entry(4, { subject: 'Chỉ thị 中文 ✓ \u{1F600}' });
    const pdf = registerBook(entries, {
      officeName: 'Văn phòng Tỉnh ủy An Giang',
      scope: 'Sổ CT, năm 2026',
      printedAt: at,
    });
    t.equal(Buffer.from(pdf.subarray(0, 8)).toString('latin1'), '%PDF-1.7');
    const { file, check, text } = await judge(pdf, 'book.pdf');
    t.ok(check.ok, check.output);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      'SỔ ĐĂNG KÝ VĂN BẢN ĐI',
      'Văn phòng Tỉnh ủy An Giang — Sổ CT, năm 2026',
      'Số',
      'Ngày',
      'Ký hiệu',
      'Trích yếu',
      'Người ký',
      'Nơi nhận',
      'Ghi chú',
      '01-CT/VPTU',
      '60-CT/VPTU',
      '02/03/2026',
      'Nguyễn Thị Hồng Nhung',
      'Đã hủy. Ban hành nhầm',
      'Đã lấy số, chưa ban hành',
      'Chỉ thị ?? ? ?',
    ])
      t.ok(flat.includes(expected), `extracts "${expected}"`);
    t.match(flat, /tăng cường sự lãnh đạo của Đảng/);
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    t.ok(pages.length >= 3, `60 entries run over ${pages.length} pages`);
    t.match(pages.at(-1)!, new RegExp(`Trang ${pages.length}/${pages.length}`));
    t.ok(
      pages.every((p) => p.includes('Trích yếu')),
      'the column heads on every page',
    );
    // Rendered: the title's band (top 60 pt of 595) and the first rows hold dark ink.
    const png = decodePng(
      new Uint8Array(await readFile(await pdftoppm(file, join(dir, 'page1'), { format: 'png', resolution: 72 }))),
    );
    const dark = (y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++)
        for (let x = 0; x < png.width; x++) if ((png.pixels[(y * png.width + x) * png.channels] ?? 255) < 100) n++;
      return n;
    };
    t.equal(png.width, 842, 'A4 landscape');
    t.ok(dark(30, 60) > 200, 'the title is drawn');
    t.ok(dark(120, 300) > 1000, 'the rows are drawn');
    const fonts = await pdffonts(file);
    t.ok(fonts.fonts.length >= 2 && fonts.fonts.every((f) => f.embedded && f.subset), fonts.output);
  },
);

await t.test('an empty register still prints its book', { skip: skipUnless('qpdf', 'pdftotext') }, async (t) => {
  const { check, text } = await judge(
    registerBook([], { officeName: 'Huyện ủy Hồng Dân', scope: '', printedAt: at }),
    'empty.pdf',
  );
  t.ok(check.ok, check.output);
  t.match(text, /Không có văn bản/);
  t.match(text, /Huyện ủy Hồng Dân/);
});

await t.test(
  'through the route: the caller’s office’s book only; wrong role 403',
  { skip: skipUnless('pdftotext') },
  async (t) => {
    const { app, pool } = await intakeForFile(t);
    await seedRegisterOffices(pool);
    await issueFlow(pool, request('VPTU-A', 'CT', { date: at, subject: 'Chỉ thị về công tác đảng viên' }));
    await issueFlow(pool, request('TU-B', 'CT', { date: at, subject: 'Chỉ thị riêng của Bạc Liêu' }));
    const res = await app.inject({
      method: 'GET',
      url: '/v1/registers/outgoing.pdf?period=2026',
      headers: callerOf('VPTU-A', 'registry'),
    });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'application/pdf');
    const { text } = await judge(res.rawPayload, 'route.pdf');
    t.match(text, /Văn phòng Tỉnh ủy An Giang — năm 2026/);
    t.match(text, /Chỉ thị về công tác đảng viên/);
    t.notMatch(text, /Bạc Liêu/);
    const refused = await app.inject({
      method: 'GET',
      url: '/v1/registers/outgoing.pdf',
      headers: callerOf('VPTU-A', 'signer'),
    });
    t.equal(refused.statusCode, 403);
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/registers/outgoing.pdf?period=x',
      headers: callerOf('VPTU-A', 'registry'),
    });
    t.equal(bad.statusCode, 400);
  },
);
