// The other direction: tokens and responses made by openssl's own TSA and OCSP responder are read and verified by us.
import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import {
  buildOcspRequest,
  buildTimeStampRequest,
  readTimeStampResponse,
  toPem,
  verifyOcspResponse,
  verifyTimeStampToken,
  type Certificate,
} from '../src/index.ts';
import { buildHierarchy } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';

const h = await buildHierarchy();
const s = scratch('pki-interop-');
t.teardown(s.cleanup);
const pem = (...cs: Certificate[]): string => cs.map((c) => toPem('CERTIFICATE', c.der)).join('');
const key = (k: typeof h.tsa.privateKey): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();

void t.test('a token from `openssl ts -reply` verifies with our verifier', async (t) => {
  s.file('tsacert.pem', pem(h.tsa.certificate));
  s.file('tsakey.pem', key(h.tsa.privateKey));
  s.file('chain.pem', pem(h.intermediate.certificate));
  s.file('tsaserial', '01\n');
  s.file(
    'tsa.cnf',
    [
      '[ tsa ]',
      'default_tsa = tsa1',
      '[ tsa1 ]',
      'serial = ./tsaserial',
      'signer_cert = ./tsacert.pem',
      'certs = ./chain.pem',
      'signer_key = ./tsakey.pem',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.2.9',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1, millisecs:500, microsecs:100',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  const data = new TextEncoder().encode('Tờ trình số 12-TTr/VPTU');
  const imprint = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const nonce = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  s.file('q.tsq', buildTimeStampRequest({ hash: 'sha256', imprint, nonce }));
  const o = s.openssl([
    'ts',
    '-reply',
    '-config',
    `${s.dir}/tsa.cnf`,
    '-queryfile',
    `${s.dir}/q.tsq`,
    '-out',
    `${s.dir}/r.tsr`,
  ]);
  t.ok(o.ok, o.out);
  const resp = new Uint8Array(readFileSync(`${s.dir}/r.tsr`));
  const parsed = readTimeStampResponse(resp);
  t.same(
    [parsed.status, parsed.token?.tstInfo.ordering, parsed.token?.tstInfo.accuracy],
    [0, true, { seconds: 1, millis: 500, micros: 100 }],
  );
  t.equal(parsed.token?.tstInfo.tsa?.kind, 'directory', 'tsa_name');
  // openssl stamps with the real clock; the test CRLs are long stale by then, so revocation is not checked here.
  const v = verifyTimeStampToken(resp, {
    trustAnchors: [h.root.certificate],
    intermediates: [h.intermediate.certificate],
    data,
    nonce,
    revocation: 'none',
    time: parsed.token!.tstInfo.genTime,
  });
  t.ok(v.valid, v.message);
});

void t.test('a response from `openssl ocsp -index` verifies with our verifier', async (t) => {
  const line = (c: Certificate, status: 'V' | 'R'): string => {
    const exp = c.notAfter.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    return [
      status,
      exp,
      status === 'R' ? '260510000000Z,keyCompromise' : '',
      c.serialHex.toUpperCase(),
      'unknown',
      '/CN=x',
    ].join('\t');
  };
  writeFileSync(
    `${s.dir}/index.txt`,
    `${line(h.person.certificate, 'V')}\n${line(h.revokedPerson.certificate, 'R')}\n`,
  );
  s.file('inter.pem', pem(h.intermediate.certificate));
  s.file('ocsp.pem', pem(h.ocsp.certificate));
  s.file('ocspkey.pem', key(h.ocsp.privateKey));
  const req = buildOcspRequest({
    issuer: h.intermediate.certificate,
    certificates: [h.person.certificate, h.revokedPerson.certificate],
  });
  s.file('req.der', req);
  const o = s.openssl([
    'ocsp',
    '-index',
    `${s.dir}/index.txt`,
    '-rsigner',
    `${s.dir}/ocsp.pem`,
    '-rkey',
    `${s.dir}/ocspkey.pem`,
    '-CA',
    `${s.dir}/inter.pem`,
    '-reqin',
    `${s.dir}/req.der`,
    '-respout',
    `${s.dir}/resp.der`,
    '-ndays',
    '7',
  ]);
  t.ok(o.ok, o.out);
  const resp = new Uint8Array(readFileSync(`${s.dir}/resp.der`));
  const good = verifyOcspResponse(resp, { issuer: h.intermediate.certificate, certificate: h.person.certificate });
  t.same(
    [good.valid, good.status?.status, good.responder?.fingerprint],
    [true, 'good', h.ocsp.certificate.fingerprint],
    good.message,
  );
  const revoked = verifyOcspResponse(resp, {
    issuer: h.intermediate.certificate,
    certificate: h.revokedPerson.certificate,
  });
  t.same(revoked.status, { status: 'revoked', revocationTime: new Date('2026-05-10T00:00:00Z'), reason: 1 });
});
