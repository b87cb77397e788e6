// Revocation that cannot be talked round (issue 15 item 4): with several sources, a revocation from any
// applicable one wins, the newest answer decides a hold, and the caller's authority (the CA database) wins.
import t from 'tap';
import {
  buildOcspRequest,
  fixedClock,
  issueCrl,
  issueOcspResponse,
  keySigner,
  validatePath,
  type Certificate,
  type OcspCertStatus,
} from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';

const h = await buildHierarchy();
const person = h.person.certificate;
const interSigner = keySigner(h.intermediate.privateKey);
const base = {
  trustAnchors: [h.root.certificate],
  intermediates: [h.intermediate.certificate],
  target: person,
  time: NOW,
};

const ocsp = async (at: string, status: OcspCertStatus): Promise<Uint8Array> =>
  issueOcspResponse({
    issuer: h.intermediate.certificate,
    responderCert: h.ocsp.certificate,
    signer: keySigner(h.ocsp.privateKey),
    statusOf: () => status,
    clock: fixedClock(new Date(at)),
    nextUpdate: 14 * 86400,
    request: buildOcspRequest({ issuer: h.intermediate.certificate, certificates: [person] }),
  });

const crl = async (at: string, revoked: { reason: number; on: string }[], crlNumber: number) =>
  issueCrl(
    {
      crlNumber,
      thisUpdate: new Date(at),
      nextUpdate: new Date('2026-07-01T00:00:00Z'),
      revoked: revoked.map((r) => ({
        serialNumber: person.serialNumber,
        revocationDate: new Date(r.on),
        reason: r.reason,
      })),
    },
    h.intermediate.certificate,
    interSigner,
    { clock: fixedClock(new Date(at)) },
  );

const KEY_COMPROMISE = 1;
const HOLD = 6;
const embeddedGood = await ocsp('2026-05-25T00:00:00Z', { status: 'good' });
const revokingCrl = await crl('2026-05-30T00:00:00Z', [{ reason: KEY_COMPROMISE, on: '2026-05-28T00:00:00Z' }], 9);

void t.test('an embedded OCSP "good" does not outvote a newer CRL that revokes (revocation any)', async (t) => {
  const r = validatePath({ ...base, revocation: 'any', ocspResponses: [embeddedGood], crls: [h.rootCrl, revokingCrl] });
  t.same([r.valid, r.reason, r.failedIndex], [false, 'REVOKED', 0], r.message ?? '');
});

void t.test('a revocation wins even against a newer "good" from another source', async (t) => {
  const laterGood = await ocsp('2026-05-31T00:00:00Z', { status: 'good' });
  const r = validatePath({ ...base, revocation: 'any', ocspResponses: [laterGood], crls: [h.rootCrl, revokingCrl] });
  t.equal(r.reason, 'REVOKED', 'keyCompromise is not undone by a later answer');
});

void t.test('of two OCSP responses, the revoking one wins whatever their order', async (t) => {
  const revoked = await ocsp('2026-05-29T00:00:00Z', {
    status: 'revoked',
    revocationTime: new Date('2026-05-28T00:00:00Z'),
    reason: KEY_COMPROMISE,
  });
  for (const responses of [
    [embeddedGood, revoked],
    [revoked, embeddedGood],
  ]) {
    const r = validatePath({ ...base, revocation: 'any', ocspResponses: responses, crls: [h.rootCrl] });
    t.equal(r.reason, 'REVOKED');
  }
});

void t.test('of two CRLs, the one that revokes wins whatever their order', async (t) => {
  const olderClean = await crl('2026-05-21T00:00:00Z', [], 8);
  for (const crls of [
    [h.rootCrl, olderClean, revokingCrl],
    [h.rootCrl, revokingCrl, olderClean],
  ]) {
    const r = validatePath({ ...base, crls });
    t.equal(r.reason, 'REVOKED');
  }
});

void t.test('a hold is decided by the newest answer', async (t) => {
  const held = await crl('2026-05-22T00:00:00Z', [{ reason: HOLD, on: '2026-05-21T00:00:00Z' }], 8);
  const released = await crl('2026-05-27T00:00:00Z', [], 9);
  let r = validatePath({ ...base, crls: [h.rootCrl, held, released] });
  t.ok(r.valid, `a newer CRL without the entry releases the hold: ${r.message ?? ''}`);
  r = validatePath({ ...base, revocation: 'any', ocspResponses: [embeddedGood], crls: [h.rootCrl, held] });
  t.ok(r.valid, `a newer OCSP "good" releases an older hold: ${r.message ?? ''}`);
  const laterHold = await crl('2026-05-29T00:00:00Z', [{ reason: HOLD, on: '2026-05-28T00:00:00Z' }], 10);
  r = validatePath({ ...base, revocation: 'any', ocspResponses: [embeddedGood], crls: [h.rootCrl, laterHold] });
  t.equal(r.reason, 'REVOKED', 'a hold newer than the OCSP "good" stands');
});

void t.test('the revocation authority (the CA database) decides for the certificates it speaks for', async (t) => {
  const asked: string[] = [];
  const authority = (c: Certificate) => {
    asked.push(c.serialHex);
    return c.serialHex === person.serialHex
      ? { status: 'revoked' as const, revocationDate: new Date('2026-05-31T00:00:00Z'), reason: KEY_COMPROMISE }
      : undefined;
  };
  let r = validatePath({
    ...base,
    revocation: 'any',
    ocspResponses: [embeddedGood],
    crls: [h.rootCrl],
    revocationAuthority: authority,
  });
  t.equal(r.reason, 'REVOKED', 'fresher than the embedded OCSP "good"');
  t.same(asked, [h.intermediate.certificate.serialHex, person.serialHex], 'asked about every certificate of the path');
  r = validatePath({
    ...base,
    crls: [h.rootCrl, revokingCrl],
    revocationAuthority: (c) => (c.serialHex === person.serialHex ? { status: 'good' } : undefined),
  });
  t.ok(r.valid, 'its "good" decides too: the CRL was made from it');
  r = validatePath({ ...base, revocation: 'none', revocationAuthority: authority });
  t.ok(r.valid, "revocation 'none' asks nobody");
});
