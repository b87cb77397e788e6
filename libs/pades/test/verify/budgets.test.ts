// Verification on a budget (issue 15): a signature whose CMS holds 2,000 SignerInfos is
// answered FORMAT_FAILURE naming maxSignerInfos without verifying them; the revisions of a
// signed file are examined through views that share one budget and the xref sections; the
// PDF limits are taken from the verification options. Time is a comment, never asserted.
import t from 'tap';
import { memorySource, PdfDocument, serializeObject } from '@lienthong/pdf';
import { readPdfSignatures } from '../../src/index.ts';
import { repeatSignerInfo } from '../../../pki/test/helpers/many-signers.ts';
import { fixturePdf, partyFlow, rawRevision, signAs, verify } from './support.ts';

void t.test('a CMS with 2,000 SignerInfos in /Contents: FORMAT_FAILURE naming maxSignerInfos', async (t) => {
  const signed = Buffer.from(await signAs(await fixturePdf(), { level: 'B-B', contentsSize: 1_400_000 }));
  const [sig] = await readPdfSignatures(memorySource(signed));
  const many = repeatSignerInfo(sig!.contents, 2000);
  t.ok(many.length <= 1_400_000, `${many.length} bytes fit the placeholder`);
  // The ByteRange leaves /Contents out: the bigger CMS goes in its place, the signed bytes unchanged.
  signed.write(Buffer.from(many).toString('hex'), sig!.byteRange[1] + 1, 'latin1');
  const started = performance.now();
  const r = await verify(signed);
  t.comment(`verifyPdf answered in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  t.equal(r.indication, 'TOTAL_FAILED');
  t.equal(r.signatures[0]?.subIndication, 'FORMAT_FAILURE');
  t.match(r.signatures[0]?.message ?? '', /2000 SignerInfos, more than the 16 verified \(maxSignerInfos\)/);
  const raised = await verify(signed, { maxSignerInfos: 2000 });
  t.equal(raised.signatures[0]?.integrity, true, 'with the limit raised, the copies verify');
});

void t.test('the revisions of a signed file share one budget and the sections', async (t) => {
  const { sealed } = await partyFlow();
  const r = await verify(sealed);
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  const doc = await PdfDocument.open(memorySource(sealed));
  const views = await Promise.all(doc.revisions.map((rev) => doc.revisionView(rev)));
  for (const [i, v] of views.entries()) {
    t.equal(v.budget, doc.budget, `revision ${i}: same budget`);
    t.equal(v.sections[0], doc.sections[doc.sections.length - 1 - i], `revision ${i}: same section object`);
    t.equal(v.revisions.length, i + 1);
  }
  const tight = await verify(sealed, { pdfLimits: { maxObjects: 20 } });
  t.equal(tight.indication, 'TOTAL_FAILED');
  t.match(tight.message, /maxObjects 20, as configured/);
});

void t.test(
  'a signed PDF whose update holds a catalog of 300,000 dictionaries: FORMAT_FAILURE naming maxItems',
  async (t) => {
    const signed = await signAs(await fixturePdf({ useObjectStreams: false }));
    const doc = await PdfDocument.open(memorySource(signed));
    const { ref: root, dict } = await doc.catalog();
    // The signed catalog as it is (its /AcroForm holds the signature field), one more entry.
    const catalog = Buffer.from(serializeObject(dict)).toString('latin1').replace(/>>$/, '');
    const junk = `${catalog}/Junk [${'<<>>'.repeat(300_000)}]>>`;
    const bombed = rawRevision(signed, root, doc.size, [{ num: root.num, body: junk }]);
    const r = await verify(bombed);
    t.equal(r.indication, 'TOTAL_FAILED');
    t.equal(r.subIndication, 'FORMAT_FAILURE');
    t.match(
      r.message,
      /^The PDF exceeds a safety limit: .*more than 1,000,000 items parsed.*maxItems 1,000,000 = max\(1,000,000, file size \/ 2\)/,
    );
    // Over a budget, earlier revisions are not tried: each try would spend the same budget again.
    t.same(r.signatures, []);
    // Each revision view that reads the catalog parses it again: a few times 1,500,000.
    const raised = await verify(bombed, { pdfLimits: { maxItems: 10_000_000 } });
    t.equal(raised.signatures.length, 1, `with maxItems raised, the signature is judged: ${raised.message}`);
    t.equal(raised.signatures[0]?.integrity, true);
  },
);
