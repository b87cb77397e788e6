// Universal signature forgery (Mladenov et al., CCS 2019): signature
// dictionaries that a careless viewer would accept although nothing verifies.
// Each ends TOTAL_FAILED with the reason.
import t, { type Test } from 'tap';
import { preparePdfSignature, readPdfSignatures, type PdfVerificationReport } from '../../src/index.ts';
import { memorySink, memorySource } from '@lienthong/pdf';
import { keySigner } from '@lienthong/pki';
import { fixturePdf, h, NOW, patchText, signAs, verify } from './support.ts';

const original = await fixturePdf({ useObjectStreams: false });
const signed = await signAs(original);
const [sig] = await readPdfSignatures(memorySource(signed));

function failed(t: Test, r: PdfVerificationReport, message: RegExp, sub = 'FORMAT_FAILURE'): void {
  t.equal(r.indication, 'TOTAL_FAILED', r.message);
  t.equal(r.signatures[0]?.indication, 'TOTAL_FAILED');
  t.equal(r.signatures[0]?.subIndication, sub);
  t.equal(r.signatures[0]?.integrity, false);
  t.match(r.signatures[0]?.message ?? '', message);
}

/** Rewrites the /ByteRange array text in place (same width). */
function byteRangeText(pdf: Uint8Array, inner: string): Uint8Array {
  const m = /\/ByteRange\s*\[[^\]]*\]/.exec(Buffer.from(pdf).toString('latin1'))!;
  return patchText(pdf, m[0], `/ByteRange [${inner}`.padEnd(m[0].length - 1, ' ') + ']');
}

/** Overwrites the start of the /Contents hex digits. */
function contentsHex(pdf: Uint8Array, hex: string): Uint8Array {
  const at = sig!.byteRange[1] + 1;
  const buf = Buffer.from(pdf);
  buf.write(hex.padEnd(sig!.byteRange[2] - 1 - at, '0'), at, 'latin1');
  return new Uint8Array(buf);
}

void t.test('empty /Contents (a prepared signature never completed)', async (t) => {
  const sink = memorySink();
  await preparePdfSignature(memorySource(original), sink, {
    certificate: h.person.certificate,
    algorithm: keySigner(h.person.privateKey).algorithm,
    clock: { now: () => NOW },
  });
  failed(t, await verify(sink.bytes()), /\/Contents is empty/);
});

void t.test('/ByteRange [0 0 0 0]', async (t) => {
  failed(t, await verify(byteRangeText(signed, '0 0 0 0')), /\[0 0 0 0\] signs nothing/);
});

void t.test('/ByteRange missing (key renamed) or of the wrong types', async (t) => {
  failed(t, await verify(patchText(signed, '/ByteRange', '/ByteRangX')), /no \/ByteRange/);
  const [, b, c, d] = sig!.byteRange;
  failed(t, await verify(byteRangeText(signed, `0 /X ${c} ${d}`)), /not an array of four integers/);
  failed(t, await verify(byteRangeText(signed, `0 ${b} ${c} -${d}`)), /negative/);
  failed(t, await verify(byteRangeText(signed, `5 ${b} ${c} ${d}`)), /does not start at 0/);
});

void t.test('/Contents missing (key renamed) or not a hex string', async (t) => {
  failed(t, await verify(patchText(signed, '/Contents <', '/Contentz <')), /no \/Contents/);
});

void t.test('/Contents that is not a CMS signature', async (t) => {
  failed(t, await verify(contentsHex(signed, '3003020101')), /not a CMS SignedData/);
  failed(t, await verify(contentsHex(signed, 'FFFF')), /SEQUENCE/);
});

void t.test('/Contents holding the CMS of another document: HASH_FAILURE', async (t) => {
  const other = await signAs(await fixturePdf({ text: 'Another letter' }));
  const [o] = await readPdfSignatures(memorySource(other));
  failed(
    t,
    await verify(contentsHex(signed, Buffer.from(o!.contents).toString('hex').toUpperCase())),
    /message digest does not match/,
    'HASH_FAILURE',
  );
});
