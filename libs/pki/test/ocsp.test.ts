// RFC 6960 OCSP: our requests, responder and verifier, judged by `openssl ocsp`; OCSP in path validation.
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  buildOcspRequest,
  fixedClock,
  issueOcspResponse,
  keySigner,
  readOcspRequest,
  readOcspResponse,
  toPem,
  validatePath,
  verifyOcspResponse,
  type Certificate,
  type OcspCertStatus,
} from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';

const h = await buildHierarchy();
const s = scratch('pki-ocsp-');
t.teardown(s.cleanup);
const pem = (c: Certificate): string => toPem('CERTIFICATE', c.der);
const rootPem = s.file('root.pem', pem(h.root.certificate));
const interPem = s.file('inter.pem', pem(h.intermediate.certificate));
const ocspPem = s.file('ocsp.pem', pem(h.ocsp.certificate));
const personPem = s.file('person.pem', pem(h.person.certificate));
const revokedPem = s.file('revoked.pem', pem(h.revokedPerson.certificate));
const attime = String(Math.floor(NOW.getTime() / 1000));
const revokedAt = new Date('2026-05-10T00:00:00Z');
const statusOf = (serialHex: string): OcspCertStatus =>
  serialHex === h.revokedPerson.certificate.serialHex
    ? { status: 'revoked', revocationTime: revokedAt, reason: 1 }
    : serialHex === h.person.certificate.serialHex || serialHex === h.seal.certificate.serialHex
      ? { status: 'good' }
      : { status: 'unknown' };
const delegated = {
  issuer: h.intermediate.certificate,
  responderCert: h.ocsp.certificate,
  signer: keySigner(h.ocsp.privateKey),
  statusOf,
  clock: fixedClock(NOW),
  nextUpdate: 7 * 86400,
};

void t.test('a delegated responder answers our request; openssl ocsp verifies the response', async (t) => {
  for (const hash of ['sha1', 'sha256'] as const) {
    const req = buildOcspRequest({
      issuer: h.intermediate.certificate,
      certificates: [h.person.certificate, h.revokedPerson.certificate],
      hash,
    });
    const parsed = readOcspRequest(req);
    t.equal(parsed.certIds.length, 2);
    t.equal(parsed.nonce?.length, 32);
    const resp = await issueOcspResponse({ ...delegated, request: req });
    const r = readOcspResponse(resp);
    t.equal(r.status, 0);
    t.same(r.basic?.nonce, parsed.nonce, 'nonce echoed');
    const good = verifyOcspResponse(resp, {
      issuer: h.intermediate.certificate,
      certificate: h.person.certificate,
      time: NOW,
      nonce: parsed.nonce!,
    });
    t.same(
      [good.valid, good.status?.status, good.responder?.fingerprint],
      [true, 'good', h.ocsp.certificate.fingerprint],
      good.message,
    );
    const revoked = verifyOcspResponse(resp, {
      issuer: h.intermediate.certificate,
      certificate: h.revokedPerson.certificate,
      time: NOW,
    });
    t.same(revoked.status, { status: 'revoked', revocationTime: revokedAt, reason: 1 });
    const respFile = s.file(`resp-${hash}.der`, resp);
    const reqFile = s.file(`req-${hash}.der`, req);
    const o = s.openssl([
      'ocsp',
      '-respin',
      respFile,
      '-reqin',
      reqFile,
      '-issuer',
      interPem,
      '-CAfile',
      rootPem,
      '-verify_other',
      interPem,
      '-attime',
      attime,
      '-resp_text',
    ]);
    t.ok(o.ok && /Response verify OK/.test(o.out), `openssl -verify_other (${hash}): ${o.out.slice(-300)}`);
    const va = s.openssl([
      'ocsp',
      `-${hash}`,
      '-respin',
      respFile,
      '-issuer',
      interPem,
      '-VAfile',
      ocspPem,
      '-cert',
      personPem,
      '-cert',
      revokedPem,
      '-no_nonce',
      '-validity_period',
      '999999999',
    ]);
    t.ok(va.ok && /Response verify OK/.test(va.out), `openssl -VAfile (${hash})`);
    t.match(va.out, /person\.pem: good/);
    t.match(va.out, /revoked\.pem: revoked[\s\S]*Reason: keyCompromise/);
  }
});

void t.test("openssl's ocsp -reqout request is answered by our responder (the CA signs itself)", async (t) => {
  const o = s.openssl(['ocsp', '-issuer', interPem, '-cert', personPem, '-reqout', 'q.der']);
  t.ok(o.ok, o.out);
  const req = new Uint8Array(readFileSync(`${s.dir}/q.der`));
  const parsed = readOcspRequest(req);
  t.ok(parsed.nonce !== undefined, 'openssl sends a nonce');
  const resp = await issueOcspResponse({
    issuer: h.intermediate.certificate,
    responderCert: h.intermediate.certificate,
    signer: keySigner(h.intermediate.privateKey),
    statusOf,
    clock: fixedClock(NOW),
    request: req,
    responderIdBy: 'name',
  });
  const respFile = s.file('q-resp.der', resp);
  const v = s.openssl([
    'ocsp',
    '-respin',
    respFile,
    '-reqin',
    `${s.dir}/q.der`,
    '-issuer',
    interPem,
    '-CAfile',
    rootPem,
    '-verify_other',
    interPem,
    '-attime',
    attime,
    '-resp_text',
  ]);
  t.ok(v.ok && /Response verify OK/.test(v.out), v.out.slice(-300) || 'openssl ocsp');
  const ours = verifyOcspResponse(resp, {
    issuer: h.intermediate.certificate,
    certificate: h.person.certificate,
    time: NOW,
    nonce: parsed.nonce!,
  });
  t.same([ours.valid, ours.status?.status], [true, 'good'], ours.message);
  const dayLater = new Date(NOW.getTime() + 2 * 86_400_000);
  t.match(
    verifyOcspResponse(resp, { issuer: h.intermediate.certificate, certificate: h.person.certificate, time: dayLater })
      .message,
    /stale/,
    'no nextUpdate: one day of use by default',
  );
  t.ok(
    verifyOcspResponse(resp, {
      issuer: h.intermediate.certificate,
      certificate: h.person.certificate,
      time: dayLater,
      maxAgeWithoutNextUpdate: 7 * 86_400,
    }).valid,
  );
});

void t.test('unauthorised responders, stale responses and bad requests', async (t) => {
  const req = buildOcspRequest({ issuer: h.intermediate.certificate, certificates: [h.person.certificate] });
  // The TSA certificate is issued by the CA but lacks id-kp-OCSPSigning.
  const rogue = await issueOcspResponse({
    ...delegated,
    responderCert: h.tsa.certificate,
    signer: keySigner(h.tsa.privateKey),
    request: req,
  });
  t.match(
    verifyOcspResponse(rogue, { issuer: h.intermediate.certificate, certificate: h.person.certificate, time: NOW })
      .message,
    /not signed by the CA or a responder it authorised/,
  );
  const ok = await issueOcspResponse({ ...delegated, request: req });
  t.match(
    verifyOcspResponse(ok, {
      issuer: h.intermediate.certificate,
      certificate: h.person.certificate,
      time: new Date('2026-07-01T00:00:00Z'),
    }).message,
    /stale/,
  );
  t.match(
    verifyOcspResponse(ok, { issuer: h.intermediate.certificate, certificate: h.seal.certificate, time: NOW }).message,
    /no matching CertID/,
  );
  t.match(
    verifyOcspResponse(ok, { issuer: h.root.certificate, certificate: h.person.certificate, time: NOW }).message,
    /no matching CertID/,
  );
  const tampered = Uint8Array.from(ok);
  tampered[tampered.length - 40] = tampered[tampered.length - 40]! ^ 1;
  t.equal(
    verifyOcspResponse(tampered, { issuer: h.intermediate.certificate, certificate: h.person.certificate, time: NOW })
      .valid,
    false,
  );
  for (const bad of [new Uint8Array(), Uint8Array.of(0x30, 0x00), req.subarray(0, 20), Uint8Array.from([...req, 0])]) {
    t.same(
      [...(await issueOcspResponse({ ...delegated, request: bad }))],
      [0x30, 0x03, 0x0a, 0x01, 0x01],
      'malformedRequest',
    );
  }
  const unknownIssuer = buildOcspRequest({ issuer: h.root.certificate, certificates: [h.person.certificate] });
  const u = readOcspResponse(await issueOcspResponse({ ...delegated, request: unknownIssuer }));
  t.equal(u.basic?.responses[0]?.certStatus.status, 'unknown', 'a CertID of another CA is unknown');
});

void t.test('randomly mutated OCSP requests get a response, never an exception', async (t) => {
  const req = buildOcspRequest({ issuer: h.intermediate.certificate, certificates: [h.person.certificate] });
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let malformed = 0;
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(req);
    for (let k = 0; k < 1 + rnd(3); k++) m[rnd(m.length)] = rnd(256);
    const r = readOcspResponse(await issueOcspResponse({ ...delegated, request: m }));
    if (r.status === 1) malformed++;
    else t.equal(r.status, 0);
  }
  t.ok(malformed > 0, `${malformed} of 300 answered malformedRequest`);
});

void t.test('randomly mutated OCSP responses never throw and almost never verify', async (t) => {
  const resp = await issueOcspResponse({
    ...delegated,
    request: buildOcspRequest({ issuer: h.intermediate.certificate, certificates: [h.person.certificate] }),
  });
  let seed = 5;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let valid = 0;
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(resp);
    for (let k = 0; k < 1 + rnd(3); k++) m[rnd(m.length)] = rnd(256);
    if (
      verifyOcspResponse(m, { issuer: h.intermediate.certificate, certificate: h.person.certificate, time: NOW }).valid
    )
      valid++;
  }
  t.ok(valid < 15, `mutations still valid: ${valid}`);
});

void t.test('OCSP as a revocation source of path validation', async (t) => {
  const resp = await issueOcspResponse({
    ...delegated,
    request: buildOcspRequest({
      issuer: h.intermediate.certificate,
      certificates: [h.person.certificate, h.revokedPerson.certificate],
    }),
  });
  const rootResp = await issueOcspResponse({
    issuer: h.root.certificate,
    responderCert: h.root.certificate,
    signer: keySigner(h.root.privateKey),
    statusOf: () => ({ status: 'good' }),
    clock: fixedClock(NOW),
    request: buildOcspRequest({ issuer: h.root.certificate, certificates: [h.intermediate.certificate] }),
  });
  const base = { trustAnchors: [h.root.certificate], intermediates: [h.intermediate.certificate], time: NOW };
  let r = validatePath({ ...base, target: h.person.certificate, ocspResponses: [resp, rootResp], revocation: 'ocsp' });
  t.ok(r.valid, r.message ?? 'valid');
  r = validatePath({
    ...base,
    target: h.revokedPerson.certificate,
    ocspResponses: [resp, rootResp],
    revocation: 'ocsp',
  });
  t.same([r.valid, r.reason], [false, 'REVOKED']);
  r = validatePath({ ...base, target: h.person.certificate, ocspResponses: [resp], revocation: 'ocsp' });
  t.same([r.valid, r.reason], [false, 'NO_CRL'], 'no OCSP for the intermediate');
  r = validatePath({
    ...base,
    target: h.person.certificate,
    ocspResponses: [resp],
    crls: [h.rootCrl],
    revocation: 'any',
  });
  t.ok(r.valid, `any: OCSP for the leaf, CRL for the intermediate: ${r.message ?? ''}`);
  r = validatePath({ ...base, target: h.person.certificate, ocspResponses: [resp, rootResp] });
  t.same([r.valid, r.reason], [false, 'NO_CRL'], 'the default stays CRL-only');
  r = validatePath({
    ...base,
    target: h.revokedPerson.certificate,
    ocspResponses: [resp, rootResp],
    revocation: 'ocsp',
    time: new Date('2026-05-01T00:00:00Z'),
  });
  t.ok(r.valid, 'revoked after the validation time');
});
