// Appearances plug in as pre-serialised objects: the appearance helper's
// Vietnamese text-field appearance (embedded Noto Sans subset) for the
// number/date stamp, and its visible signature block for the seal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { NUMBER_FIELD, readPdfSignatures, SEAL_FIELD, signPdf, stampPdf } from '../../src/index.ts';
import {
  loadDefaultFonts,
  signatureAppearance,
  textFieldAppearance,
  decodeTextString,
  isArray,
  isString,
  listFields,
  memorySink,
  memorySource,
  PdfDocument,
  type FieldAppearanceBuilder,
} from '@lienthong/pdf';
import { toPem } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { hasTool, pdfsig, pyhankoValidate, qpdfCheck } from '../../../../test/support/judges.ts';
import { NOW, hierarchy, signerOf, tsaOf } from './support.ts';

const h = await hierarchy;
const fonts = loadDefaultFonts();
const dir = mkdtempSync(join(tmpdir(), 'pades-ap-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const rootPem = join(dir, 'root.pem');
writeFileSync(rootPem, toPem('CERTIFICATE', h.root.certificate.der));

const vietnamese: FieldAppearanceBuilder = ({ text, width, height }, alloc) =>
  textFieldAppearance({ text, width, height }, fonts, alloc);

void t.test('Vietnamese stamp and a visible seal: fields carry embedded-font appearances, judges agree', async (t) => {
  const step1 = memorySink();
  await signPdf(memorySource(await fixturePdf({ useObjectStreams: false })), step1, {
    ...signerOf(h, 'person'),
    allowStamp: { sealRect: [350, 80, 550, 150] },
  });
  const step2 = memorySink();
  await stampPdf(step1, step2, {
    number: 'Số 138-CV/VPTU',
    date: 'Hà Nam, ngày 01 tháng 6 năm 2026',
    appearance: vietnamese,
  });
  const step3 = memorySink();
  await signPdf(step2, step3, {
    ...signerOf(h, 'seal'),
    level: 'B-T',
    timeStamper: tsaOf(h),
    fieldName: SEAL_FIELD,
    visible: {
      x: 350,
      y: 80,
      appearance: (alloc) =>
        signatureAppearance(
          {
            width: 200,
            height: 70,
            lines: [{ text: 'VĂN PHÒNG TỈNH ỦY HÀ NAM', bold: true }, { text: 'Ký số ngày 01/06/2026' }],
          },
          fonts,
          alloc,
        ),
    },
  });
  const out = step3.bytes();
  const doc = await PdfDocument.open(memorySource(out));
  const number = (await listFields(doc)).find((f) => f.name === NUMBER_FIELD)!;
  const v = number.dict.entries.get('V');
  t.equal(isString(v) ? decodeTextString(v.bytes) : '', 'Số 138-CV/VPTU', '/V holds the Vietnamese text');
  const ap = await doc.resolveDict((await doc.resolveDict(number.dict.entries.get('AP')))?.entries.get('N'));
  t.ok(ap?.entries.has('Resources'), 'the appearance XObject has its own font resources');
  const seal = (await readPdfSignatures(doc)).find((s) => s.fieldName === SEAL_FIELD)!;
  const widget = (await listFields(doc)).find((f) => f.name === SEAL_FIELD)!;
  const rect = widget.dict.entries.get('Rect');
  t.same(
    isArray(rect) ? rect.items : [],
    [350, 80, 550, 150],
    'the seal fills the field prepared at signature 1, keeping its /Rect',
  );
  t.ok(seal.coversWholeFile);
  const file = join(dir, 'visible.pdf');
  writeFileSync(file, out);
  if (hasTool('pdfsig')) {
    const r = await pdfsig(file);
    t.equal(r.signatures.filter((s) => s.valid).length, 2, r.output);
  }
  if (hasTool('qpdf')) t.ok((await qpdfCheck(file)).ok);
  if (hasTool('pyhanko')) {
    const r = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
    t.has(
      r.signatures.find((s) => s.field === 'Signature1'),
      { intact: true, flags: ['TRUSTED', 'EXTENDED_WITH_FORM_FILLING', 'ACCEPTABLE_MODIFICATIONS'] },
      r.output,
    );
  }
});
