// A PDF signed by pyHanko (when its venv exists) is read by readPdfSignatures and
// countersigned by us in an incremental update; pyHanko then finds its own
// signature intact and ours covering the whole file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { exportPrivateKey, fixedClock, keySigner, toPem } from '../../src/index.ts';
import { memorySink, memorySource } from '../../src/pdf/index.ts';
import { readPdfSignatures, signPdf } from '../../src/pades/index.ts';
import { fixturePdf } from '../pdf/fixtures.ts';
import { pyhankoPath, pyhankoValidate } from '../pdf/judges.ts';
import { hierarchy, NOW } from './support.ts';

const pyhanko = pyhankoPath();

void t.test('countersigning a pyHanko signature', { skip: pyhanko === undefined ? 'pyHanko is not installed under ~/.cache/lienthong' : false }, async (t) => {
  const h = await hierarchy;
  const dir = mkdtempSync(join(tmpdir(), 'pades-interop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: Uint8Array | string): string => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const rootPem = file('root.pem', toPem('CERTIFICATE', h.root.certificate.der));
  const input = file('in.pdf', await fixturePdf({ useObjectStreams: true }));
  await promisify(execFile)(pyhanko!, [
    'sign', 'addsig', '--field', 'Theirs', 'pemder',
    '--key', file('key.pem', toPem('PRIVATE KEY', exportPrivateKey(h.person.privateKey))),
    '--cert', file('cert.pem', toPem('CERTIFICATE', h.person.certificate.der)),
    '--chain', file('chain.pem', toPem('CERTIFICATE', h.intermediate.certificate.der)),
    '--no-pass', input, join(dir, 'theirs.pdf'),
  ]);
  const theirs = new Uint8Array(readFileSync(join(dir, 'theirs.pdf')));
  const [s] = await readPdfSignatures(memorySource(theirs));
  t.equal(s?.fieldName, 'Theirs');
  t.ok(s?.coversRevision && s.coversWholeFile);
  const sink = memorySink();
  await signPdf(memorySource(theirs), sink, { signer: keySigner(h.seal.privateKey), certificate: h.seal.certificate, chain: [h.intermediate.certificate], clock: fixedClock(NOW) });
  const out = file('both.pdf', sink.bytes());
  const r = await pyhankoValidate(pyhanko!, out, rootPem);
  t.match(r.out, /Theirs:[0-9a-f]+:INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS/, r.out);
  t.match(r.out, /Signature1:[0-9a-f]+:INTACT:TRUSTED,UNTOUCHED/, r.out);
});
