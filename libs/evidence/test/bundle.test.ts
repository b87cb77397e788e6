// The offline bundle of one document: it verifies as a whole; a changed byte in any file, a
// missing or extra file, a hostile manifest, a broken chain or a missing trust anchor fails it
// with the piece and the reason, and never throws.
import { createHash } from 'node:crypto';
import t from 'tap';
import {
  assembleBundle,
  buildManifest,
  isEvidenceError,
  MANIFEST_PATH,
  MAX_MANIFEST_BYTES,
  verifyBundle,
  type BundleReport,
  type BundleVerifyOptions,
} from '../src/index.ts';
import { deliveryEvidence, OTHER, RECIPIENT } from './helpers/bundle.ts';
import { buildOfficesPki, NOW, signEvidence, statementOf } from './helpers/offices.ts';

const pki = await buildOfficesPki();
const document = new TextEncoder().encode('%PDF-1.7\n% the issued document, as bytes\n%%EOF\n');
const delivery = await deliveryEvidence(pki, document);
const files = assembleBundle(delivery.contents);
const options: BundleVerifyOptions = { trustAnchors: [pki.h.root.certificate], time: NOW };

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const failedPaths = (r: BundleReport): string[] => r.pieces.filter((p) => !p.ok).map((p) => p.path);

void t.test('the bundle verifies: every piece and every leg', async (t) => {
  const report = await verifyBundle(files, options);
  t.ok(report.valid, JSON.stringify(report.pieces.filter((p) => !p.ok)));
  t.ok(report.usable);
  t.equal(report.documentId, 'doc-1');
  t.equal(report.revocationChecked, true, 'the bundle carries CRLs and an OCSP response: revocation is checked');
  t.ok(
    report.pieces.some((p) => p.role === 'ocsp' && p.ok),
    'the OCSP response reads',
  );
  t.equal(report.documentVerified, false, 'no document verifier given');
  t.equal(report.pieces.length, files.size, 'one piece per file, the manifest included');
  t.same(
    report.pieces
      .filter((p) => p.role === 'evidence')
      .map((p) => p.evidence?.statement.event)
      .sort(),
    [
      'AcceptanceByRecipient',
      'ContentConsignment',
      'ContentConsignment',
      'ContentHandover',
      'RejectionByRecipient',
      'SubmissionAcceptance',
    ],
  );
  t.same(report.legs.map((l) => [l.recipientOffice ?? '(delivery)', l.ok, l.evidence.length]).sort(), [
    ['(delivery)', true, 1],
    [RECIPIENT, true, 3],
    [OTHER, true, 2],
  ]);
  t.ok(report.pieces.filter((p) => p.role === 'evidence').every((p) => p.genTime?.getTime() === NOW.getTime()));
});

void t.test('a byte flipped in any file fails that piece', async (t) => {
  for (const [path, bytes] of files) {
    for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const changed = new Map(files);
      const copy = Uint8Array.from(bytes);
      copy[at]! ^= 0x01;
      changed.set(path, copy);
      const report = await verifyBundle(changed, options);
      t.notOk(report.valid, `${path} @${at}`);
      if (path === MANIFEST_PATH) t.ok(!report.usable || failedPaths(report).length > 0, `${path} @${at}: fails`);
      else t.ok(failedPaths(report).includes(path), `${path} @${at}: ${failedPaths(report).join(', ')}`);
    }
  }
});

void t.test('a missing file, an extra file, an unreadable file', async (t) => {
  const evidencePath = [...files.keys()].find((p) => p.endsWith('.p7s'))!;
  const missing = new Map(files);
  missing.delete(evidencePath);
  const r1 = await verifyBundle(missing, options);
  t.notOk(r1.valid);
  t.match(
    r1.pieces.find((p) => p.path === evidencePath),
    { ok: false, message: /missing/ },
  );

  const extra = new Map(files).set('evidence/extra.p7s', Uint8Array.of(1));
  const r2 = await verifyBundle(extra, options);
  t.notOk(r2.valid);
  t.match(
    r2.pieces.find((p) => p.path === 'evidence/extra.p7s'),
    { role: 'unlisted', ok: false },
  );

  const r3 = await verifyBundle(files, { ...options, unreadable: new Map([['document.pdf', 'over the size limit']]) });
  t.notOk(r3.valid);
  t.match(
    r3.pieces.find((p) => p.path === 'document.pdf'),
    { ok: false, message: /over the size limit/ },
  );
});

void t.test('a hostile or unusable manifest: unusable, with the reason, never a throw', async (t) => {
  const manifest = JSON.parse(new TextDecoder().decode(files.get(MANIFEST_PATH))) as { files: { path: string }[] };
  const withPath = (path: string): Map<string, Uint8Array> => {
    const m = structuredClone(manifest);
    m.files[1]!.path = path;
    return new Map(files).set(MANIFEST_PATH, new TextEncoder().encode(JSON.stringify(m)));
  };
  for (const path of [
    '../evidence/x.p7s',
    '/etc/passwd',
    'evidence\\x.p7s',
    'evidence/../../x',
    'evidence//x',
    '.hidden',
    'a/b/c/d/e',
    'MANIFEST.json',
  ]) {
    const report = await verifyBundle(withPath(path), options);
    t.notOk(report.usable, path);
    t.match(
      report.pieces[0],
      { path: MANIFEST_PATH, ok: false, code: 'EVIDENCE_MANIFEST_INVALID' },
      `${path}: ${report.pieces[0]?.message}`,
    );
  }
  const cases: [string, Uint8Array | undefined][] = [
    ['no manifest', undefined],
    ['over the budget', new Uint8Array(MAX_MANIFEST_BYTES + 1).fill(0x20)],
    ['not JSON', new TextEncoder().encode('{')],
    ['another format', new TextEncoder().encode(JSON.stringify({ ...manifest, format: 'zip' }))],
    ['an unknown member', new TextEncoder().encode(JSON.stringify({ ...manifest, signature: 'x' }))],
    [
      'a repeated member in an entry',
      new TextEncoder().encode(
        new TextDecoder()
          .decode(files.get(MANIFEST_PATH))
          .replace('"role":"document"', '"role":"evidence","role":"document"'),
      ),
    ],
    [
      'a path listed twice',
      new TextEncoder().encode(JSON.stringify({ ...manifest, files: [...manifest.files, manifest.files[0]] })),
    ],
    ['no files', new TextEncoder().encode(JSON.stringify({ ...manifest, files: [] }))],
  ];
  for (const [what, bytes] of cases) {
    const bundle = new Map(files);
    if (bytes === undefined) bundle.delete(MANIFEST_PATH);
    else bundle.set(MANIFEST_PATH, bytes);
    const report = await verifyBundle(bundle, options);
    t.notOk(report.usable, what);
    t.notOk(report.valid, what);
    t.equal(report.pieces[0]?.code, 'EVIDENCE_MANIFEST_INVALID', `${what}: ${report.pieces[0]?.message}`);
  }
});

void t.test('buildManifest refuses what a bundle may not hold', async (t) => {
  const doc = { path: 'document.pdf', role: 'document' as const, bytes: document };
  const ev = { path: 'evidence/a.p7s', role: 'evidence' as const, bytes: Uint8Array.of(1) };
  for (const [what, entries] of [
    ['a path with ..', [doc, { ...ev, path: 'evidence/../a.p7s' }]],
    ['two documents', [doc, { ...doc, path: 'copy.pdf' }, ev]],
    ['no evidence', [doc]],
    ['a proof that is not there', [doc, { ...ev, proof: 'evidence/a.proof.json', timestamp: 'timestamps/t.tst' }]],
    ['the same path in another case', [doc, ev, { ...ev, path: 'Evidence/A.p7s' }]],
  ] as const) {
    try {
      buildManifest('doc-1', entries);
      t.fail(what);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_MANIFEST_INVALID'), `${what}: ${(e as Error).message}`);
    }
  }
});

void t.test('trust comes from the caller: a root carried by the bundle is not trusted by itself', async (t) => {
  const report = await verifyBundle(files, { ...options, trustAnchors: [] });
  t.notOk(report.valid);
  t.ok(report.pieces.filter((p) => p.role === 'evidence' || p.role === 'timestamp').every((p) => !p.ok));
});

void t.test('a broken chain fails its leg', async (t) => {
  const { cms, contents } = delivery;
  const withoutHandover = contents.evidence.filter((e) => e.cms !== cms.H1);
  const r1 = await verifyBundle(assembleBundle({ ...contents, evidence: withoutHandover }), options);
  t.notOk(r1.valid);
  const leg = r1.legs.find((l) => l.recipientOffice === RECIPIENT)!;
  t.notOk(leg.ok);
  t.match(leg.message, /follows an evidence the bundle does not hold/);
  t.equal(leg.code, 'EVIDENCE_CHAIN_BROKEN');
  t.ok(r1.legs.find((l) => l.recipientOffice === OTHER)!.ok, 'the other leg is still whole');

  const forked = await deliveryEvidence(pki, document);
  const r2 = await verifyBundle(
    assembleBundle({ ...contents, evidence: [...contents.evidence, forked.contents.evidence[2]!] }),
    options,
  );
  t.notOk(r2.valid, 'an evidence of another delivery of the same document whose chain does not belong here');
});

void t.test('an evidence about another document fails; the document verifier is heard', async (t) => {
  const other = await deliveryEvidence(pki, document, { documentId: 'doc-2' });
  const mixed = assembleBundle({
    ...delivery.contents,
    evidence: [...delivery.contents.evidence, other.contents.evidence[0]!],
  });
  const r1 = await verifyBundle(mixed, options);
  t.notOk(r1.valid);
  t.ok(r1.pieces.some((p) => !p.ok && /about document doc-2/.test(p.message)));

  let heard: unknown;
  const r2 = await verifyBundle(files, {
    ...options,
    verifyDocument: (pdf, context) => {
      heard = {
        length: pdf.bytes?.length,
        anchors: context.trustAnchors.length,
        crls: context.crls?.length,
        ocsp: context.ocspResponses?.length,
      };
      return { ok: false, message: 'FORBIDDEN change after the seal', details: { signatures: 2 } };
    },
  });
  t.notOk(r2.valid);
  t.same(heard, { length: document.length, anchors: 1, crls: 2, ocsp: 1 });
  t.match(
    r2.pieces.find((p) => p.role === 'document'),
    { ok: false, message: /FORBIDDEN/, details: { signatures: 2 } },
  );
  t.equal(r2.documentVerified, true);
  const r3 = await verifyBundle(files, { ...options, verifyDocument: () => Promise.reject(new Error('boom')) });
  t.match(
    r3.pieces.find((p) => p.role === 'document'),
    { ok: false, message: /boom/ },
  );
});

void t.test('the document may be given by its hash (streamed by the caller), and only the document', async (t) => {
  const documentEntry = { sha256: sha256(document), length: document.length };
  const byHash = new Map<string, Uint8Array | { sha256: string; length: number }>(files).set(
    'document.pdf',
    documentEntry,
  );
  let heard: unknown;
  const r1 = await verifyBundle(byHash, {
    ...options,
    verifyDocument: (doc) => {
      heard = doc;
      return { ok: true, message: 'read by the caller' };
    },
  });
  t.ok(r1.valid, JSON.stringify(r1.pieces.filter((p) => !p.ok)));
  t.same(heard, { path: 'document.pdf' }, 'the verifier gets the path, no bytes');
  t.ok((await verifyBundle(byHash, options)).valid, 'without a verifier the hash alone is checked');

  const changed = new Map(byHash).set('document.pdf', { ...documentEntry, length: document.length + 1 });
  const r2 = await verifyBundle(changed, options);
  t.match(
    r2.pieces.find((p) => p.path === 'document.pdf'),
    { ok: false, message: /has changed/ },
  );

  const evidencePath = [...files.keys()].find((p) => p.endsWith('.p7s'))!;
  const hashedEvidence = new Map(byHash).set(evidencePath, { sha256: sha256(files.get(evidencePath)!), length: 1 });
  const r3 = await verifyBundle(hashedEvidence, options);
  t.match(
    r3.pieces.find((p) => p.path === evidencePath),
    { ok: false, message: /Only the document/ },
  );
  const hashedManifest = new Map(byHash).set(MANIFEST_PATH, { sha256: '00'.repeat(32), length: 1 });
  t.notOk((await verifyBundle(hashedManifest, options)).usable);
});

void t.test('evidence without a time-stamp fails unless the caller allows it', async (t) => {
  const plain = await deliveryEvidence(pki, document, { timestamped: false });
  const bundle = assembleBundle(plain.contents);
  const r1 = await verifyBundle(bundle, options);
  t.notOk(r1.valid);
  t.ok(r1.pieces.filter((p) => p.role === 'evidence').every((p) => p.code === 'EVIDENCE_NOT_TIMESTAMPED'));
  t.ok((await verifyBundle(bundle, { ...options, requireTimestamp: false })).valid);

  const own = await signEvidence(
    pki,
    statementOf('SubmissionAcceptance', { documentSha256: sha256(document), documentLength: document.length }),
    undefined,
    'B-T',
  );
  const r2 = await verifyBundle(assembleBundle({ ...plain.contents, evidence: [{ cms: own }] }), options);
  t.ok(r2.valid, 'an evidence with its own signature-time-stamp needs no batch token');
  t.same(r2.pieces.find((p) => p.role === 'evidence')?.genTime, NOW);
});

void t.test('a document given by its hash is listed in the manifest, not returned', async (t) => {
  const hashed = { sha256: sha256(document), length: document.length };
  const laid = assembleBundle({ ...delivery.contents, document: hashed });
  t.notOk(laid.has('document.pdf'), 'the caller writes the document');
  t.same(laid.get(MANIFEST_PATH), files.get(MANIFEST_PATH), 'the same manifest as with the bytes');
  const report = await verifyBundle(new Map([...laid, ['document.pdf', document]]), options);
  t.ok(report.valid, 'the bundle verifies with the document written by the caller');
  t.throws(
    () => buildManifest(delivery.contents.documentId, [{ path: 'evidence/x.p7s', role: 'evidence', bytes: hashed }]),
    { code: 'EVIDENCE_MANIFEST_INVALID' },
    'only the document may be given by its hash',
  );
});
