// A PDF signature's CMS must be DER (ISO 32000-1 §12.8.3.3.1). One whose
// signer certificate carries a serial number INTEGER with a needless leading
// zero octet (X.690 §8.3.2), signed by its CA as it is, verifies byte for byte;
// openssl and pdfsig refuse it (asserted), and so must we: TOTAL_FAILED /
// FORMAT_FAILURE naming the violation. pyHanko 0.38 accepts it (recorded).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { opensslCmsVerifyByteRange, pdfsig, pyhankoValidate, skipUnless } from '../../../../test/support/judges.ts';
import {
  buildTimeStampRequest,
  fixedClock,
  issueTimeStampToken,
  keySigner,
  readCertificate,
  type Certificate,
  type Crl,
} from '@lienthong/pki';
import { memorySink, memorySource } from '@lienthong/pdf';
import { addDocumentTimestamp, addDss } from '../../src/index.ts';
import { children, content, encoded, parseDer } from '../../../pki/src/der/reader.ts';
import { seq, tlv } from '../../../pki/src/der/writer.ts';
import { dir, fixturePdf, h, NOW, rootPem, signAs, verify } from './support.ts';

/** `cert` re-issued by the intermediate (or `issuerKey`) with its serial number INTEGER padded by one 0x00. */
async function paddedSerial(cert: Certificate, issuerKey = h.intermediate.privateKey): Promise<Certificate> {
  const parts = children(parseDer(cert.tbs));
  const serial = tlv(0x02, Uint8Array.of(0), content(parts[1]!));
  const tbs = seq(...parts.map((p, i) => (i === 1 ? serial : encoded(p))));
  const [, algorithm] = children(parseDer(cert.der));
  const signature = await keySigner(issuerKey).sign(tbs);
  return readCertificate(seq(tbs, encoded(algorithm!), tlv(0x03, Uint8Array.of(0), signature)));
}

const bad = await paddedSerial(h.person.certificate);
const pdf = await signAs(await fixturePdf({ useObjectStreams: false }), {
  certificate: bad,
  validationData: undefined,
});

void t.test('the re-issued certificate is sound apart from its encoding', async (t) => {
  t.equal(bad.serialNumber[0], 0);
  t.ok(bad.serialNumber.length > 1 && (bad.serialNumber[1]! & 0x80) === 0, 'the leading zero is needless');
});

void t.test(
  'a signer certificate whose serial has a needless leading zero: TOTAL_FAILED / FORMAT_FAILURE',
  async (t) => {
    const r = await verify(pdf);
    const [s] = r.signatures;
    t.equal(r.indication, 'TOTAL_FAILED', r.message);
    t.equal(r.subIndication, 'FORMAT_FAILURE');
    t.equal(s?.indication, 'TOTAL_FAILED');
    t.equal(s?.subIndication, 'FORMAT_FAILURE');
    t.match(s?.message ?? '', /not DER.*INTEGER with a needless leading 0x00/);
  },
);

void t.test('the same file signed with the DER certificate passes (the test changes only the encoding)', async (t) => {
  const r = await verify(await signAs(await fixturePdf({ useObjectStreams: false }), { validationData: undefined }));
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
});

void t.test(
  'a document time-stamp whose TSA certificate serial has a needless leading zero: FORMAT_FAILURE',
  async (t) => {
    const tsa = await paddedSerial(h.tsa.certificate);
    const sink = memorySink();
    const good = await signAs(await fixturePdf({ useObjectStreams: false }), { validationData: undefined });
    await addDocumentTimestamp(memorySource(good), sink, (imprint, hash) =>
      issueTimeStampToken({
        request: buildTimeStampRequest({ hash, imprint, nonce: true }),
        tsaCertificate: tsa,
        chain: [h.intermediate.certificate],
        signer: keySigner(h.tsa.privateKey),
        clock: fixedClock(NOW),
        serialNumber: 7n,
        policy: '1.3.6.1.4.1.99999.2.1',
      }),
    );
    const r = await verify(sink.bytes());
    const ts = r.signatures.find((s) => s.kind === 'document-timestamp');
    t.equal(ts?.indication, 'TOTAL_FAILED', ts?.message ?? 'no document time-stamp');
    t.equal(ts?.subIndication, 'FORMAT_FAILURE');
    t.match(ts?.message ?? '', /not DER.*INTEGER with a needless leading 0x00/);
    t.equal(r.indication, 'TOTAL_FAILED');
  },
);

void t.test('openssl refuses it too', { skip: skipUnless('openssl') }, async (t) => {
  const file = join(dir, 'padded-serial.pdf');
  writeFileSync(file, pdf);
  const [o] = await opensslCmsVerifyByteRange(file, { trust: rootPem, attime: NOW });
  t.equal(o?.ok, false, o?.output ?? 'no signature found');
  t.match(o?.output ?? '', /illegal padding/, 'for the reason we give');
});

void t.test('pdfsig refuses it', { skip: skipUnless('pdfsig') }, async (t) => {
  const file = join(dir, 'padded-serial-pdfsig.pdf');
  writeFileSync(file, pdf);
  const r = await pdfsig(file);
  t.equal(r.signatures.length, 1, r.output);
  t.notOk(r.signatures[0]?.valid, r.output);
});

// pyHanko 0.38 (asn1crypto) reads the padded serial and calls the signature INTACT, TRUSTED: recorded, not asserted.
void t.test("pyHanko's verdict is recorded", { skip: skipUnless('pyhanko') }, async (t) => {
  const file = join(dir, 'padded-serial-pyhanko.pdf');
  writeFileSync(file, pdf);
  const r = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
  t.comment(`pyHanko: ${r.signatures.map((s) => s.summary).join(' ') || r.output}`);
  t.equal(r.signatures.length, 1, r.output);
});

/** `crl` signed again by `key` with its version INTEGER padded by one 0x00. */
async function paddedCrl(crl: Crl, key: Parameters<typeof keySigner>[0]): Promise<Uint8Array> {
  const parts = children(parseDer(crl.tbs));
  const tbs = seq(...parts.map((p, i) => (i === 0 ? tlv(0x02, Uint8Array.of(0), content(p)) : encoded(p))));
  const [, algorithm] = children(parseDer(crl.der));
  return seq(tbs, encoded(algorithm!), tlv(0x03, Uint8Array.of(0), await keySigner(key).sign(tbs)));
}

/** A B-B signature whose CMS carries no intermediate, then a DSS revision with `dss`. */
async function withDss(dss: Parameters<typeof addDss>[2]): Promise<Uint8Array> {
  const signed = await signAs(await fixturePdf({ useObjectStreams: false }), { chain: [], validationData: undefined });
  const sink = memorySink();
  await addDss(memorySource(signed), sink, dss);
  return sink.bytes();
}

void t.test('a DSS certificate that is not DER is not used for the path; encoding ber uses it', async (t) => {
  const crls = [h.rootCrl, h.intermediateCrl];
  const good = await verify(await withDss({ certificates: [h.intermediate.certificate], crls }), { offline: true });
  t.equal(good.signatures[0]?.indication, 'TOTAL_PASSED', `the DER intermediate from the DSS: ${good.message}`);
  const padded = await paddedSerial(h.intermediate.certificate, h.root.privateKey);
  const pdf = await withDss({ certificates: [padded], crls });
  const r = await verify(pdf, { offline: true });
  t.same(
    [r.signatures[0]?.indication, r.signatures[0]?.subIndication],
    ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
    r.signatures[0]?.message ?? '',
  );
  const ber = await verify(pdf, { offline: true, encoding: 'ber' });
  t.equal(ber.signatures[0]?.indication, 'TOTAL_PASSED', `encoding ber: ${ber.signatures[0]?.message ?? ''}`);
});

void t.test('a DSS CRL that is not DER is no revocation evidence: TRY_LATER naming why', async (t) => {
  const bad = await paddedCrl(h.intermediateCrl, h.intermediate.privateKey);
  const pdf = await withDss({ certificates: [h.intermediate.certificate], crls: [h.rootCrl, bad] });
  const r = await verify(pdf, { offline: true });
  const s = r.signatures[0];
  t.same([s?.indication, s?.subIndication], ['INDETERMINATE', 'TRY_LATER'], s?.message ?? '');
  t.match(s?.message ?? '', /A CRL is not DER \(X\.690 §10\): INTEGER with a needless leading 0x00/);
  t.equal(s?.pathFailure?.reason, 'NO_CRL');
  const ber = await verify(pdf, { offline: true, encoding: 'ber' });
  t.equal(ber.signatures[0]?.indication, 'TOTAL_PASSED', `encoding ber: ${ber.signatures[0]?.message ?? ''}`);
});
