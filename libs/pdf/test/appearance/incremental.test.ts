// The appearances as the PDF writer will use them: a pdf-lib document gets an
// incremental update (ISO 32000-1 §7.5.6) adding a signature field and a
// read-only text field whose widgets carry our appearances; poppler, qpdf
// and pdf-lib read the result.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFRef, StandardFonts } from 'pdf-lib';
import t from 'tap';
import {
  loadDefaultFonts,
  pdfTextString,
  signatureAppearance,
  textFieldAppearance,
  type SerializedObject,
} from '../../src/appearance/index.ts';
import { sealPng } from './helpers/png-encode.ts';
import { pdftotext, qpdfCheck } from '../../../../test/support/judges.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-appearance-inc-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const enc = new TextEncoder();

/** Appends objects as an incremental update with a classic xref section. */
function appendUpdate(base: Uint8Array, objects: SerializedObject[], root: number, size: number): Uint8Array {
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(Buffer.from(base).toString('latin1'))?.[1]);
  const parts: Uint8Array[] = [base, enc.encode('\n')];
  let offset = base.length + 1;
  const offsets: [number, number][] = [];
  for (const o of objects) {
    offsets.push([o.num, offset]);
    for (const piece of [enc.encode(`${o.num} 0 obj\n`), o.body, enc.encode('\nendobj\n')]) {
      parts.push(piece);
      offset += piece.length;
    }
  }
  let xref = 'xref\n';
  for (const [num, at] of offsets.sort((a, b) => a[0] - b[0]))
    xref += `${num} 1\n${String(at).padStart(10, '0')} 00000 n \n`;
  parts.push(
    enc.encode(`${xref}trailer\n<< /Size ${size} /Root ${root} 0 R /Prev ${prev} >>\nstartxref\n${offset}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

void t.test('signature and text field widgets added by an incremental update', async (t) => {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('CONG VAN (body drawn by pdf-lib)', {
    x: 50,
    y: 600,
    size: 14,
    font: await doc.embedFont(StandardFonts.Helvetica),
  });
  const base = await doc.save({ useObjectStreams: false });

  let next = doc.context.largestObjectNumber + 1;
  const alloc = (): number => next++;
  const fonts = loadDefaultFonts();
  const sig = signatureAppearance(
    {
      width: 220,
      height: 90,
      lines: [
        { text: 'T/M BAN THƯỜNG VỤ', bold: true },
        { text: 'PHÓ BÍ THƯ', bold: true },
        { text: 'Nguyễn Thị Hồng Nhung', bold: true, size: 11 },
      ],
      image: { bytes: sealPng(120), type: 'png' },
    },
    fonts,
    alloc,
  );
  const stamp = textFieldAppearance({ width: 200, height: 20, text: 'Số 138-CV/VPTU', size: 11 }, fonts, alloc);
  const [sigWidget, stampWidget, acroForm] = [alloc(), alloc(), alloc()];
  const pageRef = page.ref;
  const root = (doc.context.trailerInfo.Root as PDFRef).objectNumber;
  page.node.set(PDFName.of('Annots'), doc.context.obj([PDFRef.of(sigWidget), PDFRef.of(stampWidget)]));
  doc.catalog.set(PDFName.of('AcroForm'), PDFRef.of(acroForm));
  const updated = appendUpdate(
    base,
    [
      ...sig.objects,
      ...stamp.objects,
      {
        num: sigWidget,
        body: enc.encode(
          `<< /Type /Annot /Subtype /Widget /FT /Sig /T (chu_ky_1) /F 132 /P ${pageRef.toString()} ` +
            `/Rect [320 120 540 210] /AP << /N ${sig.xobject} 0 R >> >>`,
        ),
      },
      {
        num: stampWidget,
        body: enc.encode(
          `<< /Type /Annot /Subtype /Widget /FT /Tx /T (so_ky_hieu) /Ff 1 /F 4 /P ${pageRef.toString()} /Rect [50 760 250 780] ` +
            `/V ${pdfTextString('Số 138-CV/VPTU')} /DA (${stamp.da}) /Q ${stamp.quadding} /AP << /N ${stamp.xobject} 0 R >> >>`,
        ),
      },
      {
        num: acroForm,
        body: enc.encode(
          `<< /Fields [${sigWidget} 0 R ${stampWidget} 0 R] /SigFlags 1 ` +
            `/DR << /Font << /${stamp.fontName} ${stamp.font} 0 R >> >> /DA (${stamp.da}) >>`,
        ),
      },
      { num: pageRef.objectNumber, body: enc.encode(page.node.toString()) },
      { num: root, body: enc.encode(doc.catalog.toString()) },
    ],
    root,
    next,
  );
  const file = join(dir, 'incremental.pdf');
  writeFileSync(file, updated);
  t.equal(Buffer.compare(updated.subarray(0, base.length), base), 0, 'the original bytes are untouched');

  t.match(
    await qpdfCheck(file),
    { ok: true, output: /No syntax or stream encoding errors found/ },
    'qpdf --check passes',
  );
  const { text } = await pdftotext(file);
  for (const s of ['CONG VAN', 'T/M BAN THƯỜNG VỤ', 'Nguyễn Thị Hồng Nhung', 'Số 138-CV/VPTU']) {
    t.ok(text.includes(s), `pdftotext extracts "${s}" from the widgets`);
  }
  const reread = await PDFDocument.load(updated);
  t.same(
    reread
      .getForm()
      .getFields()
      .map((f) => f.getName())
      .sort(),
    ['chu_ky_1', 'so_ky_hieu'],
    'pdf-lib reads both fields',
  );
  t.equal(reread.getForm().getTextField('so_ky_hieu').getText(), 'Số 138-CV/VPTU', 'and the text value');
});
