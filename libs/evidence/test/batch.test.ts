// Batched time-stamps: evidence signed as the signing service signs it, batches of 1, 2, 3, 7
// and 1,000, one RFC 3161 token per batch over its root, every inclusion verified, and a
// time-stamped evidence that changes in any byte, or travels with another batch's proof or
// token, refused.
import { createHash } from 'node:crypto';
import t from 'tap';
import { fixedClock, issueCrl, keySigner, readTimeStampRequest, verifyTimeStampToken } from '@lienthong/pki';
import {
  buildBatch,
  checkBatchTimestamp,
  checkEvidence,
  checkTimestampedEvidence,
  evidenceDigest,
  rootOfToken,
  timeStampRequestFor,
  verifyInclusion,
  type EvidenceStatement,
} from '../src/index.ts';
import {
  buildOfficesPki,
  sealFor,
  SENDER,
  DOCUMENT,
  DOCUMENT_SHA256,
  NOW,
  signEvidence,
  stampRoot,
  statementOf,
} from './helpers/offices.ts';

const pki = await buildOfficesPki();
const doc = { documentSha256: DOCUMENT_SHA256, documentLength: DOCUMENT.length };
const options = { trustAnchors: [pki.h.root.certificate], time: NOW };
const events: EvidenceStatement['event'][] = ['ContentConsignment', 'ContentHandover', 'AcceptanceByRecipient'];

async function evidence(n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(await signEvidence(pki, statementOf(events[i % events.length]!, doc)));
  return out;
}
const digestOf = (cms: Uint8Array): Uint8Array => createHash('sha256').update(cms).digest();

void t.test('an evidence digest is the SHA-256 of its CMS, as checkEvidence reports it', async (t) => {
  const [e] = await evidence(1);
  t.equal(checkEvidence(e!, options).digest, Buffer.from(digestOf(e!)).toString('hex'));
  t.same(evidenceDigest(e!), digestOf(e!));
});

void t.test('the request stamps the root itself with SHA-256', async (t) => {
  const root = new Uint8Array(32).fill(7);
  const request = readTimeStampRequest(timeStampRequestFor(root, { nonce: Uint8Array.of(1, 2, 3) }));
  t.equal(request.messageImprint.hash, 'sha256');
  t.same(request.messageImprint.hashedMessage, root);
  t.same(request.nonce, Uint8Array.of(1, 2, 3));
  t.equal(request.certReq, true, 'the TSA is asked for its certificate, so the bundle verifies offline');
});

for (const n of [1, 2, 3, 7]) {
  void t.test(`a batch of ${n}: one token, every evidence verifies with it`, async (t) => {
    const cms = await evidence(n);
    const { root, proofs } = buildBatch(cms.map(digestOf));
    const token = await stampRoot(pki, root);
    t.equal(Buffer.compare(rootOfToken(token)!, root), 0, "the token's imprint is the root");
    t.ok(
      verifyTimeStampToken(token, {
        imprint: root,
        trustAnchors: [pki.h.root.certificate],
        revocation: 'none',
        time: NOW,
      }).valid,
      'libs/pki verifies the token over the root',
    );
    for (const [i, c] of cms.entries()) {
      const check = checkTimestampedEvidence(c, { proof: proofs[i]!, token }, options);
      t.ok(check.ok, `${i}: ${check.message}`);
      t.ok(check.included);
      t.same(check.timestamp.genTime, NOW);
    }
  });
}

void t.test('a batch of 1,000: one token, every inclusion verifies', async (t) => {
  const cms = await evidence(1000);
  const digests = cms.map(digestOf);
  const { root, proofs } = buildBatch(digests);
  const token = await stampRoot(pki, root);
  const stamped = checkBatchTimestamp(token, rootOfToken(token)!, options);
  t.ok(stamped.ok, stamped.message);
  let included = 0;
  for (const [i, d] of digests.entries()) if (verifyInclusion(d, proofs[i]!, root).ok) included++;
  t.equal(included, 1000);
  for (const i of [0, 1, 499, 998, 999])
    t.ok(checkTimestampedEvidence(cms[i]!, { proof: proofs[i]!, token }, options).ok, `evidence ${i}`);
});

void t.test('a time-stamped evidence fails with any byte changed, or with a proof or token of another', async (t) => {
  const cms = await evidence(3);
  const { root, proofs } = buildBatch(cms.map(digestOf));
  const token = await stampRoot(pki, root);
  const e = cms[1]!;
  const passed: number[] = [];
  for (let i = 0; i < e.length; i += 3) {
    const changed = Uint8Array.from(e);
    changed[i]! ^= 0x01;
    if (checkTimestampedEvidence(changed, { proof: proofs[1]!, token }, options).ok) passed.push(i);
  }
  t.same(passed, [], 'every third byte flipped fails, signed or not: the digest is in the batch');

  const wrongProof = checkTimestampedEvidence(e, { proof: proofs[0]!, token }, options);
  t.equal(wrongProof.code, 'EVIDENCE_PROOF_INVALID', wrongProof.message);
  const other = await stampRoot(pki, new Uint8Array(32));
  const wrongToken = checkTimestampedEvidence(e, { proof: proofs[1]!, token: other }, options);
  t.equal(wrongToken.code, 'EVIDENCE_PROOF_INVALID', wrongToken.message);
  const flippedToken = Uint8Array.from(token);
  flippedToken[flippedToken.length - 10]! ^= 0x01;
  t.equal(
    checkTimestampedEvidence(e, { proof: proofs[1]!, token: flippedToken }, options).code,
    'EVIDENCE_TIMESTAMP_INVALID',
  );
  const hostile = checkTimestampedEvidence(e, { proof: { index: 5, size: 3, path: [] }, token }, options);
  t.equal(hostile.code, 'EVIDENCE_PROOF_INVALID', hostile.message);
  t.equal(
    checkTimestampedEvidence(e, { proof: proofs[1]!, token: Uint8Array.of(0x30, 0) }, options).code,
    'EVIDENCE_PROOF_INVALID',
  );
});

void t.test(
  "the token's TSA must validate to the trust anchors, and the statement must not postdate the token",
  async (t) => {
    const [e] = await evidence(1);
    const { root, proofs } = buildBatch([digestOf(e!)]);
    const token = await stampRoot(pki, root);
    const untrusted = checkTimestampedEvidence(
      e!,
      { proof: proofs[0]!, token },
      { ...options, trustAnchors: [pki.seals['HU-DT']!.certificate] },
    );
    t.notOk(untrusted.ok);
    const early = await stampRoot(pki, root, new Date(NOW.getTime() - 3600_000));
    const late = checkTimestampedEvidence(e!, { proof: proofs[0]!, token: early }, options);
    t.equal(late.code, 'EVIDENCE_TIMESTAMP_INVALID', late.message);
    t.match(late.message, /after its batch's time-stamp/);
  },
);

void t.test('a seal expired or revoked since its batch time-stamp: the evidence holds at the genTime', async (t) => {
  const day = 86_400_000;
  const later = (days: number) => new Date(NOW.getTime() + days * day);
  const shortLived = await sealFor(pki.h, SENDER, 'Tỉnh ủy Hà Nam', true, later(1));
  const revokedLater = await sealFor(pki.h, SENDER, 'Tỉnh ủy Hà Nam');
  const revokedBefore = await sealFor(pki.h, SENDER, 'Tỉnh ủy Hà Nam');
  const cms = [
    await signEvidence(pki, statementOf('ContentConsignment', doc), shortLived),
    await signEvidence(pki, statementOf('ContentConsignment', doc), revokedLater),
    await signEvidence(pki, statementOf('ContentConsignment', doc), revokedBefore),
  ];
  const { root, proofs } = buildBatch(cms.map(digestOf));
  const token = await stampRoot(pki, root);
  const stamp = (i: number) => ({ proof: proofs[i]!, token });

  const expired = { ...options, time: later(30) };
  t.equal(checkEvidence(cms[0]!, expired).code, 'EVIDENCE_SIGNATURE_INVALID', 'alone, the expired seal fails');
  const held = checkTimestampedEvidence(cms[0]!, stamp(0), expired);
  t.ok(held.ok, held.message);
  t.same(held.validatedAt, NOW);
  t.match(held.message, /valid at its time-stamp .* EXPIRED/);

  const crl = await issueCrl(
    {
      crlNumber: 8,
      thisUpdate: later(2),
      nextUpdate: later(40),
      revoked: [
        { serialNumber: revokedLater.certificate.serialNumber, revocationDate: later(1), reason: 1 },
        {
          serialNumber: revokedBefore.certificate.serialNumber,
          revocationDate: new Date(NOW.getTime() - day),
          reason: 1,
        },
      ],
    },
    pki.h.intermediate.certificate,
    keySigner(pki.h.intermediate.privateKey),
    { clock: fixedClock(later(2)) },
  );
  const revocation = { ...options, time: later(10), crls: [pki.h.rootCrl, crl] };
  t.equal(checkEvidence(cms[1]!, revocation).code, 'EVIDENCE_SIGNATURE_INVALID', 'alone, the revoked seal fails');
  const afterwards = checkTimestampedEvidence(cms[1]!, stamp(1), revocation);
  t.ok(afterwards.ok, `revoked after the time-stamp: ${afterwards.message}`);
  t.equal(afterwards.revocationChecked, true);
  const before = checkTimestampedEvidence(cms[2]!, stamp(2), revocation);
  t.notOk(before.ok, 'revoked before the time-stamp: still invalid');
  t.equal(before.code, 'EVIDENCE_SIGNATURE_INVALID', before.message);
});
