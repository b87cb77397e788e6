/**
 * Long-term validity with the clock moved forward years (the real PostgreSQL, Kafka and MinIO;
 * the TSAs in process, from libs/pki's test hierarchy, so their certificates can expire): the
 * first renewal (2026-06-01, TSA 1 valid to 2027-12-31) protects the package to that date; it
 * is not due until the margin before it, then a second renewal by TSA 2 (2027-10-03) chains to
 * it. In 2029, when TSA 1's certificate has expired, the evidence record verifies through TSA
 * 2's link and the renewed PDF's newest document time-stamp passes over the whole file, while the
 * first record and the first renewed PDF alone no longer verify.
 */
import t from 'tap';
import { verifyPdf } from '@lienthong/pades';
import { memorySource } from '@lienthong/pdf';
import {
  buildTimeStampRequest,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  issueTimeStampToken,
  keySigner,
  tokenFrom,
  tsaProfile,
} from '@lienthong/pki';
import type { Certificate } from '@lienthong/pki';
import type { KeyObject } from 'node:crypto';
import { findPackage, listArchivedObjects } from '../src/packages/package-repository.ts';
import { verifyEvidenceRecord } from '../src/renewal/evidence-record.ts';
import type { EvidenceRecord } from '../src/renewal/evidence-record.ts';
import { duePackages, renewPackage } from '../src/renewal/renew-package.ts';
import type { ArchiveTsa } from '../src/renewal/tsa-client.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  signingPeerForFile,
  unsignedPdf,
} from './ingest-support.ts';
import { buildHierarchy } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { waitFor } from '../../../test/support/env.ts';
import { testWorkers } from './worker-support.ts';

const h = await buildHierarchy();
const tsa2Keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
const tsa2 = await issueCertificate(
  tsaProfile({
    subject: [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'Lienthong' },
      { type: 'CN', value: 'Lienthong TSA 2' },
    ],
    publicKey: tsa2Keys.publicKey,
    notBefore: new Date('2027-06-01T00:00:00Z'),
    validityDays: 1095,
  }),
  { certificate: h.intermediate.certificate, signer: keySigner(h.intermediate.privateKey) },
  { clock: fixedClock(new Date('2027-06-01T00:00:00Z')) },
);

let serial = 1n;
/** A TSA of the test hierarchy answering at `at`. */
function tsaAt(certificate: Certificate, key: KeyObject, at: Date): ArchiveTsa {
  return {
    stamp: async (imprint) =>
      tokenFrom(
        await issueTimeStampToken({
          request: buildTimeStampRequest({ hash: 'sha256', imprint, certReq: true }),
          tsaCertificate: certificate,
          chain: [h.intermediate.certificate],
          signer: keySigner(key),
          clock: fixedClock(at),
          serialNumber: serial++,
          policy: '1.3.6.1.4.1.99999.2.1',
        }),
      ),
  };
}

const trust = {
  trustAnchors: [h.root.certificate.der],
  intermediates: [h.intermediate.certificate.der],
  crls: [],
};
const signing = await signingPeerForFile(t);
const d = await ingestForFile(t, signing);
const { pool, store, bucket, sourceBucket, guard } = d;
const marginMs = 90 * 86_400_000;

function decadeAgo(): string {
  const at = new Date(Date.now() + 60_000);
  at.setUTCFullYear(at.getUTCFullYear() - 10);
  return at.toISOString();
}
const issued = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
  retention: '10-years',
  issuedAt: decadeAgo(),
});
const id = issued.documentId;
await publishIssued(d, issuedEnvelope(issued));
await waitFor('the package', async () => (await findPackage(pool, id)) !== undefined, 90_000);

async function bytesOf(name: string): Promise<Buffer> {
  const o = (await listArchivedObjects(pool, id)).find((x) => x.name === name)!;
  const { body } = await store.get(bucket, o.key, { versionId: o.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const recordOf = async (name: string) => JSON.parse((await bytesOf(name)).toString('utf8')) as EvidenceRecord;
const deps = { pool, store, bucket, guard, workers: testWorkers(t), trust: () => Promise.resolve(trust) };
const first = new Date('2026-06-01T00:00:00Z');
const second = new Date('2027-10-03T00:00:00Z');
const later = new Date('2029-01-01T00:00:00Z');
const dueAt = async (at: Date) => (await duePackages(pool, at, marginMs, 1000)).includes(id);

await t.test('the first renewal protects the package until TSA 1 expires', async (t) => {
  t.ok(await dueAt(first), 'due before any archive time-stamp');
  const renewal = await renewPackage(
    { ...deps, tsa: tsaAt(h.tsa.certificate, h.tsa.privateKey, first), now: () => first },
    id,
  );
  t.same(renewal.protectedUntil, h.tsa.certificate.notAfter, "TSA 1's certificate ends first (RSA-2048 only in 2031)");
  t.notOk(await dueAt(first), 'nothing to do right after');
  t.notOk(await dueAt(new Date(h.tsa.certificate.notAfter.getTime() - marginMs - 60_000)), 'not before the margin');
  t.ok(await dueAt(second), 'due at the margin before TSA 1 expires');
});

await t.test(
  'the second renewal by TSA 2 chains; years later, the renewed chain and PDF verify, the first alone not',
  async (t) => {
    const renewal = await renewPackage(
      { ...deps, tsa: tsaAt(tsa2, tsa2Keys.privateKey, second), now: () => second },
      id,
    );
    t.equal(renewal.links, 2);
    t.same(renewal.protectedUntil, tsa2.notAfter);
    t.notOk(await dueAt(later), 'protected in 2029');
    const record2 = await recordOf('evidence-record-2.json');
    const record1 = await recordOf('evidence-record-1.json');
    const at2029 = verifyEvidenceRecord(record2, { ...trust, time: later });
    t.ok(at2029.ok, at2029.message);
    t.same(at2029.genTimes, [first, second], 'link 1 verified at link 2 genTime');
    t.equal(verifyEvidenceRecord(record1, { ...trust, time: later }).ok, false, 'the first link alone: TSA 1 expired');
    t.ok(verifyEvidenceRecord(record1, { ...trust, time: first }).ok, 'though it verified in its time');
    // The test hierarchy's CRLs ran out in 2026 and were not renewed: revocation is not what this test judges.
    const in2029 = { ...trust, time: later, revocation: 'none' } as const;
    const lta2 = await verifyPdf(memorySource(await bytesOf('document-lta-2.pdf')), in2029);

    // The newest document time-stamp (TSA 2, valid in 2029) passes over the whole file, the first one's bytes
    // included; libs/pades judges each document time-stamp at the validation time and does not yet take a later one
    // as proof of existence for an earlier one (EN 319 102-1 §5.6.3), so the first is INDETERMINATE, its
    // integrity intact: the chain of the evidence record above is what carries the first time-stamp past 2027.
    t.same(
      lta2.signatures.map((s) => [s.kind, s.integrity]),
      [
        ['document-timestamp', true],
        ['document-timestamp', true],
      ],
    );
    t.equal(lta2.signatures[1]!.indication, 'TOTAL_PASSED', lta2.signatures[1]!.message);
    t.equal(lta2.signatures[1]!.coverage.wholeFile, true);
    const lta1Bytes = await bytesOf('document-lta-1.pdf');
    const lta2Bytes = await bytesOf('document-lta-2.pdf');
    t.ok(lta2Bytes.subarray(0, lta1Bytes.length).equals(lta1Bytes), 'the first renewed PDF is a prefix of the second');
    t.same(record2.chain[0], record1.chain[0], 'the first link kept as it was');
    t.same(
      record2.chain[1]!.objects.map((o) => o.name),
      ['document-lta-1.pdf', 'document-lta-2.pdf', 'document.pdf', 'metadata.json', 'validation.json'],
      'the new tree covers the second PDF; the earlier record is bound by its token, not as a leaf',
    );
    const shortened = { ...record2, chain: record2.chain.slice(1) };
    t.match(verifyEvidenceRecord(shortened, { ...trust, time: later }), { ok: false, message: /link 0/ });
    const lta1 = await verifyPdf(memorySource(lta1Bytes), in2029);
    t.not(lta1.signatures[0]!.indication, 'TOTAL_PASSED', 'the first renewed PDF alone does not');
  },
);

await t.test('a renewal by a TSA whose certificate ends no later than the protection now writes nothing', async (t) => {
  const before = (await listArchivedObjects(pool, id)).filter((o) => o.name.startsWith('evidence-record-')).length;
  await t.rejects(
    renewPackage({ ...deps, tsa: tsaAt(h.tsa.certificate, h.tsa.privateKey, later), now: () => later }, id),
    { name: 'RenewalFutile' },
  );
  t.equal((await listArchivedObjects(pool, id)).filter((o) => o.name.startsWith('evidence-record-')).length, before);
});
