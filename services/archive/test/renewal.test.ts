/**
 * Long-term validity on the real PostgreSQL, Kafka and MinIO with the real signing service's
 * TSA (the archive's own token): a package never time-stamped is due; a renewal adds
 * `evidence-record-1.json` (one link over every object) and a manifest version, sets the
 * protection's end from the TSA certificate and the algorithm table, and is audited; with the
 * clock moved to the margin before that end the package is due again and a second renewal
 * chains to the first; the chain verifies against signing's CA and an altered or shortened
 * chain does not; the gauge counts what is due.
 */
import t from 'tap';
import { signPdf, verifyPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { readCertificate } from '@lienthong/pki';
import { readAudit } from '../src/audit/audit-log.ts';
import { fetchSigningTrust } from '../src/evidence/evidence-trust.ts';
import { findPackage, listArchivedObjects } from '../src/packages/package-repository.ts';
import { verifyEvidenceRecord } from '../src/renewal/evidence-record.ts';
import type { EvidenceRecord } from '../src/renewal/evidence-record.ts';
import { algorithmDeprecations, protectionExpiry, renewalDue, stampProtection } from '../src/renewal/protection.ts';
import { countDuePackages, duePackages, renewPackage } from '../src/renewal/renew-package.ts';
import { createArchiveTsa } from '../src/renewal/tsa-client.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  signingPeerForFile,
  unsignedPdf,
} from './ingest-support.ts';
import { waitFor } from '../../../test/support/env.ts';
import { testWorkers } from './worker-support.ts';
import { hierarchy, signerOf } from '../../../libs/pades/test/sign/support.ts';

const signing = await signingPeerForFile(t);
const d = await ingestForFile(t, signing);
const { app, pool, store, bucket, sourceBucket, guard } = d;
const tsa = createArchiveTsa({ signingUrl: signing.url, key: signing.key, keyId: 'archive-test', timeoutMs: 30_000 });
const trust = await fetchSigningTrust(signing.url, 10_000);
const marginMs = 86_400_000;

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

async function recordOf(name: string): Promise<EvidenceRecord> {
  const o = (await listArchivedObjects(pool, id)).find((x) => x.name === name)!;
  const { body } = await store.get(bucket, o.key, { versionId: o.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as EvidenceRecord;
}
const protectedUntil = async () =>
  (await pool.query<{ p: Date | null }>('SELECT protected_until AS p FROM package WHERE record_id = $1', [id])).rows[0]!
    .p;
const deps = { pool, store, bucket, guard, tsa, workers: testWorkers(t), trust: () => Promise.resolve(trust) };
const bytesOf = async (name: string): Promise<Buffer> => {
  const o = (await listArchivedObjects(pool, id)).find((x) => x.name === name)!;
  const { body } = await store.get(bucket, o.key, { versionId: o.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

await t.test('a package never time-stamped is due; the first renewal makes one link over every object', async (t) => {
  t.ok((await duePackages(pool, new Date(), marginMs, 1000)).includes(id), 'due at ingest');
  const metrics = await app.inject({ url: '/metrics' });
  t.match(metrics.body, /\nlienthong_archive_renewal_due(\{[^}]*\})? [1-9]/);
  const renewal = await renewPackage(deps, id);
  t.equal(renewal.name, 'evidence-record-1.json');
  const names = (await listArchivedObjects(pool, id)).map((o) => o.name);
  t.same(names, [
    'document-lta-1.pdf',
    'document.pdf',
    'evidence-record-1.json',
    'manifest-2.json',
    'manifest.json',
    'metadata.json',
    'validation.json',
  ]);
  t.equal(renewal.pdf, 'document-lta-1.pdf');
  const original = await bytesOf('document.pdf');
  const lta1 = await bytesOf('document-lta-1.pdf');
  t.ok(lta1.length > original.length && lta1.subarray(0, original.length).equals(original), 'the original is a prefix');
  const report = await verifyPdf(memorySource(lta1), { ...trust, time: new Date() });
  const stamps = report.signatures.filter((s) => s.kind === 'document-timestamp');
  t.equal(stamps.length, 1, 'one document time-stamp');
  t.equal(stamps[0]!.indication, 'TOTAL_PASSED', stamps[0]!.message);
  t.equal(stamps[0]!.coverage.wholeFile, true);
  const record = await recordOf('evidence-record-1.json');
  t.same(
    record.chain[0]!.objects.map((o) => o.name),
    ['document-lta-1.pdf', 'document.pdf', 'metadata.json', 'validation.json'],
  );
  t.equal(record.chain[0]!.previous, null);
  const check = verifyEvidenceRecord(record, { ...trust, time: new Date() });
  t.ok(check.ok, check.message);
  // The end of the protection: signing's TSA certificate, or sooner an algorithm of the table.
  const protection = stampProtection(Buffer.from(record.chain[0]!.token, 'base64'));
  const tsaCertificate = trust.intermediates
    .map((c) => readCertificate(c))
    .find((c) => c.extKeyUsage?.includes('1.3.6.1.5.5.7.3.8'));
  t.equal(protection.tsaNotAfter.getTime(), tsaCertificate?.notAfter.getTime(), "signing's TSA certificate's end");
  t.same(await protectedUntil(), protectionExpiry(protection));
  t.notOk((await duePackages(pool, new Date(), marginMs, 1000)).includes(id), 'not due once stamped');
  const entries = (await readAudit(pool, 'VPTU-CM', 0, 1000)).entries.filter(
    (e) => e.action === 'record.timestamp-renewed' && e.recordId === id,
  );
  t.equal(entries.length, 1);
});

await t.test(
  'at the margin before the protection ends it is due; the same TSA cannot extend it, so nothing is written',
  async (t) => {
    const until = (await protectedUntil())!;
    const justBefore = new Date(until.getTime() - marginMs - 1000);
    const atMargin = new Date(until.getTime() - marginMs + 1000);
    t.notOk((await duePackages(pool, justBefore, marginMs, 1000)).includes(id), 'not due a second before the margin');
    t.ok((await duePackages(pool, atMargin, marginMs, 1000)).includes(id), 'due at the margin');
    t.ok((await countDuePackages(pool, atMargin, marginMs)) >= 1);
    t.ok(renewalDue(until, atMargin, marginMs));
    const before = await listArchivedObjects(pool, id);
    // Signing's TSA certificate is the one that ends then: a renewal by it would protect no longer (the chaining
    // by a TSA with a later certificate is renewal-clock.test.ts).
    await t.rejects(renewPackage({ ...deps, now: () => atMargin }, id), { name: 'RenewalFutile' });
    await t.rejects(renewPackage({ ...deps, trust: undefined, now: () => atMargin }, id), { name: 'RenewalFutile' });
    t.equal(
      (await listArchivedObjects(pool, id)).length,
      before.length,
      'nothing added to the package (without the TSA certificate known beforehand, the renewed PDF stays an unnamed locked version)',
    );
    t.ok((await duePackages(pool, atMargin, marginMs, 1000)).includes(id), 'still due: the alert will say so');
    // A disposed package (its objects deleted after an approved disposition) is never due, nor counted.
    const counted = await countDuePackages(pool, atMargin, marginMs);
    await pool.query('UPDATE package SET disposed_at = now() WHERE record_id = $1', [id]);
    t.notOk((await duePackages(pool, atMargin, marginMs, 1000)).includes(id), 'a disposed package is not due');
    t.equal(await countDuePackages(pool, atMargin, marginMs), counted - 1, 'nor counted by the gauge');
    await pool.query('UPDATE package SET disposed_at = NULL WHERE record_id = $1', [id]);
    const record = await recordOf('evidence-record-1.json');
    // Altered: an object's hash; another link's token in its place.
    const altered = structuredClone(record);
    altered.chain[0]!.objects[0]!.sha256 = '0'.repeat(64);
    t.match(verifyEvidenceRecord(altered, { ...trust, time: new Date() }), { ok: false, message: /link 0/ });
    // Beyond the TSA certificate's end, with no later link, the chain no longer verifies: why renewals come before it.
    const expired = new Date(protectionExpiry(stampProtection(Buffer.from(record.chain[0]!.token, 'base64')), [], {})!);
    expired.setUTCFullYear(expired.getUTCFullYear() + 1);
    t.equal(verifyEvidenceRecord(record, { ...trust, time: expired }).ok, false);
  },
);

await t.test(
  'the algorithm table is a parameter: a deprecation sooner than the certificate ends the protection',
  (t) => {
    const protection = { genTime: new Date(), tsaNotAfter: new Date('2040-01-01T00:00:00Z'), algorithms: ['rsa-2048'] };
    t.same(protectionExpiry(protection), algorithmDeprecations['rsa-2048']);
    t.same(protectionExpiry(protection, [], {}), protection.tsaNotAfter);
    t.same(protectionExpiry(protection, [new Date('2028-01-01T00:00:00Z')], {}), new Date('2028-01-01T00:00:00Z'));
    t.equal(protectionExpiry(undefined), null);
    t.ok(renewalDue(null, new Date(), marginMs));
    t.end();
  },
);

await t.test('a signed PDF gets a DSS with the validation data and a document time-stamp (B-LTA)', async (t) => {
  const h = await hierarchy;
  const sink = memorySink();
  await signPdf(memorySource(await unsignedPdf()), sink, { ...signerOf(h, 'seal'), level: 'B-B' });
  const signed = Buffer.from(await sink.read(0, sink.size));
  const other = await issuedDocument(store, sourceBucket, signed, { retention: '10-years', issuedAt: decadeAgo() });
  await publishIssued(d, issuedEnvelope(other));
  await waitFor('the signed package', async () => (await findPackage(pool, other.documentId)) !== undefined, 90_000);
  const renewal = await renewPackage(deps, other.documentId);
  t.equal(renewal.pdf, 'document-lta-1.pdf');
  const o = (await listArchivedObjects(pool, other.documentId)).find((x) => x.name === 'document-lta-1.pdf')!;
  const { body } = await store.get(bucket, o.key, { versionId: o.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  const lta = Buffer.concat(chunks);
  t.ok(lta.subarray(0, signed.length).equals(signed), 'the signed original is a prefix');
  t.match(lta.subarray(signed.length).toString('latin1'), /\/DSS/, 'a DSS revision');
  const report = await verifyPdf(memorySource(lta), {
    trustAnchors: [...trust.trustAnchors, h.root.certificate.der],
    intermediates: [...trust.intermediates, h.intermediate.certificate.der],
    time: new Date(),
  });
  t.same(
    report.signatures.map((x) => [x.kind, x.integrity]),
    [
      ['signature', true],
      ['document-timestamp', true],
    ],
  );
  t.equal(report.signatures[1]!.indication, 'TOTAL_PASSED', report.signatures[1]!.message);
});
