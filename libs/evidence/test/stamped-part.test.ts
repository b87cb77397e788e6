// A stamped part (one delivery's evidence of one batch as one JSON object): written in chunks,
// read back strictly into what assembleBundle takes, so the rebuilt bundle verifies; hostile
// parts are refused with EVIDENCE_PART_INVALID saying where, never a crash.
import { createHash } from 'node:crypto';
import t from 'tap';
import { readSignedData } from '@lienthong/pki';
import {
  assembleBundle,
  encodeStampedPart,
  isEvidenceError,
  MAX_STAMPED_PART_BYTES,
  parseStampedPart,
  parseStatement,
  stampedPartEvidence,
  verifyBundle,
  type BundleFiles,
  type HashedFile,
  type StampedPartRow,
} from '../src/index.ts';
import { deliveryEvidence } from './helpers/bundle.ts';
import { buildOfficesPki, NOW } from './helpers/offices.ts';

const pki = await buildOfficesPki();
const document = new TextEncoder().encode('%PDF-1.7\n% the issued document\n%%EOF\n');
const delivery = await deliveryEvidence(pki, document);
const hashed = { sha256: createHash('sha256').update(document).digest('hex'), length: document.length };
const token = delivery.contents.evidence[0]!.stamp!.token;
const rows: StampedPartRow[] = delivery.contents.evidence.map((e, i) => {
  const s = parseStatement(readSignedData(e.cms).content!);
  return {
    id: s.id,
    recipientOffice: s.recipientOffice ?? null,
    seq: i,
    event: s.event,
    cms: e.cms,
    proof: e.stamp!.proof,
  };
});
const head = { documentId: 'doc-1', deliveryId: 'del-1', batchId: 'batch-1', document: hashed, token };

async function encode(r: Iterable<StampedPartRow> = rows): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of encodeStampedPart(head, r)) chunks.push(c);
  return Buffer.concat(chunks);
}
const bytes = await encode();

void t.test('written in chunks, read back, rebuilt into a bundle that verifies', async (t) => {
  const part = parseStampedPart(bytes);
  t.equal(part.documentId, 'doc-1');
  t.equal(part.batchId, 'batch-1');
  t.same(part.document, hashed);
  t.same(Buffer.from(part.token), Buffer.from(token));
  t.same(
    part.evidence.map((e) => [e.id, e.recipientOffice, e.seq, e.event]),
    rows.map((e) => [e.id, e.recipientOffice, e.seq, e.event]),
  );
  const files = assembleBundle({
    documentId: part.documentId,
    document: part.document,
    evidence: stampedPartEvidence(part),
    certificates: delivery.contents.certificates!,
  });
  const bundle: BundleFiles = new Map<string, Uint8Array | HashedFile>([...files, ['document.pdf', part.document]]);
  const report = await verifyBundle(bundle, {
    trustAnchors: [pki.h.root.certificate],
    time: NOW,
  });
  t.ok(report.valid, JSON.stringify(report.pieces.filter((p) => !p.ok)));
});

void t.test('a part with no evidence is not written', async (t) => {
  await t.rejects(encode([]), { code: 'EVIDENCE_PART_INVALID' });
});

void t.test('hostile parts are refused, saying where', async (t) => {
  const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  const variant = (change: (v: Record<string, unknown>) => void): Uint8Array => {
    const v = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    change(v);
    return Buffer.from(JSON.stringify(v));
  };
  const row0 = (v: Record<string, unknown>) => (v.evidence as Array<Record<string, unknown>>)[0]!;
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['not JSON', Buffer.from('{"format":'), /not JSON/],
    ['an array', Buffer.from('[]'), /not a JSON object/],
    ['a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), /byte order mark/],
    ['another format', variant((v) => (v.format = 'lienthong-evidence-bundle')), /format/],
    ['version 2', variant((v) => (v.version = 2)), /version/],
    ['an unknown member', variant((v) => (v.extra = 1)), /exactly/],
    ['a missing token', variant((v) => delete v.timestamp), /exactly/],
    ['a path in the id', variant((v) => (v.deliveryId = '../x')), /deliveryId/],
    ['no evidence', variant((v) => (v.evidence = [])), /evidence is not/],
    ['a token not base64', variant((v) => (v.timestamp = 'ab$c')), /timestamp/],
    ['a row id not a UUID', variant((v) => (row0(v).id = 'x')), /evidence\[0\]\.id/],
    ['a row twice', variant((v) => (v.evidence = [row0(v), row0(v)])), /twice/],
    ['a negative seq', variant((v) => (row0(v).seq = -1)), /seq/],
    ['a recipient not a code', variant((v) => (row0(v).recipientOffice = '../HU')), /recipientOffice/],
    ['a CMS not base64', variant((v) => (row0(v).cms = '****')), /cms/],
    ['a proof index beyond its size', variant((v) => ((row0(v).proof as Record<string, unknown>).index = 99)), /index/],
    [
      'a proof of 21 hashes',
      variant((v) => {
        (row0(v).proof as Record<string, unknown>).path = new Array<string>(21).fill('00'.repeat(32));
      }),
      /path/,
    ],
    ['a proof with a member more', variant((v) => ((row0(v).proof as Record<string, unknown>).x = 1)), /exactly/],
    [
      'a member repeated',
      Buffer.from(Buffer.from(bytes).toString('utf8').replace('"version":1,', '"version":1,"version":1,')),
      /repeat|twice|more than once/i,
    ],
  ];
  for (const [name, input, message] of cases) {
    try {
      parseStampedPart(input);
      t.fail(`${name}: accepted`);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_PART_INVALID'), `${name}: ${(e as Error).message}`);
      t.match(`${(e as Error).message} ${(e as { detail?: string }).detail ?? ''}`, message, name);
    }
  }
  t.equal(MAX_STAMPED_PART_BYTES, 512 * 1024 * 1024);
});
