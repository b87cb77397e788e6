// PAdES levels as the verifier reports them: B-B, B-T, B-LT (DSS), B-LTA
// (document time-stamp over the DSS), on both xref kinds; cross-checked with pyHanko.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { pyhankoValidate, skipUnless } from '../../../../test/support/judges.ts';
import { addDocumentTimestamp, addDss } from '../../src/index.ts';
import { memorySink, memorySource } from '@lienthong/pdf';
import { buildTimeStampRequest, fixedClock, issueTimeStampToken, keySigner, type TimeStamper } from '@lienthong/pki';
import { dir, fixturePdf, h, NOW, rootPem, signAs, tsaOf, verify } from './support.ts';

for (const useObjectStreams of [false, true]) {
  const kind = useObjectStreams ? 'xref stream' : 'xref table';
  for (const level of ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const) {
    void t.test(`${level} on a ${kind} file passes at ${level}`, async (t) => {
      const pdf = await signAs(await fixturePdf({ pages: 2, useObjectStreams }), { level });
      const r = await verify(pdf);
      t.equal(r.indication, 'TOTAL_PASSED', r.message);
      const [sig, ts] = r.signatures;
      t.equal(sig?.kind, 'signature');
      t.equal(sig?.level, level, JSON.stringify(sig));
      t.equal(sig?.integrity, true);
      t.equal(sig?.trusted, true);
      t.equal(sig?.coverage.revision, 1);
      t.equal(sig?.coverage.wholeFile, level === 'B-B' || level === 'B-T');
      t.equal(sig?.modification, level === 'B-B' || level === 'B-T' ? 'NONE' : 'PERMITTED');
      t.equal(sig?.signingTime, NOW.toISOString(), '/M');
      t.match(sig?.signer?.subject ?? '', /Nguyễn Văn An/);
      if (level !== 'B-B') {
        t.equal(sig?.bestSignatureTime, NOW.toISOString());
        t.same(
          sig?.timestamps?.map((x) => [x.kind, x.valid]),
          [['signature', true]],
        );
      }
      if (level === 'B-LT' || level === 'B-LTA') t.same(sig?.changesAfter[0]?.kind, 'dss');
      if (level === 'B-LTA') {
        t.equal(ts?.kind, 'document-timestamp');
        t.equal(ts?.subFilter, 'ETSI.RFC3161');
        t.equal(ts?.indication, 'TOTAL_PASSED', ts?.message ?? '');
        t.equal(ts?.coverage.wholeFile, true);
        t.same(
          sig?.changesAfter.map((c) => c.kind),
          ['dss', 'document-timestamp'],
        );
      }
      t.same(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');
      if (level === 'B-LT' || level === 'B-LTA') {
        const offline = await verify(pdf, { offline: true });
        t.equal(offline.signatures[0]?.indication, 'TOTAL_PASSED', `the DSS alone validates: ${offline.message}`);
      }
    });
  }
}

void t.test('without trust anchors: intact, INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, no level', async (t) => {
  const pdf = await signAs(await fixturePdf());
  const r = await verify(pdf, { trustAnchors: [] });
  t.equal(r.indication, 'INDETERMINATE');
  t.equal(r.signatures[0]?.subIndication, 'NO_CERTIFICATE_CHAIN_FOUND');
  t.equal(r.signatures[0]?.integrity, true);
  t.equal(r.signatures[0]?.level, undefined);
});

/** A TSA of the test hierarchy that numbers its tokens with `serial` as given, signing with `who`'s key. */
const tsaWith =
  (serial: Uint8Array, who: 'tsa' | 'person' = 'tsa'): TimeStamper =>
  (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint, nonce: true }),
      tsaCertificate: h[who].certificate,
      chain: [h.intermediate.certificate],
      signer: keySigner(h[who].privateKey),
      clock: fixedClock(NOW),
      serialNumber: serial,
      policy: '1.3.6.1.4.1.99999.2.1',
    });

void t.test('B-LT whose time-stamp serial was drawn as bytes 00 1x…: still B-LT, not a TOTAL_PASSED B-B', async (t) => {
  // The CLI's in-process TSA draws random serial bytes; one in 256 began with a needless zero octet.
  const timeStamper = tsaWith(Uint8Array.of(0x00, 0x12, 0x34, 0x56));
  const r = await verify(await signAs(await fixturePdf(), { level: 'B-LT', timeStamper }));
  const sig = r.signatures[0];
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.same(
    sig?.timestamps?.map((x) => [x.kind, x.valid]),
    [['signature', true]],
    JSON.stringify(sig?.timestamps),
  );
  t.equal(sig?.level, 'B-LT');
});

void t.test(
  'a signature time-stamp that does not validate is no proof of existence, and the report says why',
  async (t) => {
    // EN 319 102-1 §5.5.4: such a token leaves the set of time-stamps; the signature is judged at the validation time.
    const timeStamper = tsaWith(Uint8Array.of(0x07), 'person');
    const r = await verify(await signAs(await fixturePdf(), { level: 'B-LT', timeStamper }));
    const sig = r.signatures[0];
    t.equal(sig?.indication, 'TOTAL_PASSED', sig?.message ?? '');
    t.equal(sig?.level, 'B-B', 'no best-signature-time');
    t.equal(sig?.bestSignatureTime, undefined);
    t.same(
      sig?.timestamps?.map((x) => [x.kind, x.valid]),
      [['signature', false]],
    );
    t.match(sig?.timestamps?.[0]?.message ?? '', /extKeyUsage of id-kp-timeStamping/);
  },
);

void t.test('B-T by a document time-stamp alone; B-LT needs the DSS to hold what validates the signer', async (t) => {
  const signed = await signAs(await fixturePdf(), { level: 'B-B' });
  const sink = memorySink();
  await addDocumentTimestamp(memorySource(signed), sink, tsaOf(h));
  const r = await verify(sink.bytes());
  t.equal(r.signatures[0]?.level, 'B-T', 'a later document time-stamp is proof of existence (EN 319 142-1 §6.3)');
  const withDss = memorySink();
  // A DSS without the revocation data: the path does not validate from it alone.
  await addDss(memorySource(signed), withDss, { certificates: [h.intermediate.certificate] });
  const r2 = await verify(withDss.bytes());
  t.equal(r2.signatures[0]?.indication, 'TOTAL_PASSED', r2.signatures[0]?.message ?? '');
  t.equal(r2.signatures[0]?.level, 'B-B', 'no time-stamp: B-B whatever the DSS holds');
});

void t.test(
  'pyHanko agrees on B-LTA: signature intact, later revisions are LTA updates',
  { skip: skipUnless('pyhanko') },
  async (t) => {
    const pdf = await signAs(await fixturePdf(), { level: 'B-LTA' });
    const file = join(dir, 'levels-lta.pdf');
    writeFileSync(file, pdf);
    const p = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
    const ours = await verify(pdf);
    const sig = p.signatures.find((s) => s.field === ours.signatures[0]?.field);
    t.ok(sig?.intact, p.output);
    t.equal(sig?.modificationLevel, 'LTA_UPDATES', p.output);
    t.ok(sig?.modificationsOk, p.output);
    t.equal(ours.signatures[0]?.modification, 'PERMITTED');
    t.ok(ours.signatures[0]?.changesAfter.every((c) => c.kind === 'dss' || c.kind === 'document-timestamp'));
  },
);
