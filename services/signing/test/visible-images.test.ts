/**
 * Visible signatures with the key's image: the Party flow's signer (a handwritten signature
 * at the left of the block) and the office seal filling the `lienthong-seal` field with the
 * round seal under the office's name (`visible=true&field=lienthong-seal`). Judged by this
 * service's verifier, pdfsig and pyHanko (the seal's appearance is a permitted change after
 * the signer's certification), and by pdftoppm: the seal's red shows inside the seal field.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { stampPdf } from '@lienthong/pades';
import { isArray, listFields, memorySink, memorySource, PdfDocument } from '@lienthong/pdf';
import { pdfsig, pdftoppm, pdftotext, pyhankoValidate, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';
import { countPixels, greyJpeg, isBlue, isRed, sealPng, signaturePng } from './image-fixtures.ts';
import { partyFlowSetup } from './party-flow-setup.ts';

const { app, pool, s, signer, registry, admin, pin, keyId, sealKeyId, rootPem, original } = await partyFlowSetup(t);

const putImage = (id: string, headers: Record<string, string>, bytes: Uint8Array, type = 'image/png') =>
  app.inject({
    method: 'PUT',
    url: `/v1/keys/${id}/image`,
    headers: { ...headers, 'content-type': type },
    payload: Buffer.from(bytes),
  });
const signPdf = (id: string, headers: Record<string, string>, body: Buffer | Uint8Array, query = '') =>
  app.inject({
    method: 'POST',
    url: `/v1/keys/${id}/pdf-signatures${query}`,
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: Buffer.from(body),
  });
const verify = async (body: Buffer) =>
  (
    await app.inject({
      method: 'POST',
      url: '/v1/verify/pdf',
      headers: { ...registry, 'content-type': 'application/pdf' },
      payload: body,
    })
  ).json<{ indication: string; signatures: Array<{ field: string; indication: string; modification: string }> }>();
const signUses = async () =>
  Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM signing_log WHERE action = 'sign'")).rows[0]!.n);

/** The /Rect of field `name`. */
async function fieldRect(pdf: Uint8Array, name: string): Promise<[number, number, number, number]> {
  const doc = await PdfDocument.open(memorySource(pdf));
  const field = (await listFields(doc)).find((f) => f.name === name);
  const rect = await doc.resolve(field?.dict.entries.get('Rect'));
  if (!isArray(rect)) throw new Error(`no /Rect for ${name}`);
  return rect.items.map(Number) as [number, number, number, number];
}

let renders = 0;

/** Page `page` (1-based) rendered at 72 dpi by pdftoppm, as PNG bytes. */
async function renderPage(file: string, page: number): Promise<Uint8Array> {
  const prefix = join(s.dir, `page-${page}-${++renders}`);
  return new Uint8Array(readFileSync(await pdftoppm(file, prefix, { format: 'png', resolution: 72, page })));
}

void t.test(
  'the Party flow with images: signer (handwritten signature), stamp, seal in lienthong-seal (red seal); judges agree',
  async (t) => {
    t.equal((await putImage(keyId, signer, signaturePng())).statusCode, 204);
    t.equal((await putImage(sealKeyId, admin, sealPng(240))).statusCode, 204);
    const block = ['K/T BÍ THƯ', 'PHÓ BÍ THƯ', 'Nguyễn Thị Hồng Nhung']
      .map((line) => `&line=${encodeURIComponent(line)}`)
      .join('');
    const first = await signPdf(
      keyId,
      { ...signer, 'lienthong-pin': pin },
      original,
      `?allowStamp=true&level=B-T${block}&rect=330,60,560,150`,
    );
    t.equal(first.statusCode, 200, first.body.slice(0, 300));
    const stamped = memorySink();
    await stampPdf(memorySource(first.rawPayload), stamped, {
      number: 'Số 138-CV/VPTU',
      date: 'Cà Mau, ngày 23 tháng 11 năm 2026',
    });
    const sealRect = await fieldRect(stamped.bytes(), 'lienthong-seal');
    const sealed = await signPdf(
      sealKeyId,
      registry,
      stamped.bytes(),
      '?visible=true&field=lienthong-seal&level=B-LTA',
    );
    t.equal(sealed.statusCode, 200, sealed.body.slice(0, 300));
    t.same(await fieldRect(sealed.rawPayload, 'lienthong-seal'), sealRect, 'the seal field keeps its /Rect');
    const file = join(s.dir, 'party-images.pdf');
    writeFileSync(file, sealed.rawPayload);

    const report = await verify(sealed.rawPayload);
    t.equal(report.indication, 'TOTAL_PASSED', JSON.stringify(report).slice(0, 600));
    t.match(
      report.signatures[0],
      { indication: 'TOTAL_PASSED', modification: 'PERMITTED' },
      'signature 1: the seal with its appearance is a permitted change',
    );
    t.match(report.signatures[1], { field: 'lienthong-seal', indication: 'TOTAL_PASSED' });

    const skip = skipUnless('pyhanko', 'pdfsig', 'qpdf', 'pdftoppm');
    if (skip !== false) {
      t.comment(`outside judges skipped: ${skip}`);
      return;
    }
    const verdict = await pyhankoValidate(file, { trust: rootPem });
    const [signerSig, sealSig] = verdict.signatures;
    t.match(
      signerSig,
      { intact: true, trusted: true, modificationsOk: true, coverage: 'ENTIRE_REVISION' },
      `signature 1: ${signerSig?.summary}`,
    );
    t.match(
      signerSig?.modificationLevel,
      /^(FORM_FILLING|LTA_UPDATES)$/,
      `only form filling after signature 1: ${signerSig?.summary}`,
    );
    t.notOk(
      signerSig?.flags.some((f) => /ILLEGAL|ANNOTATIONS|OTHER/.test(f)),
      'no forbidden or annotation-level change',
    );
    t.match(
      sealSig,
      { field: 'lienthong-seal', intact: true, trusted: true, modificationsOk: true },
      `seal: ${sealSig?.summary}`,
    );
    const poppler = await pdfsig(file);
    const cms = poppler.signatures.filter((sig) => sig.signatureType === 'ETSI.CAdES.detached');
    t.equal(cms.length, 2);
    t.ok(
      cms.every((sig) => sig.valid),
      poppler.output,
    );
    const pages = (await pdftotext(file)).text.split('\f');
    t.match(
      pages[1],
      /Tỉnh ủy Cà Mau\s+Văn phòng Tỉnh ủy\s+Ký số: /,
      "the seal's block: the subject's O and CN, then the time",
    );
    t.match(
      pages[0],
      /K\/T BÍ THƯ\s+PHÓ BÍ THƯ\s+Nguyễn Thị Hồng Nhung\s+Ký số: /,
      "the signer's block: the lines asked",
    );
    t.ok((await qpdfCheck(file)).ok);

    const lastPage = countPixels(await renderPage(file, 2), sealRect, isRed);
    t.ok(lastPage.inside > 500, `red seal pixels inside the seal field ${sealRect.join(' ')}: ${lastPage.inside}`);
    t.equal(lastPage.outside, 0, 'and no red anywhere else on the page');
    const firstPage = countPixels(await renderPage(file, 1), [330, 60, 560, 150], isBlue);
    t.ok(firstPage.inside > 100, `the handwritten signature's blue inside the signer's block: ${firstPage.inside}`);
    t.equal(firstPage.outside, 0);
    const unsealed = join(s.dir, 'stamped.pdf');
    writeFileSync(unsealed, stamped.bytes());
    t.equal(
      countPixels(await renderPage(unsealed, 2), sealRect, isRed).inside,
      0,
      'before the seal, the field is empty',
    );
  },
);

void t.test("visible=true without lines: the certificate's names; a JPEG signature; no image: text only", async (t) => {
  t.equal((await putImage(keyId, signer, greyJpeg(), 'image/jpeg')).statusCode, 204);
  const personal = await signPdf(
    keyId,
    { ...signer, 'lienthong-pin': pin },
    original,
    '?visible=true&level=B-B&page=2&rect=50,300,300,380',
  );
  t.equal(personal.statusCode, 200, personal.body.slice(0, 300));
  t.equal((await verify(personal.rawPayload)).indication, 'TOTAL_PASSED');
  t.match(personal.rawPayload.toString('latin1'), /\/Filter \/DCTDecode/, 'the JPEG is embedded as it is');
  t.match(personal.rawPayload.toString('latin1'), /\/Rect \[50 300 300 380\]/, 'on the asked rect');
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/keys/${sealKeyId}/image`, headers: registry })).statusCode,
    204,
  );
  const textOnly = await signPdf(sealKeyId, registry, original, '?visible=true&level=B-B');
  t.equal(textOnly.statusCode, 200, textOnly.body.slice(0, 300));
  t.notMatch(textOnly.rawPayload.toString('latin1'), /\/Subtype \/Image/, 'no image without one set');
  const invisible = await signPdf(sealKeyId, registry, original, '?level=B-B');
  t.match(
    invisible.rawPayload.toString('latin1'),
    /\/Rect \[0 0 0 0\]/,
    'without visible or line the signature stays invisible',
  );
  if (skipUnless('pdftoppm') !== false) return;
  const file = join(s.dir, 'personal.pdf');
  writeFileSync(file, personal.rawPayload);
  const grey = countPixels(
    await renderPage(file, 2),
    [50, 300, 300, 380],
    (r, g, b) => r === g && g === b && r > 60 && r < 200,
  );
  t.ok(grey.inside > 100, `the grey JPEG square shows in the block: ${grey.inside}`);
});

void t.test('a block that cannot be drawn is a 400 before any use of the key', async (t) => {
  const before = await signUses();
  const long = Array.from(
    { length: 6 },
    () => `&line=${encodeURIComponent('Ban Chấp hành Đảng bộ tỉnh Cà Mau '.repeat(3).trim())}`,
  ).join('');
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'six long lines in a tiny box',
      `?visible=true${long}&rect=10,10,40,22`,
      { code: 'VALIDATION_FAILED', appearanceError: 'TEXT_DOES_NOT_FIT' },
    ],
    [
      'a character the font lacks',
      `?line=${encodeURIComponent('印章')}`,
      { code: 'VALIDATION_FAILED', appearanceError: 'FONT_MISSING_GLYPH' },
    ],
    ['an unreadable PDF with a visible block', '?visible=true&field=lienthong-seal', { code: 'PDF_UNREADABLE' }],
    ['a page the PDF lacks', '?visible=true&page=3', { code: 'VALIDATION_FAILED', detail: /page 3: the PDF has 2/ }],
  ];
  for (const [name, query, expected] of cases) {
    const body = name.startsWith('an unreadable') ? Buffer.from('%PDF-1.7 not really') : original;
    const res = await signPdf(sealKeyId, registry, body, query);
    t.equal(res.statusCode, 400, `${name}: ${res.body.slice(0, 300)}`);
    t.match(res.json(), expected, name);
  }
  t.equal(await signUses(), before, 'no use of the key was recorded');
  const wrongVisible = await signPdf(sealKeyId, registry, original, '?visible=maybe');
  t.equal(wrongVisible.statusCode, 400, 'visible is a boolean');
});

void t.test('a field already signed, or not a signature field, is a 400 before any use of the key', async (t) => {
  const first = await signPdf(sealKeyId, registry, original, '?field=lienthong-seal&level=B-B');
  t.equal(first.statusCode, 200);
  const certified = await signPdf(keyId, { ...signer, 'lienthong-pin': pin }, original, '?allowStamp=true&level=B-B');
  const before = await signUses();
  const cases: Array<[string, Buffer, string, RegExp]> = [
    ['the seal field signed twice', first.rawPayload, '?field=lienthong-seal&level=B-B', /already signed/],
    [
      'the seal field signed twice, visibly',
      first.rawPayload,
      '?field=lienthong-seal&level=B-B&visible=true',
      /already signed/,
    ],
    [
      'the number text field',
      certified.rawPayload,
      '?field=lienthong-number&level=B-B&visible=true',
      /not a signature field/,
    ],
  ];
  for (const [name, body, query, detail] of cases) {
    const res = await signPdf(sealKeyId, registry, body, query);
    t.equal(res.statusCode, 400, `${name}: ${res.body.slice(0, 300)}`);
    t.match(res.json(), { code: 'SIGNATURE_FIELD_UNUSABLE', detail }, name);
  }
  t.equal(await signUses(), before, 'no use of the key was recorded');
});
