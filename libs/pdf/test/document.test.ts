// Reading pdf-lib files (classic xref, xref and object streams), incremental
// updates of the same xref kind, and qpdf's view of what we append.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  appendUpdate,
  copySource,
  IncrementalUpdate,
  listFields,
  listPages,
  memorySink,
  memorySource,
  pdfDict,
  pdfName,
  pdfString,
  PdfDocument,
} from '../src/index.ts';
import { fixturePdf } from './fixtures.ts';
import { hasTool, qpdfCheck, runTool, skipUnless } from '../../../test/support/judges.ts';

const dir = mkdtempSync(join(tmpdir(), 'pdf-doc-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

for (const useObjectStreams of [true, false]) {
  void t.test(`pdf-lib file with useObjectStreams=${useObjectStreams}`, async (t) => {
    const bytes = await fixturePdf({ pages: 3, useObjectStreams });
    const doc = await PdfDocument.open(memorySource(bytes));
    t.equal(doc.lastSection.kind, useObjectStreams ? 'stream' : 'table');
    t.equal(doc.revisions.length, 1);
    t.equal(doc.revisions[0]!.eof, bytes.length - (bytes[bytes.length - 1] === 0x0a ? 1 : 0));
    const pages = await listPages(doc);
    t.equal(pages.length, 3);
    t.same(await listFields(doc), []);
    if (useObjectStreams)
      t.ok(
        [...doc.entries.values()].some((e) => e.type === 'compressed'),
        'some objects sit in object streams',
      );

    const sink = memorySink();
    await copySource(doc.source, sink);
    const update = new IncrementalUpdate(doc);
    const num = update.allocate();
    update.set(num, pdfDict({ Type: pdfName('Test'), Title: pdfString('Bản sao') }));
    const { ref } = await doc.catalog();
    const catalog = await doc.resolveDict(ref);
    const changed = pdfDict();
    for (const [k, v] of catalog!.entries) changed.entries.set(k, v);
    changed.entries.set('LtTest', { kind: 'ref', num, gen: 0 });
    update.set(ref.num, changed);
    await appendUpdate(update, sink);
    const out = sink.bytes();
    t.same(out.subarray(0, bytes.length), bytes, 'the original bytes are untouched');

    const again = await PdfDocument.open(memorySource(out));
    t.equal(again.revisions.length, 2);
    t.equal(again.lastSection.kind, doc.lastSection.kind, 'same xref kind as before');
    t.same(again.trailer.entries.get('ID'), doc.trailer.entries.get('ID'), '/ID kept');
    t.equal(again.trailer.entries.get('Prev'), doc.lastSection.offset);
    const added = await again.resolveDict((await again.catalog()).dict.entries.get('LtTest'));
    t.ok(added?.entries.has('Title'));
    t.equal((await listPages(again)).length, 3);
    if (hasTool('qpdf')) {
      const file = join(dir, `upd-${useObjectStreams}.pdf`);
      writeFileSync(file, out);
      const r = await qpdfCheck(file);
      t.ok(r.ok, r.output);
    }
  });
}

void t.test('hybrid file: /XRefStm entries are read', async (t) => {
  // A table that lists object 1 as free and a hidden xref stream that gives its offset.
  const parts: string[] = ['%PDF-1.5\n'];
  const off: number[] = [];
  const add = (s: string): void => {
    off.push(parts.join('').length);
    parts.push(s);
  };
  add('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
  add('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n');
  add('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>\nendobj\n');
  const row = (o: number): string => `01${o.toString(16).padStart(4, '0')}00`;
  const data = Buffer.from(row(off[0]!), 'hex');
  const stmOffset = parts.join('').length;
  parts.push(`4 0 obj\n<< /Type /XRef /W [1 2 1] /Index [1 1] /Size 5 /Length ${data.length} >>\nstream\n`);
  const head = Buffer.from(parts.join(''), 'latin1');
  const tableOffset = head.length + data.length + '\nendstream\nendobj\n'.length;
  const table = `xref\n0 5\n0000000000 65535 f\r\n0000000000 00000 f\r\n${String(off[1]).padStart(10, '0')} 00000 n\r\n${String(off[2]).padStart(10, '0')} 00000 n\r\n${String(stmOffset).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size 5 /Root 1 0 R /XRefStm ${stmOffset} >>\nstartxref\n${tableOffset}\n%%EOF\n`;
  const file = Buffer.concat([head, data, Buffer.from('\nendstream\nendobj\n' + table, 'latin1')]);
  const doc = await PdfDocument.open(memorySource(file));
  t.equal(doc.lastSection.kind, 'table');
  t.same(doc.entries.get(1), { type: 'offset', offset: off[0], gen: 0 });
  t.equal((await listPages(doc)).length, 1);
});

void t.test(
  'linearized file (qpdf --linearize): one revision, updates append after it',
  { skip: skipUnless('qpdf') },
  async (t) => {
    for (const streams of [false, true]) {
      const plain = join(dir, `plain-${streams}.pdf`);
      const lin = join(dir, `lin-${streams}.pdf`);
      writeFileSync(plain, await fixturePdf({ pages: 3, useObjectStreams: false }));
      const made = await runTool('qpdf', [
        ...(streams ? ['--object-streams=generate'] : []),
        '--linearize',
        plain,
        lin,
      ]);
      if (made.code !== 0) throw new Error(`qpdf --linearize: ${made.stderr}`);
      const bytes = new Uint8Array(readFileSync(lin));
      const doc = await PdfDocument.open(memorySource(bytes));
      t.equal(doc.revisions.length, 1, 'first-page and main sections form one revision');
      t.equal(doc.revisions[0]!.end, bytes.length);
      t.equal((await listPages(doc)).length, 3);
      const sink = memorySink();
      await copySource(doc.source, sink);
      const update = new IncrementalUpdate(doc);
      update.set(update.allocate(), pdfDict({ Type: pdfName('Test') }));
      await appendUpdate(update, sink);
      const out = join(dir, `lin-upd-${streams}.pdf`);
      writeFileSync(out, sink.bytes());
      t.ok((await qpdfCheck(out)).ok, 'qpdf accepts the update');
      t.equal((await PdfDocument.open(memorySource(sink.bytes()))).revisions.length, 2);
    }
  },
);
