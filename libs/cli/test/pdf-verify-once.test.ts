// `lienthong verify FILE.pdf` reads the document's DSS and verifies its signatures on one
// opening of the file: one parse, under one libs/pdf budget (issue 15), not one for the DSS
// and another for the verification.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { signPdf } from '@lienthong/pades';
import * as pdf from '@lienthong/pdf';
import { fixedClock, keySigner, toPem } from '@lienthong/pki';
import { buildHierarchy, NOW } from '../../pki/test/helpers/hierarchy.ts';
import { fixturePdf } from '../../pdf/test/fixtures.ts';
import type * as PdfVerify from '../src/commands/pdf-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-verify-once-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const h = await buildHierarchy();
const sink = pdf.memorySink();
await signPdf(pdf.memorySource(await fixturePdf({ pages: 2 })), sink, {
  signer: keySigner(h.person.privateKey),
  certificate: h.person.certificate,
  chain: [h.intermediate.certificate],
  clock: fixedClock(NOW),
});
writeFileSync(join(dir, 'signed.pdf'), sink.bytes());
writeFileSync(join(dir, 'root.pem'), toPem('CERTIFICATE', h.root.certificate.der));

void t.test('a signed PDF is opened once for its DSS and its verification', async (t) => {
  let opens = 0;
  const open = (...args: Parameters<typeof pdf.PdfDocument.open>) => {
    opens++;
    return pdf.PdfDocument.open(...args);
  };
  const CountingDocument = new Proxy(pdf.PdfDocument, {
    get: (target, key, receiver) => (key === 'open' ? open : (Reflect.get(target, key, receiver) as unknown)),
  });
  const { verifyPdfFile } = await t.mockImport<typeof PdfVerify>('../src/commands/pdf-verify.ts', {
    '@lienthong/pdf': { ...pdf, PdfDocument: CountingDocument },
  });
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), cwd: dir, env: {} };
  const code = await verifyPdfFile(io, 'signed.pdf', { anchor: ['root.pem'], json: true }, NOW);
  t.equal(code, 0);
  t.equal(JSON.parse(out.join('')).indication, 'TOTAL_PASSED');
  t.equal(opens, 1, 'one PdfDocument for the DSS and the verification');
});
