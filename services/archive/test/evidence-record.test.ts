/**
 * The evidence record's verifier on hostile input, without services: records of the wrong
 * shape, links whose objects or tokens are not what they say, never a throw, always a reason.
 */
import t from 'tap';
import { buildTimeStampRequest, fixedClock, issueTimeStampToken, keySigner, tokenFrom } from '@lienthong/pki';
import { appendLink, nextLink, verifyEvidenceRecord } from '../src/renewal/evidence-record.ts';
import type { EvidenceRecord } from '../src/renewal/evidence-record.ts';
import { buildHierarchy, NOW } from '../../../libs/pki/test/helpers/hierarchy.ts';

const h = await buildHierarchy();
const trust = { trustAnchors: [h.root.certificate.der], intermediates: [h.intermediate.certificate.der], time: NOW };
const stamp = async (imprint: Uint8Array) =>
  tokenFrom(
    await issueTimeStampToken({
      request: buildTimeStampRequest({ hash: 'sha256', imprint, certReq: true }),
      tsaCertificate: h.tsa.certificate,
      chain: [h.intermediate.certificate],
      signer: keySigner(h.tsa.privateKey),
      clock: fixedClock(NOW),
      serialNumber: 7n,
      policy: '1.3.6.1.4.1.99999.2.1',
    }),
  );
const objects = [
  { name: 'metadata.json', sha256: 'a'.repeat(64) },
  { name: 'document.pdf', sha256: 'b'.repeat(64) },
];
const next1 = nextLink(undefined, objects);
const record1 = appendLink(undefined, 'r', next1, await stamp(next1.imprint), NOW);
const next2 = nextLink(record1, [...objects, { name: 'evidence/x/y.json', sha256: 'c'.repeat(64) }]);
const record = appendLink(record1, 'r', next2, await stamp(next2.imprint), NOW);

t.ok(verifyEvidenceRecord(record, trust).ok, 'the record as made verifies');
t.same(
  record.chain[0]!.objects.map((o) => o.name),
  ['document.pdf', 'metadata.json'],
  'leaves sorted by name',
);

const hostile: Array<[string, unknown]> = [
  ['null', null],
  ['a string', 'lienthong-evidence-record'],
  ['another format', { ...record, format: 'ers' }],
  ['an empty chain', { ...record, chain: [] }],
  ['a chain that is not an array', { ...record, chain: {} }],
  ['a link that is null', { ...record, chain: [null] }],
  ['objects not an array', { ...record, chain: [{ ...record.chain[0], objects: 'x' }] }],
  ['an object without a hash', { ...record, chain: [{ ...record.chain[0], objects: [{ name: 'x' }] }] }],
  ['a token that is not text', { ...record, chain: [{ ...record.chain[0], token: 42 }] }],
  ['a token of garbage', { ...record, chain: [{ ...record.chain[0], token: 'AAAA' }] }],
  ['the links swapped', { ...record, chain: [record.chain[1], record.chain[0]] }],
  ['the second link without the first', { ...record, chain: [record.chain[1]] }],
  [
    'an object added to the first link',
    {
      ...record,
      chain: [
        { ...record.chain[0], objects: [...record.chain[0]!.objects, { name: 'z', sha256: 'd'.repeat(64) }] },
        record.chain[1],
      ],
    },
  ],
];
for (const [what, value] of hostile) {
  const check = verifyEvidenceRecord(value as EvidenceRecord, trust);
  t.equal(check.ok, false, `${what}: refused (${check.message})`);
  t.ok(check.message.length > 0);
}
