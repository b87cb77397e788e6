// CAdES baseline B-T, B-LT and B-LTA (ETSI EN 319 122-1): built with our TSA and OCSP responder,
// verified by us (level, proof of existence) and by `openssl cms -verify` / `openssl ts -verify`.
import { createHash } from 'node:crypto';
import t from 'tap';
import {
  OID,
  addArchiveTimeStamp,
  addSignatureTimeStamp,
  addUnsignedAttributes,
  addValidationData,
  attributeValues,
  buildOcspRequest,
  buildTimeStampRequest,
  encodeAttribute,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  issueCrl,
  issueOcspResponse,
  issueTimeStampToken,
  keySigner,
  personProfile,
  readSignedData,
  signCades,
  signedDataNodes,
  toPem,
  verifyCms,
  type Certificate,
  type TimeStamper,
} from '../src/index.ts';
import { encoded } from '../src/der/reader.ts';
import { ctx, seq, tlv } from '../src/der/writer.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';

const h = await buildHierarchy();
const s = scratch('pki-levels-');
t.teardown(s.cleanup);
const pem = (...cs: Certificate[]): string => cs.map((c) => toPem('CERTIFICATE', c.der)).join('');
const rootPem = s.file('root.pem', pem(h.root.certificate));
const tsaPem = s.file('tsa.pem', pem(h.tsa.certificate, h.intermediate.certificate));
const content = new TextEncoder().encode('Quyết định số 45-QĐ/TU ngày 01/06/2026 về việc bổ nhiệm cán bộ.\n');
const dataFile = s.file('data.bin', content);
const chain = [h.intermediate.certificate];
const interSigner = keySigner(h.intermediate.privateKey);

let serial = 1n;
const tsaAt =
  (at: Date): TimeStamper =>
  async (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint, nonce: true }),
      tsaCertificate: h.tsa.certificate,
      chain,
      signer: keySigner(h.tsa.privateKey),
      clock: fixedClock(at),
      serialNumber: serial++,
      policy: '1.3.6.1.4.1.99999.2.1',
    });
const timestamp = tsaAt(NOW);

function opensslCms(cms: Uint8Array, at: Date): { ok: boolean; out: string } {
  const f = s.file('sig.p7s', cms);
  return s.openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    f,
    '-content',
    dataFile,
    '-CAfile',
    rootPem,
    '-purpose',
    'any',
    '-attime',
    String(Math.floor(at.getTime() / 1000)),
    '-out',
    `${s.dir}/out.bin`,
  ]);
}

async function ocspFor(
  certs: Certificate[],
  at: Date,
  revoked?: { cert: Certificate; time: Date },
): Promise<Uint8Array> {
  return issueOcspResponse({
    request: buildOcspRequest({ issuer: h.intermediate.certificate, certificates: certs, nonce: false }),
    issuer: h.intermediate.certificate,
    responderCert: h.ocsp.certificate,
    signer: keySigner(h.ocsp.privateKey),
    statusOf: (hex) =>
      revoked !== undefined && hex === revoked.cert.serialHex
        ? { status: 'revoked', revocationTime: revoked.time, reason: 1 }
        : { status: 'good' },
    clock: fixedClock(at),
    nextUpdate: 30 * 86400,
  });
}

void t.test('B-B → B-T → B-LT → B-LTA: each verifies, reports its level, and openssl agrees', async (t) => {
  const bb = await signCades(content, keySigner(h.person.privateKey), { certificate: h.person.certificate, chain });
  const crls = [h.rootCrl, h.intermediateCrl];
  let r = verifyCms(bb, { trustAnchors: [h.root.certificate], crls, time: NOW, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-B'], r.message);

  const bt = await addSignatureTimeStamp(bb, timestamp);
  r = verifyCms(bt, { trustAnchors: [h.root.certificate], crls, time: NOW, detachedContent: content });
  t.same(
    [r.indication, r.level, r.bestSignatureTime?.toISOString()],
    ['TOTAL_PASSED', 'B-T', NOW.toISOString()],
    r.message,
  );
  t.ok(opensslCms(bt, NOW).ok, 'openssl cms -verify B-T');
  const token = attributeValues(readSignedData(bt).signerInfos[0]!.unsignedAttributes, OID.timeStampToken)![0]!;
  const imprint = createHash('sha256').update(readSignedData(bt).signerInfos[0]!.signature).digest('hex');
  const ts = s.openssl([
    'ts',
    '-verify',
    '-in',
    s.file('token.der', token),
    '-token_in',
    '-digest',
    imprint,
    '-CAfile',
    rootPem,
    '-untrusted',
    tsaPem,
    '-attime',
    String(Math.floor(NOW.getTime() / 1000)),
  ]);
  t.ok(ts.ok, `openssl ts -verify of the signature-time-stamp: ${ts.out}`);

  const ocsp = await ocspFor([h.person.certificate, h.tsa.certificate], NOW);
  const blt = addValidationData(bt, {
    certificates: [h.intermediate.certificate, h.tsa.certificate, h.ocsp.certificate, h.root.certificate],
    crls: [h.rootCrl],
    ocspResponses: [ocsp],
  });
  const sd = readSignedData(blt);
  t.equal(sd.ocspResponses.length, 1, 'OCSP response in crls as id-ri-ocsp-response (RFC 5940)');
  t.equal(sd.version, 5);
  r = verifyCms(blt, { trustAnchors: [h.root.certificate], time: NOW, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-LT'], `offline, embedded data only: ${r.message}`);
  t.ok(opensslCms(blt, NOW).ok, 'openssl cms -verify B-LT');
  t.same(
    addValidationData(blt, { certificates: [h.tsa.certificate], ocspResponses: [ocsp] }),
    blt,
    'adding what is there changes nothing',
  );
  r = verifyCms(blt, { trustAnchors: [h.root.certificate], crls, time: NOW, detachedContent: content });
  t.equal(r.level, 'B-LT', 'still B-LT when the caller also gives CRLs');
  const signerOnly = addValidationData(bt, {
    certificates: [h.ocsp.certificate],
    crls: [h.rootCrl],
    ocspResponses: [await ocspFor([h.person.certificate], NOW)],
  });
  r = verifyCms(signerOnly, { trustAnchors: [h.root.certificate], crls, time: NOW, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-T'], "without the TSA's validation data embedded it is not B-LT");

  const blta = await addArchiveTimeStamp(blt, tsaAt(new Date(NOW.getTime() + 60_000)), content);
  r = verifyCms(blta, { trustAnchors: [h.root.certificate], time: NOW, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-LTA'], r.message);
  t.same(
    r.timestamps?.map((x) => [x.kind, x.valid]),
    [
      ['archive', true],
      ['signature', true],
    ],
  );
  t.ok(opensslCms(blta, NOW).ok, 'openssl cms -verify B-LTA');
  const more = addValidationData(blta, { crls: [h.intermediateCrl] });
  t.equal(
    verifyCms(more, { trustAnchors: [h.root.certificate], time: NOW, detachedContent: content }).level,
    'B-LTA',
    'validation data added after the archive time-stamp is allowed',
  );
  t.not(
    verifyCms(blta, { trustAnchors: [h.root.certificate], time: NOW, detachedContent: Uint8Array.of(1) }).indication,
    'TOTAL_PASSED',
  );

  // Removing revocation data the archive time-stamp covers breaks it (EN 319 122-1 §5.5.2).
  const n = signedDataNodes(blta);
  const stripped = seq(
    encoded(n.contentType),
    ctx(
      0,
      seq(
        encoded(n.version),
        encoded(n.digestAlgorithms),
        encoded(n.encapContentInfo),
        tlv(0xa0, ...n.certificates.map((c) => encoded(c))),
        tlv(0xa1, ...n.crls.slice(1).map((c) => encoded(c))),
        tlv(0x31, ...n.signerInfos.map((x) => encoded(x))),
      ),
    ),
  );
  r = verifyCms(stripped, { trustAnchors: [h.root.certificate], time: NOW, detachedContent: content });
  t.same(
    [r.indication, r.level, r.timestamps?.find((x) => x.kind === 'archive')?.message],
    ['INDETERMINATE', undefined, 'Data covered by the archive time-stamp was removed or changed.'],
    'the root CRL removed after archiving',
  );

  // The archive time-stamp of one signature does not archive another.
  const other = addValidationData(
    await addSignatureTimeStamp(
      await signCades(content, keySigner(h.person.privateKey), {
        certificate: h.person.certificate,
        chain,
        signingTime: NOW,
      }),
      timestamp,
    ),
    { certificates: [h.tsa.certificate, h.ocsp.certificate], crls: [h.rootCrl], ocspResponses: [ocsp] },
  );
  const ats = attributeValues(readSignedData(blta).signerInfos[0]!.unsignedAttributes, OID.archiveTimeStampV3)![0]!;
  r = verifyCms(addUnsignedAttributes(other, [encodeAttribute(OID.archiveTimeStampV3, ats)]), {
    trustAnchors: [h.root.certificate],
    time: NOW,
    detachedContent: content,
  });
  t.same(
    [r.indication, r.level, r.timestamps?.find((x) => x.kind === 'archive')?.valid],
    ['TOTAL_PASSED', 'B-LT', false],
    'a moved archive time-stamp is rejected',
  );
});

async function shortLivedPerson(
  notAfter: Date,
): Promise<{ certificate: Certificate; sign: (c: Uint8Array) => Promise<Uint8Array> }> {
  const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const certificate = await issueCertificate(
    personProfile({
      name: 'Lê Văn Cường',
      title: 'Phó Chánh Văn phòng',
      office: 'Văn phòng Tỉnh ủy',
      organisation: 'Tỉnh ủy Hà Nam',
      publicKey: keys.publicKey,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter,
    }),
    { certificate: h.intermediate.certificate, signer: interSigner },
  );
  return { certificate, sign: (c) => signCades(c, keySigner(keys.privateKey), { certificate, chain }) };
}

void t.test('the signature-time-stamp is a proof of existence (EN 319 102-1 §5.6)', async (t) => {
  const later = new Date('2026-06-18T00:00:00Z');
  const crls = [h.rootCrl, h.intermediateCrl];
  // Expired since: valid at the time-stamp's genTime.
  const expiring = await shortLivedPerson(new Date('2026-06-15T00:00:00Z'));
  const bb = await expiring.sign(content);
  let r = verifyCms(bb, { trustAnchors: [h.root.certificate], crls, time: later, detachedContent: content });
  t.same([r.indication, r.subIndication], ['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE'], 'expired, no time-stamp');
  const bt = await addSignatureTimeStamp(bb, timestamp);
  r = verifyCms(bt, { trustAnchors: [h.root.certificate], crls, time: later, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-T'], `expired since the time-stamp: ${r.message}`);
  t.ok(opensslCms(bt, NOW).ok, 'openssl at the time-stamp time');

  // Revoked after the time-stamp: passes; revoked before: fails.
  const victim = await shortLivedPerson(new Date('2027-01-01T00:00:00Z'));
  const vt = await addSignatureTimeStamp(await victim.sign(content), timestamp);
  const crl = await issueCrl(
    {
      crlNumber: 8,
      thisUpdate: new Date('2026-06-06T00:00:00Z'),
      nextUpdate: new Date('2026-07-06T00:00:00Z'),
      revoked: [
        { serialNumber: victim.certificate.serialNumber, revocationDate: new Date('2026-06-05T00:00:00Z'), reason: 1 },
      ],
    },
    h.intermediate.certificate,
    interSigner,
  );
  const at = new Date('2026-06-10T00:00:00Z');
  r = verifyCms(await victim.sign(content), {
    trustAnchors: [h.root.certificate],
    crls: [h.rootCrl, crl],
    time: at,
    detachedContent: content,
  });
  t.same([r.indication, r.subIndication], ['TOTAL_FAILED', 'REVOKED'], 'revoked, no time-stamp');
  r = verifyCms(vt, { trustAnchors: [h.root.certificate], crls: [h.rootCrl, crl], time: at, detachedContent: content });
  t.same([r.indication, r.level], ['TOTAL_PASSED', 'B-T'], `revoked after the time-stamp: ${r.message}`);
  // Offline with OCSP saying "revoked on 06-05", embedded.
  const ocsp = await ocspFor([victim.certificate, h.tsa.certificate], new Date('2026-06-06T00:00:00Z'), {
    cert: victim.certificate,
    time: new Date('2026-06-05T00:00:00Z'),
  });
  const vlt = addValidationData(vt, {
    certificates: [h.tsa.certificate, h.ocsp.certificate],
    crls: [h.rootCrl],
    ocspResponses: [ocsp],
  });
  r = verifyCms(vlt, { trustAnchors: [h.root.certificate], time: at, detachedContent: content });
  t.same(
    [r.indication, r.level],
    ['TOTAL_PASSED', 'B-LT'],
    `B-LT, revoked after the time-stamp, OCSP embedded: ${r.message}`,
  );
  const early = await addSignatureTimeStamp(
    await signCades(content, keySigner(h.revokedPerson.privateKey), {
      certificate: h.revokedPerson.certificate,
      chain,
    }),
    timestamp,
  );
  r = verifyCms(early, { trustAnchors: [h.root.certificate], crls, time: NOW, detachedContent: content });
  t.same([r.indication, r.subIndication], ['TOTAL_FAILED', 'REVOKED'], 'revoked before the time-stamp');
});

void t.test('a time-stamp over something else is no proof', async (t) => {
  const bb = await signCades(content, keySigner(h.person.privateKey), { certificate: h.person.certificate, chain });
  const wrong = await timestamp(createHash('sha256').update('other').digest(), 'sha256');
  await t.rejects(
    addSignatureTimeStamp(bb, async () => wrong),
    /does not cover/,
  );
  const { readTimeStampResponse } = await import('../src/index.ts');
  const forged = addUnsignedAttributes(bb, [
    encodeAttribute(OID.timeStampToken, readTimeStampResponse(wrong).token!.der),
  ]);
  const r = verifyCms(forged, {
    trustAnchors: [h.root.certificate],
    crls: [h.rootCrl, h.intermediateCrl],
    time: NOW,
    detachedContent: content,
  });
  t.same([r.indication, r.level, r.timestamps?.[0]?.valid], ['TOTAL_PASSED', 'B-B', false]);
});
