// A time-stamp token larger than the /Contents estimate (a TSA that sends a long chain):
// signPdf and addDocumentTimestamp cut the sink back and sign once more with the room the
// container needs; a size the caller chose, or a sink that cannot be cut back, still fails
// with PDF_CONTENTS_TOO_SMALL and the bytes it needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { addDocumentTimestamp, readPdfSignatures, signPdf, verifyPdf } from '../../src/index.ts';
import { createFileSink, isPdfError, memorySink, memorySource, type PdfSink } from '@lienthong/pdf';
import { buildTimeStampRequest, fixedClock, issueTimeStampToken, keySigner, type TimeStamper } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { hierarchy, NOW } from './support.ts';

const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-room-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const pdf = await fixturePdf();

// Every certificate of the hierarchy, eight times over: a token of ~40 KB against the 12 KB estimated for it.
const bulky = Array.from({ length: 8 }, () => [
  h.intermediate.certificate,
  h.root.certificate,
  h.seal.certificate,
  h.ocsp.certificate,
  h.person.certificate,
]).flat();
let serial = 1000n;
let calls = 0;
const bulkyTsa: TimeStamper = async (imprint, hash) => {
  calls += 1;
  return issueTimeStampToken({
    request: buildTimeStampRequest({ hash, imprint }),
    tsaCertificate: h.tsa.certificate,
    chain: bulky,
    signer: keySigner(h.tsa.privateKey),
    clock: fixedClock(NOW),
    serialNumber: serial++,
    policy: '1.3.6.1.4.1.99999.2.1',
  });
};
const options = {
  signer: keySigner(h.person.privateKey),
  certificate: h.person.certificate,
  chain: [h.intermediate.certificate],
  clock: fixedClock(NOW),
  level: 'B-T' as const,
  timeStamper: bulkyTsa,
};

async function verified(bytes: Uint8Array) {
  return verifyPdf(memorySource(bytes), {
    trustAnchors: [h.root.certificate],
    time: NOW,
    crls: [h.rootCrl, h.intermediateCrl],
  });
}

void t.test(
  'a B-T signature whose token outgrows the estimate is made again with room for it (memory and file sinks)',
  async (t) => {
    calls = 0;
    const sink = memorySink();
    await signPdf(memorySource(pdf), sink, options);
    t.equal(calls, 2, 'time-stamped twice: the first container did not fit');
    const [signature] = await readPdfSignatures(memorySource(sink.bytes()));
    t.ok((signature?.contents.length ?? 0) > 30_000, 'the /Contents holds the large container');
    t.ok(
      Buffer.from(sink.bytes().subarray(0, pdf.length)).equals(Buffer.from(pdf)),
      'still an incremental update of the original',
    );
    const report = await verified(sink.bytes());
    t.equal(report.signatures.length, 1, 'one signature, no leftover of the first try');
    t.equal(report.signatures[0]?.indication, 'TOTAL_PASSED', report.signatures[0]?.message ?? '');

    const path = join(dir, 'signed.pdf');
    const file = await createFileSink(path);
    try {
      await signPdf(memorySource(pdf), file, options);
    } finally {
      await file.close();
    }
    const onDisk = new Uint8Array(readFileSync(path));
    t.equal(
      (await verified(onDisk)).signatures[0]?.indication,
      'TOTAL_PASSED',
      'the file sink is cut back and signed again too',
    );
  },
);

void t.test('a document time-stamp with a large token is retried the same way, in place', async (t) => {
  const sink = memorySink();
  await signPdf(memorySource(pdf), sink, { ...options, level: 'B-B' });
  const signedSize = sink.size;
  calls = 0;
  await addDocumentTimestamp(sink, sink, bulkyTsa);
  t.equal(calls, 2);
  const signatures = await readPdfSignatures(memorySource(sink.bytes()));
  t.equal(signatures.length, 2, 'the signature and one document time-stamp');
  t.ok(Buffer.from(sink.bytes().subarray(0, signedSize)).length === signedSize, 'the signed revision is kept');
  const report = await verified(sink.bytes());
  t.equal(report.indication, 'TOTAL_PASSED', report.message);
});

void t.test('a size the caller chose, or a sink that cannot be cut back, fails with the bytes needed', async (t) => {
  const chosen = await signPdf(memorySource(pdf), memorySink(), { ...options, contentsSize: 8 * 1024 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isPdfError(chosen, 'PDF_CONTENTS_TOO_SMALL'), 'contentsSize given: no second guess');
  t.ok(isPdfError(chosen) && (chosen.neededBytes ?? 0) > 8 * 1024, 'the error says how much was needed');
  const inner = memorySink();
  const fixed: PdfSink = {
    get size() {
      return inner.size;
    },
    read: (position, length) => inner.read(position, length),
    append: (bytes) => inner.append(bytes),
    patch: (position, bytes) => inner.patch(position, bytes),
  };
  const failed = await signPdf(memorySource(pdf), fixed, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isPdfError(failed, 'PDF_CONTENTS_TOO_SMALL'), 'no truncate: the error as before');
});
