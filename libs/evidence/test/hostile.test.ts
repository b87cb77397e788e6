// Seeded mutations of a bundle and of statements: verifyBundle always answers (never throws,
// never calls a changed bundle valid), and the readers throw only their own coded errors.
import t from 'tap';
import {
  assembleBundle,
  checkEvidence,
  isEvidenceError,
  MANIFEST_PATH,
  parseManifest,
  parseStatement,
  readInclusionProof,
  verifyBundle,
} from '../src/index.ts';
import { deliveryEvidence } from './helpers/bundle.ts';
import { buildOfficesPki, NOW } from './helpers/offices.ts';

const pki = await buildOfficesPki();
const document = new TextEncoder().encode('%PDF-1.7\n% hostile\n%%EOF\n');
const files = assembleBundle((await deliveryEvidence(pki, document)).contents);
const options = { trustAnchors: [pki.h.root.certificate], time: NOW };

// A small deterministic PRNG (mulberry32), so a failure names its seed.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const kind = Math.floor(next() * 4);
  const at = Math.floor(next() * bytes.length);
  if (kind === 0) return bytes.subarray(0, at);
  if (kind === 1) return Buffer.concat([bytes, Uint8Array.of(Math.floor(next() * 256))]);
  const copy = Uint8Array.from(bytes);
  for (let i = 0; i < 1 + kind; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
  return copy;
}

void t.test('a mutated file of the bundle: an answer, never valid, never a throw', async (t) => {
  const paths = [...files.keys()];
  let answered = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const next = random(seed);
    const path = paths[Math.floor(next() * paths.length)]!;
    const mutated = mutate(files.get(path)!, next);
    if (Buffer.compare(mutated, files.get(path)!) === 0) continue;
    const report = await verifyBundle(new Map(files).set(path, mutated), options);
    if (report.valid) t.fail(`seed ${seed}: ${path} changed and the bundle is valid`);
    answered++;
  }
  t.ok(answered > 100, `${answered} mutated bundles answered`);
});

void t.test('manifests of the wrong shapes are unusable, with a reason', async (t) => {
  const shapes: unknown[] = [
    null,
    [],
    'manifest',
    { format: 'lienthong-evidence-bundle', version: 1, documentId: 'doc-1', files: {} },
    { format: 'lienthong-evidence-bundle', version: 1, documentId: 'doc-1', files: [null] },
    {
      format: 'lienthong-evidence-bundle',
      version: 1,
      documentId: 'doc-1',
      files: [{ path: 1, role: 'document', sha256: '00', length: 1 }],
    },
    {
      format: 'lienthong-evidence-bundle',
      version: 1,
      documentId: 'doc-1',
      files: [{ path: 'a', role: 'x', sha256: '0'.repeat(64), length: 1 }],
    },
    {
      format: 'lienthong-evidence-bundle',
      version: 1,
      documentId: 'doc-1',
      files: [{ path: 'a', role: 'document', sha256: '0'.repeat(64), length: -1 }],
    },
    { format: 'lienthong-evidence-bundle', version: 1, documentId: 'doc 1', files: [] },
    { format: 'lienthong-evidence-bundle', version: '1', documentId: 'doc-1', files: [] },
  ];
  for (const shape of shapes) {
    const bytes = new TextEncoder().encode(JSON.stringify(shape));
    const report = await verifyBundle(new Map(files).set(MANIFEST_PATH, bytes), options);
    t.notOk(report.usable, JSON.stringify(shape).slice(0, 80));
    t.equal(report.pieces[0]?.code, 'EVIDENCE_MANIFEST_INVALID');
  }
});

void t.test('the readers throw only their own codes on random bytes', async (t) => {
  const next = random(42);
  const readers: [string, (b: Uint8Array) => unknown][] = [
    ['parseStatement', parseStatement],
    ['parseManifest', parseManifest],
    ['readInclusionProof', readInclusionProof],
  ];
  const manifest = files.get(MANIFEST_PATH)!;
  const evidence = files.get([...files.keys()].find((p) => p.endsWith('.p7s'))!)!;
  let foreign = 0;
  for (let i = 0; i < 300; i++) {
    for (const [, read] of readers) {
      try {
        read(mutate(manifest, next));
      } catch (e) {
        if (!isEvidenceError(e)) foreign++;
      }
    }
    const check = checkEvidence(mutate(evidence, next), options);
    if (check.ok && check.code !== undefined) foreign++;
  }
  t.equal(foreign, 0, 'no other error escapes');
});
