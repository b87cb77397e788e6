// Two-step signing for USB tokens: prepare writes the revision and returns what
// the token signs plus a small JSON state; complete patches /Contents in place,
// here on files (createFileSink / openFileSink), across a JSON round trip.
import { sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  completePdfSignature,
  preparePdfSignature,
  readPdfSignatures,
  type PdfSignatureState,
} from '../../src/index.ts';
import { createFileSink, isPdfError, memorySink, memorySource, openFileSink, openFileSource } from '@lienthong/pdf';
import { fixedClock, toPem } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { hasTool, opensslCmsVerify, pdfsig } from '../../../../test/support/judges.ts';
import { hierarchy, NOW, signedBytes, tsaOf } from './support.ts';

const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-2step-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const rootPem = join(dir, 'root.pem');
writeFileSync(rootPem, toPem('CERTIFICATE', h.root.certificate.der));
const options = {
  certificate: h.seal.certificate,
  chain: [h.intermediate.certificate],
  algorithm: 'ECDSA-SHA256' as const,
  clock: fixedClock(NOW),
  timeStamped: true,
};

async function rejects(t: Test, p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
    t.fail(`expected ${code}`);
  } catch (e) {
    t.ok(isPdfError(e) && e.code === code, `${code}: ${String(e)}`);
  }
}

void t.test('prepare → JSON state → token signs the signed attributes → complete, on files', async (t) => {
  const input = join(dir, 'in.pdf');
  const prepared = join(dir, 'prepared.pdf');
  writeFileSync(input, await fixturePdf({ useObjectStreams: false }));
  const source = await openFileSource(input);
  const sink = await createFileSink(prepared);
  const step1 = await preparePdfSignature(source, sink, options);
  await source.close();
  await sink.close();
  const json = JSON.stringify(step1.state);
  t.ok(json.length < 600, `state is small (${json.length} bytes)`);
  // The "token": signs the signed attributes (it hashes them itself).
  const value = nodeSign('sha256', step1.signedAttributes, { key: h.seal.privateKey, dsaEncoding: 'der' });
  const again = await openFileSink(prepared);
  await completePdfSignature(again, JSON.parse(json) as PdfSignatureState, value, {
    certificate: h.seal.certificate,
    chain: [h.intermediate.certificate],
    timeStamper: tsaOf(h),
  });
  await again.close();
  const out = new Uint8Array(readFileSync(prepared));
  const [s] = await readPdfSignatures(memorySource(out));
  t.ok(s?.coversWholeFile);
  const r = await opensslCmsVerify(s!.contents, signedBytes(out, s!.byteRange), { trust: rootPem, attime: NOW });
  t.ok(r.ok, r.output);
  if (hasTool('pdfsig')) {
    const p = await pdfsig(prepared);
    t.has(p.signatures, [{ valid: true }], p.output);
  }
});

void t.test(
  'complete refuses a changed PDF, another certificate or key, r‖s for DER, or a container too large',
  async (t) => {
    const sink = memorySink();
    const step1 = await preparePdfSignature(memorySource(await fixturePdf()), sink, { ...options, contentsSize: 400 });
    const value = nodeSign('sha256', step1.signedAttributes, { key: h.seal.privateKey, dsaEncoding: 'der' });
    await rejects(
      t,
      completePdfSignature(sink, step1.state, value, { certificate: h.person.certificate }),
      'PDF_STATE_MISMATCH',
    );
    await rejects(
      t,
      completePdfSignature(sink, step1.state, value, {
        certificate: h.seal.certificate,
        chain: [h.intermediate.certificate],
      }),
      'PDF_CONTENTS_TOO_SMALL',
    );
    const other = nodeSign('sha256', step1.signedAttributes, { key: h.person.privateKey });
    await rejects(
      t,
      completePdfSignature(sink, step1.state, other, { certificate: h.seal.certificate }),
      'PDF_SIGNATURE_INVALID',
    );
    const raw = nodeSign('sha256', step1.signedAttributes, { key: h.seal.privateKey, dsaEncoding: 'ieee-p1363' });
    await rejects(
      t,
      completePdfSignature(sink, step1.state, raw, { certificate: h.seal.certificate }),
      'PDF_SIGNATURE_INVALID',
    );
    const tampered = memorySink();
    const bytes = sink.bytes();
    bytes[20] = 0x41;
    await tampered.append(bytes);
    await rejects(
      t,
      completePdfSignature(tampered, step1.state, value, { certificate: h.seal.certificate }),
      'PDF_STATE_MISMATCH',
    );
    const longer = memorySink();
    await longer.append(sink.bytes());
    await longer.append(new Uint8Array([0x0a]));
    await rejects(
      t,
      completePdfSignature(longer, step1.state, value, { certificate: h.seal.certificate }),
      'PDF_STATE_MISMATCH',
    );
  },
);
