// A PDF signed by pyHanko (when it is installed) is read by readPdfSignatures and
// countersigned by us in an incremental update; pyHanko then finds its own
// signature intact and ours covering the whole file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readPdfSignatures, signPdf } from '../../src/index.ts';
import { memorySink, memorySource } from '@lienthong/pdf';
import { exportPrivateKey, fixedClock, keySigner, toPem } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { pyhankoValidate, runTool, skipUnless, type PyhankoSignature } from '../../../../test/support/judges.ts';
import { hierarchy, NOW } from './support.ts';

void t.test('countersigning a pyHanko signature', { skip: skipUnless('pyhanko') }, async (t) => {
  const h = await hierarchy;
  const dir = mkdtempSync(join(tmpdir(), 'pades-interop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: Uint8Array | string): string => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const rootPem = file('root.pem', toPem('CERTIFICATE', h.root.certificate.der));
  const input = file('in.pdf', await fixturePdf({ useObjectStreams: true }));
  const signed = await runTool('pyhanko', [
    'sign',
    'addsig',
    '--field',
    'Theirs',
    'pemder',
    '--key',
    file('key.pem', toPem('PRIVATE KEY', exportPrivateKey(h.person.privateKey))),
    '--cert',
    file('cert.pem', toPem('CERTIFICATE', h.person.certificate.der)),
    '--chain',
    file('chain.pem', toPem('CERTIFICATE', h.intermediate.certificate.der)),
    '--no-pass',
    input,
    join(dir, 'theirs.pdf'),
  ]);
  if (signed.code !== 0) throw new Error(`pyhanko sign addsig: ${signed.stdout}${signed.stderr}`);
  const theirs = new Uint8Array(readFileSync(join(dir, 'theirs.pdf')));
  const [s] = await readPdfSignatures(memorySource(theirs));
  t.equal(s?.fieldName, 'Theirs');
  t.ok(s?.coversRevision && s.coversWholeFile);
  const sink = memorySink();
  await signPdf(memorySource(theirs), sink, {
    signer: keySigner(h.seal.privateKey),
    certificate: h.seal.certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
  });
  const out = file('both.pdf', sink.bytes());
  const r = await pyhankoValidate(out, { trust: rootPem, validationTime: NOW });
  const field = (name: string): PyhankoSignature | undefined => r.signatures.find((s) => s.field === name);
  t.has(
    field('Theirs'),
    { intact: true, flags: ['TRUSTED', 'EXTENDED_WITH_FORM_FILLING', 'ACCEPTABLE_MODIFICATIONS'] },
    r.output,
  );
  t.has(field('Signature1'), { intact: true, flags: ['TRUSTED', 'UNTOUCHED'] }, r.output);
});
