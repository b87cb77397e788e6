// One evidence: a statement signed as the signing service's CMS route signs (detached CAdES
// over its digest), the statement attached, verified offline by checkEvidence and by
// `openssl cms -verify` against the acting office's certificate chain.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readSignedData, toPem } from '@lienthong/pki';
import {
  attachStatement,
  checkEvidence,
  encodeStatement,
  evidenceEvents,
  isEvidenceError,
  statementDigest,
  type EvidenceStatement,
} from '../src/index.ts';
import { skipUnless } from '../../../test/support/judges.ts';
import {
  buildOfficesPki,
  DOCUMENT,
  DOCUMENT_SHA256,
  NOW,
  OTHER,
  RECIPIENT,
  SENDER,
  signDigest,
  signEvidence,
  statementOf,
} from './helpers/offices.ts';

const pki = await buildOfficesPki();
const doc = { documentSha256: DOCUMENT_SHA256, documentLength: DOCUMENT.length };
const options = {
  trustAnchors: [pki.h.root.certificate],
  intermediates: [pki.h.intermediate.certificate],
  time: NOW,
};

void t.test('every event, signed by its acting office, verifies', async (t) => {
  for (const { event } of evidenceEvents) {
    const statement = statementOf(event as EvidenceStatement['event'], doc);
    const cms = await signEvidence(pki, statement);
    const check = checkEvidence(cms, options);
    t.ok(check.ok, `${event}: ${check.message}`);
    t.same(check.statement, statement);
    t.equal(check.signerOffice, statement.actingOffice);
    t.equal(check.report?.level, 'B-B');
    t.match(check.digest, /^[0-9a-f]{64}$/);
    t.equal(check.revocationChecked, false, 'no CRL given: revocation not checked, and said so');
  }
});

void t.test(
  'a B-T signature from the signing route keeps its signature-time-stamp once the statement is attached',
  async (t) => {
    const cms = await signEvidence(pki, statementOf('RecallRejection', doc), undefined, 'B-T');
    const check = checkEvidence(cms, options);
    t.ok(check.ok, check.message);
    t.equal(check.report?.level, 'B-T');
    t.same(check.report?.bestSignatureTime, NOW);
  },
);

void t.test('with CRLs revocation is checked', async (t) => {
  const cms = await signEvidence(pki, statementOf('ContentConsignment', doc));
  const check = checkEvidence(cms, { ...options, crls: [pki.h.rootCrl, pki.h.intermediateCrl] });
  t.ok(check.ok, check.message);
  t.equal(check.revocationChecked, true);
});

void t.test(
  "openssl cms -verify accepts an evidence against the acting office's chain and prints the statement",
  { skip: skipUnless('openssl') },
  async (t) => {
    const statement = statementOf('AcceptanceByRecipient', doc);
    const cms = await signEvidence(pki, statement);
    const dir = mkdtempSync(join(tmpdir(), 'evidence-openssl-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'e.p7s'), cms);
    writeFileSync(join(dir, 'root.pem'), toPem('CERTIFICATE', pki.h.root.certificate.der));
    const run = (anchor: string) =>
      spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'e.p7s',
          '-CAfile',
          anchor,
          '-purpose',
          'any',
          '-attime',
          String(NOW.getTime() / 1000),
        ],
        { cwd: dir },
      );
    const ok = run('root.pem');
    t.equal(ok.status, 0, ok.stderr.toString());
    t.same(new Uint8Array(ok.stdout), encodeStatement(statement), 'openssl prints the statement it verified');
    writeFileSync(join(dir, 'other.pem'), toPem('CERTIFICATE', pki.seals[OTHER]!.certificate.der));
    t.not(run('other.pem').status, 0, 'against another trust anchor it fails');
    const flipped = Buffer.from(cms);
    const at = Buffer.from(cms).indexOf(Buffer.from('"incomingNumber":"125"'));
    flipped[at + 19] = 0x36;
    writeFileSync(join(dir, 'e.p7s'), flipped);
    t.not(run('root.pem').status, 0, 'a changed statement fails');
  },
);

void t.test("an evidence not signed by the acting office's certificate fails", async (t) => {
  const statement = statementOf('AcceptanceByRecipient', doc);
  const bySender = checkEvidence(await signEvidence(pki, statement, pki.seals[SENDER]), options);
  t.notOk(bySender.ok);
  t.equal(bySender.code, 'EVIDENCE_ACTING_OFFICE_MISMATCH');
  t.equal(bySender.signerOffice, SENDER);
  const byOther = checkEvidence(await signEvidence(pki, statement, pki.seals[OTHER]), options);
  t.equal(byOther.code, 'EVIDENCE_ACTING_OFFICE_MISMATCH');
  const anonymous = checkEvidence(
    await signEvidence(pki, statementOf('ContentConsignment', doc), pki.anonymous),
    options,
  );
  t.equal(anonymous.code, 'EVIDENCE_ACTING_OFFICE_MISMATCH', anonymous.message);
  t.match(anonymous.message, /names no office/);
});

void t.test(
  'an evidence fails without a trust anchor, at a time outside the seal, or with a byte changed',
  async (t) => {
    const cms = await signEvidence(pki, statementOf('ContentHandover', doc));
    t.equal(checkEvidence(cms, { ...options, trustAnchors: [] }).code, 'EVIDENCE_SIGNATURE_INVALID');
    t.equal(
      checkEvidence(cms, { ...options, trustAnchors: [pki.seals[RECIPIENT]!.certificate] }).code,
      'EVIDENCE_SIGNATURE_INVALID',
      'a certificate that is not the root is no anchor for it',
    );
    t.equal(
      checkEvidence(cms, { ...options, time: new Date('2030-01-01T00:00:00Z') }).code,
      'EVIDENCE_SIGNATURE_INVALID',
    );
    // What the signature covers: the statement (through message-digest), the signed attributes
    // and the signature value. Unsigned parts (versions, the digestAlgorithms set, the sid, the
    // certificates set) are bound by the evidence's digest in its batch (batch.test.ts).
    const own = { trustAnchors: options.trustAnchors, time: NOW };
    const sd = readSignedData(cms);
    const signer = sd.signerInfos[0]!;
    const attrs = Uint8Array.from(signer.signedAttributesDer!);
    attrs[0] = 0xa0;
    const ranges = [sd.content!, attrs, signer.signature].map((part) => {
      const start = Buffer.from(cms).indexOf(Buffer.from(part));
      return [start, start + part.length] as const;
    });
    const passed: number[] = [];
    let tried = 0;
    for (const [start, end] of ranges)
      for (let i = start; i < end; i++) {
        const changed = Uint8Array.from(cms);
        changed[i]! ^= 0x01;
        tried++;
        if (checkEvidence(changed, own).ok) passed.push(i);
      }
    t.ok(tried > 400, `${tried} signed bytes tried`);
    t.same(passed, [], 'every flipped byte of the statement, the signed attributes and the signature value fails it');
    t.equal(checkEvidence(new Uint8Array(2 * 1024 * 1024), options).code, 'EVIDENCE_SIGNATURE_INVALID', 'oversized');
    t.equal(checkEvidence(Uint8Array.of(0x30, 0x80), options).code, 'EVIDENCE_SIGNATURE_INVALID', 'garbage');
  },
);

void t.test('a CMS that is not a statement fails with the statement code', async (t) => {
  const junk = new TextEncoder().encode('{"hello":"world"}');
  const cms = attachStatement(await signDigest(pki, pki.seals[SENDER]!, statementDigest(junk)), junk);
  const check = checkEvidence(cms, options);
  t.equal(check.code, 'EVIDENCE_STATEMENT_UNKNOWN_FIELD', check.message);
  const detached = await signDigest(pki, pki.seals[SENDER]!, statementDigest(junk));
  t.equal(checkEvidence(detached, options).code, 'EVIDENCE_SIGNATURE_INVALID', 'a detached CMS carries no statement');
});

void t.test('attachStatement keeps the signature and refuses what it cannot carry', async (t) => {
  const bytes = encodeStatement(statementOf('RecallRequest', doc));
  const detached = await signDigest(pki, pki.seals[SENDER]!, statementDigest(bytes));
  const attached = attachStatement(detached, bytes);
  const sd = readSignedData(attached);
  t.same(sd.content, bytes);
  t.same(
    sd.signerInfos[0]!.der,
    readSignedData(detached).signerInfos[0]!.der,
    'the SignerInfo is byte for byte the same',
  );
  const refusals: [string, () => unknown][] = [
    ['another statement', () => attachStatement(detached, encodeStatement(statementOf('RecallRequest', doc)))],
    ['twice', () => attachStatement(attached, bytes)],
    ['garbage', () => attachStatement(Uint8Array.of(1, 2, 3), bytes)],
    ['trailing bytes', () => attachStatement(Buffer.concat([detached, Uint8Array.of(0)]), bytes)],
  ];
  for (const [what, run] of refusals) {
    try {
      run();
      t.fail(what);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_CMS_UNSUITABLE'), `${what}: ${(e as Error).message}`);
    }
  }
});
