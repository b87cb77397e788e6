// DER strictness of bare CAdES (X.690 §10): a CMS, or a certificate, CRL, signed attribute or
// time-stamp token inside it, that is not DER is TOTAL_FAILED / FORMAT_FAILURE, as openssl,
// pdfsig, pyHanko and EU DSS refuse it; encoding 'ber' accepts it, for old signatures.
// The non-DER forms are made here by editing our own DER.
import { sign } from 'node:crypto';
import t from 'tap';
import {
  addSignatureTimeStamp,
  addValidationData,
  buildOcspRequest,
  issueOcspResponse,
  type Certificate,
  buildTimeStampRequest,
  fixedClock,
  issueTimeStampToken,
  keySigner,
  readSignedData,
  signCades,
  tokenFrom,
  verifyCms,
  verifyTimeStampToken,
  type CmsVerifyOptions,
} from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';
import {
  basicOcspOf,
  resignedAttributes,
  resignedTbs,
  rewrappedOcsp,
  withIndefiniteOuterLength,
  withLongLength,
  withPaddedInteger,
} from './helpers/ber-edits.ts';

const h = await buildHierarchy();
const content = new TextEncoder().encode('Thông báo số 07-TB/VPTU về lịch làm việc.\n');
const chain = [h.intermediate.certificate];
const trust: CmsVerifyOptions = {
  detachedContent: content,
  trustAnchors: [h.root.certificate],
  crls: [h.rootCrl, h.intermediateCrl],
  time: NOW,
};
const cms = await signCades(content, keySigner(h.person.privateKey), { certificate: h.person.certificate, chain });

const outcome = (r: ReturnType<typeof verifyCms>): [string, string | undefined] => [r.indication, r.subIndication];

void t.test('our own CAdES is DER and passes under the default encoding', async (t) => {
  t.equal(readSignedData(cms).derViolation, undefined);
  t.same(outcome(verifyCms(cms, trust)), ['TOTAL_PASSED', undefined]);
});

void t.test('an indefinite length: FORMAT_FAILURE by default, read under encoding ber', async (t) => {
  const ber = withIndefiniteOuterLength(cms);
  const r = verifyCms(ber, trust);
  t.same(outcome(r), ['TOTAL_FAILED', 'FORMAT_FAILURE']);
  t.match(r.message, /The CMS is not DER \(X\.690 §10\): indefinite length at byte 0/);
  t.equal(r.signers.length, 0, 'no signer is verified');
  t.same(outcome(verifyCms(ber, { ...trust, encoding: 'ber' })), ['TOTAL_PASSED', undefined], 'encoding ber');
});

void t.test('a certificate inside the CMS whose serial has a needless leading zero: FORMAT_FAILURE', async (t) => {
  // The first INTEGER under 0x80 is the SignedData version; the serial of the first certificate follows it.
  const serial = h.person.certificate.serialNumber;
  const bad = withPaddedInteger(cms, 0, (n) => n.kind === 'primitive' && Buffer.compare(n.content, serial) === 0);
  const r = verifyCms(bad, trust);
  t.same(outcome(r), ['TOTAL_FAILED', 'FORMAT_FAILURE'], r.message);
  t.match(r.message, /INTEGER with a needless leading 0x00 octet/);
});

void t.test('a signed attribute with a non-minimal length, signed as it is: FORMAT_FAILURE', async (t) => {
  const bad = resignedAttributes(
    cms,
    (attrs) => withLongLength(attrs, (n) => n.identifier[0] === 0x30),
    (data) => sign('sha256', data, h.person.privateKey),
  );
  t.same(
    outcome(verifyCms(bad, { ...trust, encoding: 'ber' })),
    ['TOTAL_PASSED', undefined],
    'the signature covers these bytes and verifies',
  );
  const r = verifyCms(bad, trust);
  t.same(outcome(r), ['TOTAL_FAILED', 'FORMAT_FAILURE'], r.message);
  t.match(r.message, /non-minimal length/);
});

void t.test('a time-stamp token whose TSTInfo (inside eContent) is not DER is not a proof of existence', async (t) => {
  let token: Uint8Array | undefined;
  // tokenFrom: the TSA answers a TimeStampResp; the edit is made in the token it holds.
  const bt = await addSignatureTimeStamp(cms, async (imprint, hash) => {
    token = await issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint }),
      tsaCertificate: h.tsa.certificate,
      chain,
      signer: keySigner(h.tsa.privateKey),
      clock: fixedClock(NOW),
      serialNumber: 5n,
      policy: '1.3.6.1.4.1.99999.2.1',
    });
    return token;
  });
  t.equal(verifyCms(bt, trust).level, 'B-T', 'the DER token is a signature-time-stamp');
  // The TSTInfo's serialNumber (5) gets a leading zero: the SignedData around it stays DER.
  const tsaTrust = { trustAnchors: [h.root.certificate], revocation: 'none' as const, time: NOW };
  const badToken = withPaddedInteger(
    tokenFrom(token!),
    0,
    (n) => n.kind === 'primitive' && n.content.length === 1 && n.content[0] === 5,
  );
  t.equal(readSignedData(badToken).derViolation, undefined, 'the edit is inside the eContent OCTET STRING');
  const v = verifyTimeStampToken(badToken, { ...tsaTrust, data: new Uint8Array() });
  t.same([v.valid, v.failure], [false, 'MALFORMED'], v.message);
  t.match(v.message, /not DER .*in the TSTInfo, INTEGER with a needless leading 0x00/);
});

void t.test(
  'an embedded OCSP response whose BasicOCSPResponse is not DER is no evidence, the CMS stays DER',
  async (t) => {
    const resp = await issueOcspResponse({
      request: buildOcspRequest({
        issuer: h.intermediate.certificate,
        certificates: [h.person.certificate],
        nonce: false,
      }),
      issuer: h.intermediate.certificate,
      responderCert: h.ocsp.certificate,
      signer: keySigner(h.ocsp.privateKey),
      statusOf: () => ({ status: 'good' }),
      clock: fixedClock(NOW),
      nextUpdate: 30 * 86400,
    });
    // Inside the responseBytes OCTET STRING, which the CMS's own DER check does not open; signed as it is.
    const longBasic = resignedTbs(
      basicOcspOf(resp),
      (tbs) => withLongLength(tbs, () => true),
      (tbs) => sign('sha256', tbs, h.ocsp.privateKey),
    );
    const embed = (ocsp: Uint8Array): Uint8Array =>
      addValidationData(cms, { certificates: [h.ocsp.certificate], ocspResponses: [ocsp] });
    // The intermediate's status comes from the CA's records: only the signer's hangs on the embedded response.
    const caRecords = (c: Certificate) =>
      c.fingerprint === h.intermediate.certificate.fingerprint ? { status: 'good' as const } : undefined;
    const options: CmsVerifyOptions = { ...trust, crls: [], revocation: 'ocsp', revocationAuthority: caRecords };
    const good = verifyCms(embed(resp), options);
    t.equal(good.indication, 'TOTAL_PASSED', `the DER response decides: ${good.message}`);
    const bad = embed(rewrappedOcsp(resp, longBasic));
    t.equal(readSignedData(bad).derViolation, undefined, 'the SignedData itself is DER');
    const r = verifyCms(bad, options);
    t.same([r.indication, r.subIndication], ['INDETERMINATE', 'TRY_LATER'], r.message);
    t.match(r.message, /The response is not DER \(X\.690 §10\): in the BasicOCSPResponse, non-minimal length/);
    const ber = verifyCms(bad, { ...options, encoding: 'ber' });
    t.equal(ber.indication, 'TOTAL_PASSED', `encoding ber: ${ber.message}`);
  },
);

void t.test('a CRL carried in the SignedData that is not DER makes the CMS a FORMAT_FAILURE', async (t) => {
  // SignedData.crls is part of the CMS's own encoding, which must be DER, unlike what its OCTET STRINGs hold.
  const padded = withPaddedInteger(h.intermediateCrl.der);
  const withCrl = addValidationData(cms, { crls: [padded] });
  const r = verifyCms(withCrl, trust);
  t.same(outcome(r), ['TOTAL_FAILED', 'FORMAT_FAILURE'], r.message);
  t.match(r.message, /INTEGER with a needless leading 0x00/);
  t.same(outcome(verifyCms(addValidationData(cms, { crls: [h.intermediateCrl] }), trust)), ['TOTAL_PASSED', undefined]);
});
