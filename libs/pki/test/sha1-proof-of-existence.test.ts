// End to end (EN 319 102-1 §5.6.2.1, TS 119 312): a CAdES signature made with RSA-SHA1 by the
// openssl command line, time-stamped with SHA-256 by our TSA at a pinned time. Before SHA-1's
// sunset (2016-01-01) the time-stamp proves the signature existed while SHA-1 was acceptable
// and the default policy passes it; the same signature time-stamped after the sunset is
// INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE naming TS119312:SHA1-SUNSET.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  addSignatureTimeStamp,
  buildTimeStampRequest,
  caProfile,
  fixedClock,
  fromPem,
  generateKeyPair,
  issueCertificate,
  issueTimeStampToken,
  keySigner,
  personProfile,
  readSignedData,
  summariseCmsReport,
  toPem,
  tsaProfile,
  verifyCms,
  type Certificate,
} from '../src/index.ts';
import { scratch } from './helpers/openssl.ts';

// Certificates valid from 2014 to 2034, so that a 2015 time-stamp and a 2027 validation both fall inside.
const ISSUED = new Date('2014-01-01T00:00:00Z');
const BEFORE_SUNSET = new Date('2015-06-01T09:00:00Z');
const AFTER_SUNSET = new Date('2016-06-01T09:00:00Z');
const VALIDATION = new Date('2027-06-01T00:00:00Z');
const clock = fixedClock(ISSUED);

const rootKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
const root = await issueCertificate(
  caProfile({
    subject: [
      { type: 'C', value: 'VN' },
      { type: 'CN', value: 'SHA-1 Era Root CA' },
    ],
    publicKey: rootKeys.publicKey,
    notBefore: ISSUED,
    validityDays: 7300,
  }),
  { signer: keySigner(rootKeys.privateKey) },
  { clock },
);
const byRoot = { certificate: root, signer: keySigner(rootKeys.privateKey) };
const personKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
const person = await issueCertificate(
  personProfile({
    name: 'Lê Văn Cường',
    title: 'Chánh Văn phòng',
    office: 'Văn phòng Huyện ủy',
    organisation: 'Huyện ủy Kim Bảng',
    publicKey: personKeys.publicKey,
    notBefore: ISSUED,
    validityDays: 7300,
  }),
  byRoot,
  { clock },
);
const tsaKeys = await generateKeyPair({ type: 'rsa', modulusLength: 2048 });
const tsa = await issueCertificate(
  tsaProfile({
    subject: [
      { type: 'C', value: 'VN' },
      { type: 'CN', value: 'SHA-1 Era TSA' },
    ],
    publicKey: tsaKeys.publicKey,
    notBefore: ISSUED,
    validityDays: 7300,
  }),
  byRoot,
  { clock },
);

const s = scratch('pki-sha1-poe-');
t.teardown(s.cleanup);
const content = new TextEncoder().encode('Báo cáo số 15-BC/HU năm 2015.\n');
s.file('content.txt', content);
s.file('person.pem', toPem('CERTIFICATE', person.der));
s.file('person.key', personKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const signed = s.openssl(
  ['cms', '-sign', '-binary', '-cades', '-md', 'sha1', '-in', 'content.txt', '-signer', 'person.pem'].concat([
    '-inkey',
    'person.key',
    '-outform',
    'DER',
    '-out',
    'sha1.p7s',
  ]),
);
if (!signed.ok) throw new Error(signed.out);
const sha1Cms = new Uint8Array(readFileSync(join(s.dir, 'sha1.p7s')));

const timeStampedAt = (at: Date): Promise<Uint8Array> =>
  addSignatureTimeStamp(sha1Cms, async (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint }),
      tsaCertificate: tsa,
      signer: keySigner(tsaKeys.privateKey),
      clock: fixedClock(at),
      serialNumber: 2015n,
      policy: '1.3.6.1.4.1.99999.2.1',
    }),
  );
const options = { detachedContent: content, trustAnchors: [root], revocation: 'none' as const, time: VALIDATION };

void t.test('the signature is RSA-SHA1 over a SHA-1 digest; the time-stamp imprint is SHA-256', async (t) => {
  const si = readSignedData(sha1Cms).signerInfos[0]!;
  t.equal(si.digestAlgorithm.oid, '1.3.14.3.2.26', 'digestAlgorithm SHA-1');
  const bare = verifyCms(sha1Cms, options);
  t.same(
    [bare.indication, bare.subIndication, bare.policyRule],
    ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:SHA1-SUNSET'],
    `without a time-stamp: ${bare.message}`,
  );
  t.equal(bare.integrity, true, 'the signature itself verifies');
});

void t.test(
  'time-stamped before 2016-01-01: passes under the default policy, rescued by the proof of existence',
  async (t) => {
    const r = verifyCms(await timeStampedAt(BEFORE_SUNSET), options);
    // With SHA-1, openssl writes ESS signing-certificate (v1): bound, but not CAdES-B-B, so no level.
    t.same(
      [r.indication, r.signingCertificateBound, r.timestamps?.[0]?.valid],
      ['TOTAL_PASSED', true, true],
      r.message,
    );
    t.equal(r.bestSignatureTime?.toISOString(), BEFORE_SUNSET.toISOString());
    t.equal(r.policyRule, undefined);
    t.equal(summariseCmsReport(r).bestSignatureTime, BEFORE_SUNSET.toISOString());
  },
);

void t.test('time-stamped after the sunset: INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE, the rule named', async (t) => {
  const r = verifyCms(await timeStampedAt(AFTER_SUNSET), options);
  t.same(
    [r.indication, r.subIndication, r.policyRule, r.integrity],
    ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:SHA1-SUNSET', true],
    r.message,
  );
  t.equal(r.timestamps?.[0]?.valid, true, 'the time-stamp itself is valid, only too late');
  t.match(r.message, /SHA1 refused by TS119312:SHA1-SUNSET/);
  const json = summariseCmsReport(r);
  t.same([json.subIndication, json.policyRule], ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:SHA1-SUNSET']);
});

void t.test(
  'the proof of existence of the signature does not rescue a SHA-1 CRL (its own time is unproven)',
  async (t) => {
    s.file('root.pem', toPem('CERTIFICATE', root.der));
    s.file('root.key', rootKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    s.file('index.txt', '');
    s.file('crlnumber', '01\n');
    s.file('ca.cnf', '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\n');
    const crl = (md: string): Uint8Array => {
      const r = s.openssl(
        ['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'root.key', '-cert', 'root.pem', '-md', md].concat([
          '-crldays',
          '3650',
          '-out',
          `root-${md}.crl`,
        ]),
      );
      if (!r.ok) throw new Error(r.out);
      return fromPem(readFileSync(join(s.dir, `root-${md}.crl`), 'latin1'))[0]!.der;
    };
    const bt = await timeStampedAt(BEFORE_SUNSET);
    // The TSA's status comes from elsewhere (its CA's records), so that only the signer's path hangs on the CRL.
    const tsaGood = (c: Certificate) => (c.fingerprint === tsa.fingerprint ? { status: 'good' as const } : undefined);
    const withCrl = (c: Uint8Array) =>
      verifyCms(bt, { ...options, revocation: 'crl', crls: [c], revocationAuthority: tsaGood });
    const strong = withCrl(crl('sha256'));
    t.equal(strong.indication, 'TOTAL_PASSED', `a SHA-256 CRL: ${strong.message}`);
    const weak = withCrl(crl('sha1'));
    t.same(
      [weak.indication, weak.subIndication, weak.policyRule],
      ['INDETERMINATE', 'TRY_LATER', 'TS119312:SHA1-SUNSET'],
      `a SHA-1 CRL, judged at the validation time even when the path is retried at 2015: ${weak.message}`,
    );
    t.match(weak.message, /A CRL cannot be relied on: SHA1 refused by TS119312:SHA1-SUNSET/);
  },
);
