// The outside judges (pdfsig, qpdf, pyHanko, openssl) read as the wrappers say they do:
// a PDF signed by pyHanko itself (two signatures, the second PAdES), a tampered copy and a
// truncated copy; poppler's text, font and page readers on a plain pdf-lib file. Proves
// the judges before our own PAdES code and appearances are judged by them.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import {
  extractByteRangeSignatures,
  opensslCmsVerify,
  opensslCmsVerifyByteRange,
  parsePdffonts,
  pdffonts,
  pdfsig,
  pdftoppm,
  pdftotext,
  pyhankoValidate,
  pyhankoValidateDetached,
  qpdfCheck,
  qpdfFormFields,
  runTool,
  skipUnless,
} from '../support/judges.ts';

const MARK = 'Hello judges';

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A root CA and a signer certificate made with the openssl command line. */
function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}-root.key`,
    '-out',
    `${name}-root.pem`,
    '-subj',
    `/C=VN/O=Lienthong/CN=${name} Test Root`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}-signer.key`,
    '-out',
    `${name}-signer.csr`,
    '-subj',
    `/C=VN/O=Lienthong/CN=Nguyen Van An`,
  ]);
  writeFileSync(
    join(dir, 'signer.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}-signer.csr`,
    '-CA',
    `${name}-root.pem`,
    '-CAkey',
    `${name}-root.key`,
    '-CAcreateserial',
    '-out',
    `${name}-signer.pem`,
    '-days',
    '365',
    '-extfile',
    'signer.ext',
  ]);
}

async function makePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Cong van thu', { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  // A literal string outside any compressed stream: the byte the tampered copy changes.
  doc.catalog.set(PDFName.of('LienthongMark'), PDFString.of(MARK));
  return doc.save({ useObjectStreams: false });
}

void t.test('judges', { skip: skipUnless('pyhanko', 'pdfsig', 'qpdf', 'openssl') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-judges-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  makeCa(dir, 'a');
  makeCa(dir, 'b');
  const pdf = join(dir, 'in.pdf');
  writeFileSync(pdf, await makePdf());

  const sign = async (input: string, output: string, field: string, extra: string[]): Promise<void> => {
    const r = await runTool(
      'pyhanko',
      [
        'sign',
        'addsig',
        '--field',
        field,
        ...extra,
        'pemder',
        '--key',
        'a-signer.key',
        '--cert',
        'a-signer.pem',
        '--chain',
        'a-root.pem',
        '--no-pass',
        input,
        output,
      ],
      { cwd: dir },
    );
    if (r.code !== 0) throw new Error(`pyhanko addsig: ${r.stdout}${r.stderr}`);
  };
  const once = join(dir, 'signed-once.pdf');
  const twice = join(dir, 'signed-twice.pdf');
  await sign(pdf, once, 'Sig1', []);
  await sign(once, twice, 'Sig2', ['--use-pades']);

  const bytes = readFileSync(twice);
  const at = bytes.indexOf(MARK, 0, 'latin1');
  t.ok(at > 0, 'the mark is a plain string in the file');
  const tampered = join(dir, 'tampered.pdf');
  const changed = Buffer.from(bytes);
  changed.write('J', at, 'latin1');
  writeFileSync(tampered, changed);
  const truncated = join(dir, 'truncated.pdf');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 600));

  void t.test('pdfsig', async (t) => {
    const good = await pdfsig(twice);
    t.equal(good.signatures.length, 2, good.output);
    const [s1, s2] = good.signatures;
    t.match(s1, {
      index: 1,
      fieldName: 'Sig1',
      signerName: 'Nguyen Van An',
      valid: true,
      totalDocumentSigned: false,
      signatureType: 'adbe.pkcs7.detached',
      hashAlgorithm: 'SHA-256',
    });
    t.match(s2, {
      index: 2,
      fieldName: 'Sig2',
      valid: true,
      totalDocumentSigned: true,
      signatureType: 'ETSI.CAdES.detached',
    });
    t.equal(s2?.signedRanges.length, 2);
    t.equal(s2?.signedRanges[1]?.[1], bytes.length, 'the last range ends at the end of the file');
    t.match(s1?.signerDn, /CN=Nguyen Van An/);

    const bad = await pdfsig(tampered);
    t.equal(bad.signatures.length, 2, bad.output);
    t.same(
      bad.signatures.map((s) => s.valid),
      [false, false],
      'both signatures cover the changed byte',
    );
    t.match(bad.signatures[1]?.validation, /Digest Mismatch/);
  });

  void t.test('qpdf', async (t) => {
    const good = await qpdfCheck(twice);
    t.ok(good.ok, good.output);
    t.match(good.output, /No syntax or stream encoding errors/);
    const tamperedCheck = await qpdfCheck(tampered);
    t.ok(tamperedCheck.ok, 'a changed string is still well-formed PDF');
    const broken = await qpdfCheck(truncated);
    t.notOk(broken.ok, broken.output);
    t.not(broken.code, 0);
  });

  void t.test('pyhanko', async (t) => {
    const good = await pyhankoValidate(twice, { trust: join(dir, 'a-root.pem'), pretty: true });
    t.ok(good.ok, good.output);
    t.equal(good.signatures.length, 2, good.output);
    const [s1, s2] = good.signatures;
    t.match(s1, {
      field: 'Sig1',
      intact: true,
      trusted: true,
      valid: true,
      coverage: 'ENTIRE_REVISION',
      modificationLevel: 'FORM_FILLING',
      modificationsOk: true,
      judgedValid: true,
    });
    t.match(s2, {
      field: 'Sig2',
      intact: true,
      trusted: true,
      valid: true,
      coverage: 'ENTIRE_FILE',
      judgedValid: true,
    });
    t.match(s2?.report, /The signer's certificate is trusted/);
    t.match(s1?.certSha256, /^[0-9a-f]{64}$/);

    const otherRoot = await pyhankoValidate(twice, { trust: join(dir, 'b-root.pem') });
    t.notOk(otherRoot.ok, 'an unknown root fails the run');
    t.same(
      otherRoot.signatures.map((s) => [s.intact, s.trusted, s.valid]),
      [
        [true, false, false],
        [true, false, false],
      ],
      otherRoot.output,
    );

    const bad = await pyhankoValidate(tampered, { trust: join(dir, 'a-root.pem') });
    t.notOk(bad.ok);
    t.same(
      bad.signatures.map((s) => s.intact),
      [false, false],
      bad.output,
    );
  });

  void t.test('pyhanko on a detached CMS signature', async (t) => {
    const content = join(dir, 'content.txt');
    writeFileSync(content, 'Công văn số 12\n');
    const r = await runTool(
      'pyhanko',
      [
        'sign',
        'addsig',
        '--detach',
        'pemder',
        '--key',
        'a-signer.key',
        '--cert',
        'a-signer.pem',
        '--no-pass',
        content,
        join(dir, 'content.p7s'),
      ],
      { cwd: dir },
    );
    t.equal(r.code, 0, r.stderr);
    const good = await pyhankoValidateDetached(content, join(dir, 'content.p7s'), { trust: join(dir, 'a-root.pem') });
    t.match(good, { ok: true, intact: true, trusted: true }, good.output);
    const otherRoot = await pyhankoValidateDetached(content, join(dir, 'content.p7s'), {
      trust: join(dir, 'b-root.pem'),
    });
    t.match(otherRoot, { ok: false, intact: true, trusted: false }, otherRoot.output);
    writeFileSync(content, 'Công văn số 13\n');
    const bad = await pyhankoValidateDetached(content, join(dir, 'content.p7s'), { trust: join(dir, 'a-root.pem') });
    t.match(bad, { ok: false, intact: false }, bad.output);
  });

  void t.test('openssl cms over the ByteRange', async (t) => {
    t.equal(extractByteRangeSignatures(bytes).length, 2);
    const good = await opensslCmsVerifyByteRange(twice, { trust: join(dir, 'a-root.pem') });
    t.same(
      good.map((r) => [r.ok, r.coversWholeFile]),
      [
        [true, false],
        [true, true],
      ],
      good.map((r) => r.output).join('\n'),
    );
    const otherRoot = await opensslCmsVerifyByteRange(twice, { trust: join(dir, 'b-root.pem') });
    t.same(
      otherRoot.map((r) => r.ok),
      [false, false],
      'the chain is checked against the given root',
    );
    const bad = await opensslCmsVerifyByteRange(tampered, { noVerify: true });
    t.same(
      bad.map((r) => r.ok),
      [false, false],
      bad.map((r) => r.output).join('\n'),
    );
  });

  void t.test('openssl cms over given bytes', async (t) => {
    const [s1] = extractByteRangeSignatures(bytes);
    const trust = join(dir, 'a-root.pem');
    const good = await opensslCmsVerify(s1!.cms, s1!.signedBytes, { trust, attime: new Date() });
    t.ok(good.ok, good.output);
    t.notOk(
      (await opensslCmsVerify(s1!.cms, s1!.signedBytes, { trust: join(dir, 'b-root.pem') })).ok,
      'the chain is checked against the given root',
    );
    t.ok(
      (await opensslCmsVerify(s1!.cms, s1!.signedBytes, { trust: join(dir, 'b-root.pem'), noVerify: true })).ok,
      'noVerify checks only the signature',
    );
    const expired = await opensslCmsVerify(s1!.cms, s1!.signedBytes, {
      trust,
      attime: new Date(Date.now() + 2 * 365 * 86400_000),
    });
    t.notOk(expired.ok, 'attime after the signer certificate expires fails the chain');
    const changed = Buffer.from(s1!.signedBytes);
    changed.writeUInt8(changed.readUInt8(10) ^ 1, 10);
    const bad = await opensslCmsVerify(s1!.cms, changed, { noVerify: true });
    t.notOk(bad.ok, bad.output);
  });

  void t.test('qpdf form fields', async (t) => {
    const fields = await qpdfFormFields(twice);
    t.same(
      fields.map((f) => [f.fullName, f.fieldType]),
      [
        ['Sig1', '/Sig'],
        ['Sig2', '/Sig'],
      ],
    );
    t.match(fields[0]?.value, /^\d+ 0 R$/, "a signature field's /V is a reference to its signature dictionary");
    t.same(await qpdfFormFields(pdf), [], 'no form, no fields');
  });
});

void t.test('pdffonts report', async (t) => {
  const report = [
    'name                                 type              encoding         emb sub uni object ID',
    '------------------------------------ ----------------- ---------------- --- --- --- ---------',
    'AAAAAB+NotoSans-Regular              CID TrueType      Identity-H       yes yes yes      7  0',
    'Helvetica                            Type 1            WinAnsi          no  no  no      12  0',
    '',
  ].join('\n');
  const fonts = parsePdffonts(report);
  t.same(
    fonts.map(({ line: _, ...f }) => f),
    [
      {
        name: 'AAAAAB+NotoSans-Regular',
        type: 'CID TrueType',
        encoding: 'Identity-H',
        embedded: true,
        subset: true,
        unicode: true,
        objectId: '7 0',
      },
      {
        name: 'Helvetica',
        type: 'Type 1',
        encoding: 'WinAnsi',
        embedded: false,
        subset: false,
        unicode: false,
        objectId: '12 0',
      },
    ],
  );
  t.same(parsePdffonts('name type\n'), [], 'no table, no fonts');
});

void t.test(
  'poppler text, fonts and rendering',
  { skip: skipUnless('pdftotext', 'pdffonts', 'pdftoppm') },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-judges-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const pdf = join(dir, 'plain.pdf');
    writeFileSync(pdf, await makePdf());

    const text = await pdftotext(pdf);
    t.equal(text.code, 0, text.output);
    t.match(text.text, /^Cong van thu\n/);
    t.not((await pdftotext(join(dir, 'absent.pdf'))).code, 0, 'a missing file is an error');

    const fonts = await pdffonts(pdf);
    t.equal(fonts.code, 0, fonts.output);
    t.match(fonts.fonts, [{ name: 'Helvetica', type: 'Type 1', embedded: false, subset: false }]);
    t.equal(fonts.fonts.length, 1, fonts.output);

    const png = readFileSync(await pdftoppm(pdf, join(dir, 'page'), { format: 'png', resolution: 72 }));
    t.same([...png.subarray(1, 4)], [...Buffer.from('PNG')], 'a PNG file');
    t.same([png.readUInt32BE(16), png.readUInt32BE(20)], [595, 842], 'an A4 page at 72 dpi');
    const jpeg = readFileSync(await pdftoppm(pdf, join(dir, 'page'), { format: 'jpeg', resolution: 36 }));
    t.same([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'a JPEG file');
    await t.rejects(
      pdftoppm(join(dir, 'absent.pdf'), join(dir, 'none'), { format: 'png', resolution: 72 }),
      /pdftoppm/,
    );
  },
);
