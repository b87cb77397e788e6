// RFC 3161 time-stamping: our requests, responder and verifier, judged by `openssl ts`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  buildTimeStampRequest,
  derViolation,
  fixedClock,
  isPkiError,
  issueTimeStampToken,
  keySigner,
  readTimeStampRequest,
  readTimeStampResponse,
  toPem,
  verifyTimeStampToken,
} from '../src/index.ts';
import { int, octets, oid, seq, tlv } from '../src/der/writer.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';

const h = await buildHierarchy();
const s = scratch('pki-tsp-');
t.teardown(s.cleanup);
const root = s.file('root.pem', toPem('CERTIFICATE', h.root.certificate.der));
const untrusted = s.file(
  'tsa.pem',
  toPem('CERTIFICATE', h.tsa.certificate.der) + toPem('CERTIFICATE', h.intermediate.certificate.der),
);
const data = new TextEncoder().encode('Biên bản họp Ban Thường vụ Tỉnh ủy, 01/06/2026.\n');
const dataFile = s.file('data.bin', data);
const imprint = createHash('sha256').update(data).digest();
const POLICY = '1.3.6.1.4.1.99999.2.1';
const genTime = new Date(NOW.getTime() + 1234);
const tsa = {
  tsaCertificate: h.tsa.certificate,
  chain: [h.intermediate.certificate],
  signer: keySigner(h.tsa.privateKey),
  clock: fixedClock(genTime),
  policy: POLICY,
  accuracy: { seconds: 1, millis: 500 },
};
const trust = { trustAnchors: [h.root.certificate], crls: [h.rootCrl, h.intermediateCrl], time: NOW };
const attime = String(Math.floor(NOW.getTime() / 1000));

void t.test('our request, our responder, our verifier; openssl ts -verify agrees', async (t) => {
  const nonce = Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef);
  const req = buildTimeStampRequest({ hash: 'sha256', imprint, nonce, certReq: true });
  const parsed = readTimeStampRequest(req);
  t.same(
    [parsed.messageImprint.hash, parsed.certReq, Buffer.from(parsed.nonce!).toString('hex')],
    ['sha256', true, '0123456789abcdef'],
  );
  const resp = await issueTimeStampToken({ ...tsa, request: req, serialNumber: 42n });
  const r = readTimeStampResponse(resp);
  t.equal(r.status, 0, 'granted');
  t.equal(r.token?.tstInfo.genTime.toISOString(), genTime.toISOString(), 'genTime with milliseconds');
  t.same(r.token?.tstInfo.accuracy, { seconds: 1, millis: 500 });
  const v = verifyTimeStampToken(resp, { ...trust, data, nonce });
  t.ok(v.valid, v.message);
  t.equal(v.genTime?.toISOString(), genTime.toISOString());
  const respFile = s.file('resp.tsr', resp);
  const reqFile = s.file('req.tsq', req);
  const o1 = s.openssl([
    'ts',
    '-verify',
    '-data',
    dataFile,
    '-in',
    respFile,
    '-CAfile',
    root,
    '-untrusted',
    untrusted,
    '-attime',
    attime,
  ]);
  t.ok(o1.ok, `openssl ts -verify -data: ${o1.out}`);
  const o2 = s.openssl([
    'ts',
    '-verify',
    '-queryfile',
    reqFile,
    '-in',
    respFile,
    '-CAfile',
    root,
    '-untrusted',
    untrusted,
    '-attime',
    attime,
  ]);
  t.ok(o2.ok, `openssl ts -verify -queryfile: ${o2.out}`);
  const o3 = s.openssl([
    'ts',
    '-verify',
    '-digest',
    imprint.toString('hex'),
    '-in',
    respFile,
    '-CAfile',
    root,
    '-untrusted',
    untrusted,
    '-attime',
    attime,
  ]);
  t.ok(o3.ok, `openssl ts -verify -digest: ${o3.out}`);
  const text = s.openssl(['ts', '-reply', '-in', respFile, '-text']);
  t.match(text.out, /Policy OID: 1\.3\.6\.1\.4\.1\.99999\.2\.1/);
  t.match(text.out, /Nonce: 0x0123456789ABCDEF/i);
});

void t.test("openssl's own ts -query is accepted by our responder", async (t) => {
  const q = s.openssl(['ts', '-query', '-data', dataFile, '-sha256', '-cert', '-out', 'q.tsq']);
  t.ok(q.ok, q.out);
  const req = new Uint8Array(readFileSync(`${s.dir}/q.tsq`));
  const resp = await issueTimeStampToken({ ...tsa, request: req, serialNumber: 43n });
  const respFile = s.file('q.tsr', resp);
  const o = s.openssl([
    'ts',
    '-verify',
    '-queryfile',
    `${s.dir}/q.tsq`,
    '-in',
    respFile,
    '-CAfile',
    root,
    '-untrusted',
    untrusted,
    '-attime',
    attime,
  ]);
  t.ok(o.ok, `openssl ts -verify: ${o.out}`);
  const parsed = readTimeStampRequest(req);
  t.ok(verifyTimeStampToken(resp, { ...trust, data, nonce: parsed.nonce! }).valid);
  // SHA-1 requests are refused with badAlg.
  t.ok(s.openssl(['ts', '-query', '-data', dataFile, '-sha1', '-out', 'q1.tsq']).ok);
  const rej = readTimeStampResponse(
    await issueTimeStampToken({ ...tsa, request: new Uint8Array(readFileSync(`${s.dir}/q1.tsq`)), serialNumber: 44n }),
  );
  t.same([rej.status, rej.failures], [2, ['badAlg']]);
  t.ok(
    s
      .openssl([
        'ts',
        '-reply',
        '-in',
        s.file(
          'rej.tsr',
          await issueTimeStampToken({
            ...tsa,
            request: new Uint8Array(readFileSync(`${s.dir}/q1.tsq`)),
            serialNumber: 44n,
          }),
        ),
        '-text',
      ])
      .out.includes('unrecognized or unsupported algorithm'),
  );
});

void t.test('hostile requests are rejected with a reason, never a token', async (t) => {
  const good = buildTimeStampRequest({ hash: 'sha256', imprint, nonce: true });
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(), 'badDataFormat'],
    ['truncated', good.subarray(0, good.length - 3), 'badDataFormat'],
    ['trailing garbage', Uint8Array.from([...good, 0]), 'badDataFormat'],
    ['version 2', Uint8Array.from(good).fill(2, 4, 5), 'badRequest'],
    [
      'imprint of the wrong length',
      Buffer.concat([
        Buffer.from('3029020101302430 0d06096086480165030402010500 0413'.replace(/ /g, ''), 'hex'),
        Buffer.alloc(19, 1),
      ]),
      'badDataFormat',
    ],
    ['unknown digest', seq(int(1), seq(seq(oid('1.2.3.4.5')), octets(new Uint8Array(24)))), 'badAlg'],
    [
      'MD5',
      seq(int(1), seq(seq(oid('1.2.840.113549.2.5'), Uint8Array.of(5, 0)), octets(new Uint8Array(16)))),
      'badAlg',
    ],
    [
      'digest with parameters',
      seq(int(1), seq(seq(oid('2.16.840.1.101.3.4.2.1'), int(1)), octets(imprint))),
      'badDataFormat',
    ],
    [
      'unknown extension',
      seq(
        int(1),
        seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(imprint)),
        tlv(0xa0, seq(oid('1.2.3'), octets(Uint8Array.of(5, 0)))),
      ),
      'unacceptedExtension',
    ],
    [
      'fields out of order',
      seq(int(1), seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(imprint)), Uint8Array.of(1, 1, 0xff), int(5)),
      'badDataFormat',
    ],
    ['unoffered policy', buildTimeStampRequest({ hash: 'sha256', imprint, policy: '1.2.3.4' }), 'unacceptedPolicy'],
    [
      'nonce of 200 bytes',
      seq(int(1), seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(imprint)), int(new Uint8Array(200).fill(3))),
      'badDataFormat',
    ],
    ['deep nesting', Buffer.from('3080'.repeat(101) + '0000'.repeat(101), 'hex'), 'badDataFormat'],
    // Not DER (RFC 3161 §3.4): the nonce and the imprint are copied into the token, which would not be DER either.
    [
      'nonce with a needless leading zero',
      seq(int(1), seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(imprint)), tlv(0x02, Uint8Array.of(0, 0x12, 0x34))),
      'badDataFormat',
    ],
    [
      'imprint with a non-minimal length',
      seq(int(1), seq(seq(oid('2.16.840.1.101.3.4.2.1')), Buffer.concat([Buffer.of(0x04, 0x81, 0x20), imprint]))),
      'badDataFormat',
    ],
  ];
  for (const [name, der, failure] of cases) {
    const r = readTimeStampResponse(await issueTimeStampToken({ ...tsa, request: der, serialNumber: 1n }));
    t.same([r.status, r.failures, r.token], [2, [failure], undefined], `${name}: ${r.statusStrings.join(' ')}`);
    if (failure === 'badDataFormat') {
      let code: unknown;
      try {
        readTimeStampRequest(der);
      } catch (e) {
        code = isPkiError(e) ? e.code : e;
      }
      t.equal(code, 'MALFORMED', `${name}: the reader throws MALFORMED`);
    }
  }
});

void t.test('verification failures', async (t) => {
  const nonce = Uint8Array.of(9, 9, 9);
  const resp = await issueTimeStampToken({
    ...tsa,
    request: buildTimeStampRequest({ hash: 'sha256', imprint, nonce }),
    serialNumber: 7n,
  });
  t.equal(verifyTimeStampToken(resp, { ...trust, data: Uint8Array.of(1) }).failure, 'IMPRINT_MISMATCH');
  t.equal(verifyTimeStampToken(resp, { ...trust, imprint, nonce: Uint8Array.of(9, 9, 8) }).failure, 'NONCE_MISMATCH');
  t.equal(verifyTimeStampToken(resp, { imprint }).failure, 'UNTRUSTED', 'no trust anchors');
  const notTsa = await issueTimeStampToken({
    ...tsa,
    tsaCertificate: h.person.certificate,
    signer: keySigner(h.person.privateKey),
    request: buildTimeStampRequest({ hash: 'sha256', imprint }),
    serialNumber: 8n,
  });
  t.equal(verifyTimeStampToken(notTsa, { ...trust, imprint }).failure, 'NOT_A_TSA');
  const token = readTimeStampResponse(resp).token!.der;
  const flipped = Uint8Array.from(token);
  flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 1;
  t.equal(verifyTimeStampToken(flipped, { ...trust, imprint }).failure, 'SIGNATURE');
  t.equal(verifyTimeStampToken(Uint8Array.of(0x30, 0x00), { ...trust, imprint }).failure, 'MALFORMED');
  t.equal(
    verifyTimeStampToken(resp, { ...trust, imprint, time: new Date('2026-05-01T00:00:00Z') }).failure,
    'GEN_TIME',
    'genTime after the validation time',
  );
});

void t.test('a serial given as bytes with a needless leading zero still makes a DER token that verifies', async (t) => {
  // The CLI's in-process TSA draws 16 random bytes: one serial in 256 began 00 0x–7x and the token was not DER.
  for (const [given, written] of [
    ['0012ab', '12ab'],
    ['00008001', '008001'],
    ['80ff', '0080ff'],
    ['00', '00'],
  ] as const) {
    const resp = await issueTimeStampToken({
      ...tsa,
      request: buildTimeStampRequest({ hash: 'sha256', imprint }),
      serialNumber: Buffer.from(given, 'hex'),
    });
    const token = readTimeStampResponse(resp).token!;
    t.equal(Buffer.from(token.tstInfo.serialNumber).toString('hex'), written, `${given}: the INTEGER's octets`);
    t.equal(derViolation(token.tstInfo.der), undefined, `${given}: the TSTInfo is DER`);
    const v = verifyTimeStampToken(resp, { ...trust, imprint });
    t.ok(v.valid, `${given}: ${v.message}`);
  }
});

void t.test('randomly mutated requests never make the responder throw or grant a wrong imprint', async (t) => {
  const req = buildTimeStampRequest({ hash: 'sha256', imprint, nonce: true, policy: POLICY });
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let granted = 0;
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(req);
    for (let k = 0; k < 1 + rnd(3); k++) m[rnd(m.length)] = rnd(256);
    const r = readTimeStampResponse(await issueTimeStampToken({ ...tsa, request: m, serialNumber: BigInt(i) }));
    if (r.token !== undefined) {
      granted++;
      t.same(r.token.tstInfo.messageImprint.hashedMessage, readTimeStampRequest(m).messageImprint.hashedMessage);
    }
  }
  t.ok(granted < 300, `granted ${granted} of 300 mutated requests, each for its own imprint`);
});

void t.test('randomly mutated tokens never throw and almost never verify', async (t) => {
  const resp = await issueTimeStampToken({
    ...tsa,
    request: buildTimeStampRequest({ hash: 'sha256', imprint }),
    serialNumber: 9n,
  });
  const token = readTimeStampResponse(resp).token!.der;
  let seed = 3;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let valid = 0;
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(token);
    for (let k = 0; k < 1 + rnd(3); k++) m[rnd(m.length)] = rnd(256);
    if (verifyTimeStampToken(m, { ...trust, imprint }).valid) valid++;
  }
  // Bytes outside the signed TSTInfo and attributes (versions, unsigned certificate order) may change harmlessly.
  t.ok(valid < 15, `mutations still valid: ${valid}`);
});
