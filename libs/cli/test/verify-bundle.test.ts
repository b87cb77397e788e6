// `lienthong verify DIR` on the evidence bundle of one document: a sealed PDF delivered to
// two offices, every evidence signed as the signing service signs, one batch time-stamp,
// written to a folder as libs/evidence lays it out. Exit 0, 1 or 2 as the bundle deserves.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import t from 'tap';
import { assembleBundle, MANIFEST_PATH } from '@lienthong/evidence';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { fixedClock, keySigner, toPem } from '@lienthong/pki';
import { deliveryEvidence } from '../../evidence/test/helpers/bundle.ts';
import { buildOfficesPki, NOW, SENDER } from '../../evidence/test/helpers/offices.ts';
import { lienthong } from './helpers/cli.ts';

const pki = await buildOfficesPki();
const work = mkdtempSync(join(tmpdir(), 'lienthong-cli-bundle-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(join(work, 'root.pem'), toPem('CERTIFICATE', pki.h.root.certificate.der));
const AT = NOW.toISOString();

async function sealedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Chi thi so 01-CT/TU', { x: 72, y: 640, font, size: 14 });
  const sink = memorySink();
  const seal = pki.seals[SENDER]!;
  await signPdf(memorySource(await doc.save()), sink, {
    signer: keySigner(seal.privateKey),
    certificate: seal.certificate,
    chain: [pki.h.intermediate.certificate],
    clock: fixedClock(new Date(NOW.getTime() - 3600_000)),
  });
  return sink.bytes();
}

const pdf = await sealedPdf();
const delivery = await deliveryEvidence(pki, pdf);
const bundle = assembleBundle(delivery.contents);
let serial = 0;

/** Writes `files` to a fresh folder and returns its name (relative to `work`). */
function writeBundle(files: ReadonlyMap<string, Uint8Array>): string {
  const name = `bundle-${serial++}`;
  for (const [path, bytes] of files) {
    const full = join(work, name, ...path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  return name;
}
const verify = (dir: string, ...extra: string[]) => lienthong(work, ['verify', dir, '--at', AT, ...extra]);
const trusted = ['--anchor', 'root.pem'];

void t.test('a whole bundle verifies: exit 0, every file ok, the PDF verified', async (t) => {
  const dir = writeBundle(bundle);
  const run = verify(dir, ...trusted);
  t.equal(run.code, 0, run.stdout + run.stderr);
  t.match(run.stdout, new RegExp(`Evidence bundle ${dir}: VALID`));
  t.match(run.stdout, /Revocation: checked/);
  t.match(run.stdout, /Document signatures: verified \(PAdES\)/);
  t.match(run.stdout, /ok {4}document\.pdf \(document\) PAdES: 1 signature TOTAL_PASSED/);
  t.match(run.stdout, /AcceptanceByRecipient VPTU-HN → HU-DT by HU-DT/);
  t.notMatch(run.stdout, /FAIL/);

  const json = verify(dir, ...trusted, '--json');
  t.equal(json.code, 0);
  const report = JSON.parse(json.stdout) as {
    format: string;
    valid: boolean;
    pieces: { path: string; ok: boolean; details?: { signatures: unknown[] } }[];
    legs: unknown[];
  };
  t.equal(report.format, 'evidence-bundle');
  t.equal(report.valid, true);
  t.equal(report.pieces.length, bundle.size);
  t.equal(report.legs.length, 3);
  t.equal(
    report.pieces.find((p) => p.path === 'document.pdf')?.details?.signatures.length,
    1,
    "the PAdES report is in the document's piece",
  );
});

void t.test('a byte changed in an evidence, a proof, the token or the PDF: exit 1 naming the file', async (t) => {
  const targets = [
    [...bundle.keys()].find((p) => p.endsWith('.p7s'))!,
    [...bundle.keys()].find((p) => p.endsWith('.proof.json'))!,
    [...bundle.keys()].find((p) => p.endsWith('.tst'))!,
    'document.pdf',
  ];
  for (const path of targets) {
    const bytes = Uint8Array.from(bundle.get(path)!);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    const run = verify(writeBundle(new Map(bundle).set(path, bytes)), ...trusted);
    t.equal(run.code, 1, path);
    t.match(run.stdout, /: NOT VALID/);
    t.match(run.stdout, new RegExp(`FAIL {2}${path.replace(/\./g, '\\.')} `), `${path} is marked FAIL`);
  }
});

void t.test('without --anchor nothing is trusted, not even the root the bundle carries: exit 1', async (t) => {
  const run = verify(writeBundle(bundle));
  t.equal(run.code, 1);
  t.match(run.stdout, /Trust anchors: 0 \(none given/);
  t.match(run.stdout, /EVIDENCE_SIGNATURE_INVALID/);
});

void t.test('an extra file, a link, a missing file: exit 1', async (t) => {
  const extra = writeBundle(new Map(bundle).set('notes.txt', new TextEncoder().encode('hello')));
  const r1 = verify(extra, ...trusted);
  t.equal(r1.code, 1);
  t.match(r1.stdout, /FAIL {2}notes\.txt \(unlisted\)/);

  const linked = writeBundle(bundle);
  symlinkSync(join(work, 'root.pem'), join(work, linked, 'root.pem'));
  const r2 = verify(linked, ...trusted);
  t.equal(r2.code, 1);
  t.match(r2.stdout, /FAIL {2}root\.pem \(unlisted\)/);

  const missing = new Map(bundle);
  missing.delete([...bundle.keys()].find((p) => p.endsWith('.p7s'))!);
  const r3 = verify(writeBundle(missing), ...trusted);
  t.equal(r3.code, 1);
  t.match(r3.stdout, /The file is missing/);
});

void t.test('an unusable bundle: exit 2 with the reason', async (t) => {
  const noManifest = new Map(bundle);
  noManifest.delete(MANIFEST_PATH);
  const r1 = verify(writeBundle(noManifest), ...trusted);
  t.equal(r1.code, 2);
  t.match(r1.stdout, /UNUSABLE/);
  t.match(r1.stdout, /no manifest\.json/);

  const manifest = new TextDecoder().decode(bundle.get(MANIFEST_PATH));
  const escaping = new Map(bundle).set(
    MANIFEST_PATH,
    new TextEncoder().encode(manifest.replace('"document.pdf"', '"../document.pdf"')),
  );
  const r2 = verify(writeBundle(escaping), ...trusted);
  t.equal(r2.code, 2);
  t.match(r2.stdout, /EVIDENCE_MANIFEST_INVALID: files\[0\]\.path holds the segment \.\./);

  const r3 = verify(writeBundle(bundle), ...trusted, '--content', 'root.pem');
  t.equal(r3.code, 2);
  t.match(r3.stderr, /USAGE/);
  const r4 = verify('no-such-folder', ...trusted);
  t.equal(r4.code, 2);
});

void t.test('the folder written is the bundle byte for byte', async (t) => {
  const dir = writeBundle(bundle);
  for (const [path, bytes] of bundle) t.same(new Uint8Array(readFileSync(join(work, dir, path))), bytes, path);
});
