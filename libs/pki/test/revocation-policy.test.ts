// The algorithm policy and DER strictness on revocation data: a CRL or OCSP response whose
// signature the policy refuses (MD5, SHA-1 after its sunset), an OCSP CertID hashed with MD5, or
// revocation data that is not DER is no revocation evidence, so the status stays unknown
// (NO_CRL, naming the rule). The weak material is made by the openssl command line
// (`openssl ca -gencrl -md`, `openssl ocsp -rmd` and a CertID digest option).
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  LEGACY_ALGORITHM_POLICY,
  fromPem,
  readCertificate,
  validatePath,
  type PathValidationOptions,
} from '../src/index.ts';
import { scratch } from './helpers/openssl.ts';
import {
  basicOcspOf,
  resignedTbs,
  rewrappedOcsp,
  withIndefiniteOuterLength,
  withLongLength,
  withPaddedInteger,
} from './helpers/ber-edits.ts';

const s = scratch('pki-revocation-policy-');
t.teardown(s.cleanup);
const run = (args: string[]): void => {
  const r = s.openssl(args);
  if (!r.ok) throw new Error(`openssl ${args.join(' ')}: ${r.out}`);
};
const bytes = (f: string): Uint8Array => new Uint8Array(readFileSync(join(s.dir, f)));
const pemDer = (f: string): Uint8Array => fromPem(readFileSync(join(s.dir, f), 'latin1'))[0]!.der;

run(
  ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem'].concat([
    '-subj',
    '/CN=Revocation Test CA',
    '-sha256',
    '-days',
    '3650',
  ]),
);
run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ee.key', '-out', 'ee.csr', '-subj', '/CN=ee']);
run(
  ['x509', '-req', '-in', 'ee.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '7', '-sha256'].concat([
    '-days',
    '365',
    '-out',
    'ee.pem',
  ]),
);
s.file('index.txt', 'V\t361231000000Z\t\t07\tunknown\t/CN=ee\n');
s.file('crlnumber', '01\n');
s.file('ca.cnf', '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\n');
const crl = (md: string): Uint8Array => {
  run(
    ['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-md', md, '-crldays', '30'].concat(
      ['-out', `crl-${md}.pem`],
    ),
  );
  return pemDer(`crl-${md}.pem`);
};
const ocsp = (certIdHash: string, signingHash: string): Uint8Array => {
  const req = `req-${certIdHash}.der`;
  run(['ocsp', '-issuer', 'ca.pem', `-${certIdHash}`, '-cert', 'ee.pem', '-no_nonce', '-reqout', req]);
  const out = `resp-${certIdHash}-${signingHash}.der`;
  run(
    ['ocsp', '-index', 'index.txt', '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-reqin', req].concat([
      '-respout',
      out,
      '-rmd',
      signingHash,
      '-ndays',
      '30',
    ]),
  );
  return bytes(out);
};

const ca = readCertificate(pemDer('ca.pem'));
const ee = readCertificate(pemDer('ee.pem'));
const time = new Date(ee.notBefore.getTime() + 3_600_000);
const base: PathValidationOptions = { trustAnchors: [ca], target: ee, conformance: 'lenient', time };
const outcome = (r: ReturnType<typeof validatePath>): [boolean, string | undefined, string | undefined] => [
  r.valid,
  r.reason,
  r.policyRule,
];

void t.test('CRLs: the signature hash under the policy at the validation time', async (t) => {
  const good = validatePath({ ...base, crls: [crl('sha256')] });
  t.ok(good.valid, `a SHA-256 CRL decides: ${good.message ?? ''}`);
  const md5 = validatePath({ ...base, crls: [crl('md5')] });
  t.same(outcome(md5), [false, 'NO_CRL', 'TS119312:MD5'], md5.message ?? '');
  t.match(md5.message ?? '', /A CRL cannot be relied on: MD5 refused by TS119312:MD5/);
  t.same(
    outcome(validatePath({ ...base, crls: [crl('md5')], algorithmPolicy: LEGACY_ALGORITHM_POLICY })),
    [false, 'NO_CRL', 'TS119312:MD5'],
    'MD5 even under the legacy table',
  );
  const sha1 = validatePath({ ...base, crls: [crl('sha1')] });
  t.same(outcome(sha1), [false, 'NO_CRL', 'TS119312:SHA1-SUNSET'], sha1.message ?? '');
  const beforeSunset = validatePath({
    ...base,
    crls: [crl('sha1')],
    revocationAlgorithmTime: new Date('2015-06-01T00:00:00Z'),
  });
  t.ok(beforeSunset.valid, `judged before the sunset, a SHA-1 CRL decides: ${beforeSunset.message ?? ''}`);
  t.ok(validatePath({ ...base, crls: [crl('md5'), crl('sha256')] }).valid, 'a strong CRL beside a weak one decides');
  t.ok(validatePath({ ...base, crls: [crl('md5')], algorithmPolicy: [] }).valid, 'a table without rules accepts MD5');
});

void t.test('OCSP: the response signature and the CertID hash under the policy', async (t) => {
  const o = { ...base, revocation: 'ocsp' as const };
  const good = validatePath({ ...o, ocspResponses: [ocsp('sha1', 'sha256')] });
  t.ok(good.valid, `a SHA-1 CertID (an identifier, RFC 5019 §2.1.1) in a SHA-256 response: ${good.message ?? ''}`);
  t.ok(validatePath({ ...o, ocspResponses: [ocsp('sha256', 'sha256')] }).valid, 'a SHA-256 CertID');
  const md5Id = validatePath({ ...o, ocspResponses: [ocsp('md5', 'sha256')] });
  t.same(outcome(md5Id), [false, 'NO_CRL', 'TS119312:MD5'], md5Id.message ?? '');
  t.match(md5Id.message ?? '', /MD5 \(as an identifier\) refused by TS119312:MD5/);
  const sha1Sig = validatePath({ ...o, ocspResponses: [ocsp('sha1', 'sha1')] });
  t.same(outcome(sha1Sig), [false, 'NO_CRL', 'TS119312:SHA1-SUNSET'], sha1Sig.message ?? '');
  t.match(sha1Sig.message ?? '', /The response cannot be relied on: SHA1 refused by TS119312:SHA1-SUNSET/);
  const strictTable = [
    {
      name: 'TEST:NO-SHA1',
      description: 'No SHA-1 at all.',
      applies: (u: { kind: string; hash?: string }) => u.hash === 'sha1',
    },
  ];
  t.same(
    outcome(validatePath({ ...o, ocspResponses: [ocsp('sha1', 'sha256')], algorithmPolicy: strictTable })),
    [false, 'NO_CRL', 'TEST:NO-SHA1'],
    'a caller may refuse SHA-1 CertIDs too',
  );
  t.ok(
    validatePath({ ...o, ocspResponses: [ocsp('sha1', 'sha1')], revocationAlgorithmTime: new Date('2015-06-01') })
      .valid,
    'judged before the sunset, a SHA-1 response decides',
  );
});

void t.test('revocation data that is not DER is no evidence (encoding ber uses it)', async (t) => {
  // Each edit is signed again with the CA key: the signatures verify, only the encoding is wrong.
  const caKey = createPrivateKey(readFileSync(join(s.dir, 'ca.key')));
  const resign = (tbs: Uint8Array): Uint8Array => sign('sha256', tbs, caKey);
  const paddedCrl = resignedTbs(crl('sha256'), (tbs) => withPaddedInteger(tbs), resign);
  const badCrl = validatePath({ ...base, crls: [paddedCrl] });
  t.same(outcome(badCrl).slice(0, 2), [false, 'NO_CRL'], badCrl.message ?? '');
  t.match(badCrl.message ?? '', /A CRL is not DER \(X\.690 §10\): INTEGER with a needless leading 0x00/);
  t.ok(validatePath({ ...base, crls: [paddedCrl], encoding: 'ber' }).valid, 'encoding ber: the CRL decides');

  const o = { ...base, revocation: 'ocsp' as const };
  const resp = ocsp('sha1', 'sha256');
  // Inside the responseBytes OCTET STRING: a long-form length in ResponseData, signed as it is.
  const longBasic = resignedTbs(basicOcspOf(resp), (tbs) => withLongLength(tbs, () => true), resign);
  const inner = rewrappedOcsp(resp, longBasic);
  const badInner = validatePath({ ...o, ocspResponses: [inner] });
  t.same(outcome(badInner).slice(0, 2), [false, 'NO_CRL'], badInner.message ?? '');
  t.match(
    badInner.message ?? '',
    /The response is not DER \(X\.690 §10\): in the BasicOCSPResponse, non-minimal length/,
  );
  t.ok(validatePath({ ...o, ocspResponses: [inner], encoding: 'ber' }).valid, 'encoding ber: the response decides');
  t.notOk(validatePath({ ...o, ocspResponses: [longBasic] }).valid, 'the bare BasicOCSPResponse likewise');
  // The OCSPResponse wrapper, which no signature covers: an indefinite length.
  const outer = withIndefiniteOuterLength(resp);
  const badOuter = validatePath({ ...o, ocspResponses: [outer] });
  t.match(badOuter.message ?? '', /The response is not DER \(X\.690 §10\): indefinite length at byte 0/);
  t.ok(validatePath({ ...o, ocspResponses: [outer], encoding: 'ber' }).valid, 'encoding ber: the response decides');
});
