/**
 * The trust services over HTTP against the real PostgreSQL: certificates, TSA, OCSP, CRL
 * and verification, judged by openssl where it can judge; bad input of every kind gets a
 * problem+json 4xx and changes nothing; keys are stored encrypted and never logged.
 */
import t from 'tap';
import type { Test } from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildTimeStampRequest,
  decryptPrivateKey,
  readCertificate,
  readCrl,
  readPrivateKey,
  readTimeStampResponse,
  toPem,
  CrlReason,
} from '@lienthong/pki';
import { revokeCertificate } from '../src/ca/certificate-repository.ts';
import { issuePerson, scratch } from './fixtures.ts';
import { decryptWithTestKek, signingForFile, testKek } from './support.ts';
import { authHeader } from '../../../test/support/auth.ts';

const caller = authHeader({ subject: 'person:signer', office: 'VPTU-CM', roles: ['signer'] });

const signing = await signingForFile(t);
const { app, pool } = signing;
const s = scratch();
t.teardown(() => s.cleanup());

interface Listed {
  id: string;
  role: string;
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}
const listed = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{ certificates: Listed[] }>()
  .certificates;
const idOf = (role: string): string => listed.find((c) => c.role === role)!.id;
const derOf = async (id: string): Promise<Uint8Array> =>
  new Uint8Array((await app.inject({ method: 'GET', url: `/v1/ca/certificates/${id}` })).rawPayload);
const rootPem = s.file('root.pem', toPem('CERTIFICATE', await derOf(idOf('root'))));
const issuingPem = s.file('issuing.pem', toPem('CERTIFICATE', await derOf(idOf('issuing-ca'))));
const tsaChainPem = s.file(
  'tsa.pem',
  toPem('CERTIFICATE', await derOf(idOf('tsa'))) + toPem('CERTIFICATE', await derOf(idOf('issuing-ca'))),
);

/** What no bad request may change: the counters and the issued rows. */
async function stateOf(): Promise<string> {
  const { rows } = await pool.query<{ state: string }>(`SELECT concat_ws('|',
    (SELECT count(*) FROM certificate), (SELECT count(*) FROM crl), (SELECT string_agg(last_number::text, ',') FROM crl_counter),
    (SELECT last_value FROM tsa_serial), (SELECT count(*) FROM certificate WHERE revoked_at IS NOT NULL)) AS state`);
  return rows[0]!.state;
}

function assertProblem(
  t: Test,
  res: { statusCode: number; headers: Record<string, unknown>; json<T>(): T },
  status: number,
  code: string,
): void {
  t.equal(res.statusCode, status, `status ${status}`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'problem+json');
  t.match(res.json(), { status, code, type: `urn:lienthong:problem:${code}` }, `code ${code}`);
}

void t.test('the CA: a root, an issuing CA, a TSA and an OCSP responder, served as DER and PEM', async (t) => {
  t.same(listed.map((c) => c.role).sort(), ['issuing-ca', 'ocsp', 'root', 'tsa']);
  const root = readCertificate(await derOf(idOf('root')));
  t.match(
    listed.find((c) => c.role === 'root'),
    { subject: 'C=VN, O=lienthong, CN=lienthong Local Root CA', serial: root.serialHex },
  );
  const tsa = readCertificate(await derOf(idOf('tsa')));
  t.same(tsa.extKeyUsage, ['1.3.6.1.5.5.7.3.8'], 'the TSA carries id-kp-timeStamping only');
  t.ok(tsa.extensions.find((e) => e.oid === '2.5.29.37')?.critical, 'extKeyUsage is critical (RFC 3161 §2.3)');
  const der = await app.inject({ method: 'GET', url: `/v1/ca/certificates/${idOf('root')}` });
  t.equal(der.headers['content-type'], 'application/pkix-cert');
  const pem = await app.inject({
    method: 'GET',
    url: `/v1/ca/certificates/${idOf('root')}`,
    headers: { accept: 'application/x-pem-file' },
  });
  t.match(pem.headers['content-type'], /^application\/x-pem-file/);
  t.match(pem.body, /^-----BEGIN CERTIFICATE-----/);
  const o = s.openssl(['verify', '-CAfile', rootPem, '-untrusted', issuingPem, tsaChainPem]);
  t.ok(o.ok, `openssl verify accepts the TSA chain: ${o.out}`);
});

void t.test('certificates: unknown and malformed ids', async (t) => {
  const before = await stateOf();
  assertProblem(
    t,
    await app.inject({ method: 'GET', url: '/v1/ca/certificates/00000000-0000-4000-8000-000000000000' }),
    404,
    'CERTIFICATE_NOT_FOUND',
  );
  assertProblem(
    t,
    await app.inject({ method: 'GET', url: '/v1/ca/certificates/not-a-uuid' }),
    400,
    'VALIDATION_FAILED',
  );
  assertProblem(
    t,
    await app.inject({ method: 'GET', url: "/v1/ca/certificates/1'%20OR%201=1" }),
    400,
    'VALIDATION_FAILED',
  );
  t.equal(await stateOf(), before, 'nothing changed');
});

void t.test('TSA: an openssl request is granted and openssl ts -verify accepts the reply', async (t) => {
  const data = s.file('data.txt', 'Nghị quyết số 01-NQ/TU');
  const query = s.openssl(['ts', '-query', '-data', data, '-sha256', '-cert', '-out', 'req.tsq']);
  t.ok(query.ok, query.out);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/tsa',
    headers: { ...caller, 'content-type': 'application/timestamp-query' },
    payload: readFileSync(`${s.dir}/req.tsq`),
  });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/timestamp-reply');
  s.file('reply.tsr', res.rawPayload);
  const verify = s.openssl([
    'ts',
    '-verify',
    '-data',
    data,
    '-in',
    'reply.tsr',
    '-CAfile',
    rootPem,
    '-untrusted',
    tsaChainPem,
  ]);
  t.ok(verify.ok, `openssl ts -verify: ${verify.out}`);

  const serials = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const req = buildTimeStampRequest({
      hash: 'sha256',
      imprint: createHash('sha256').update(`doc ${i}`).digest(),
      nonce: true,
    });
    const r = await app.inject({
      method: 'POST',
      url: '/v1/tsa',
      headers: { ...caller, 'content-type': 'application/timestamp-query' },
      payload: Buffer.from(req),
    });
    const token = readTimeStampResponse(new Uint8Array(r.rawPayload)).token;
    serials.add(Buffer.from(token!.tstInfo.serialNumber).toString('hex'));
  }
  t.equal(serials.size, 3, 'every token has its own serial number');
});

void t.test('TSA: a readable request it will not grant gets an RFC 3161 rejection', async (t) => {
  const data = s.file('data-sha1.txt', 'x');
  t.ok(s.openssl(['ts', '-query', '-data', data, '-sha1', '-out', 'sha1.tsq']).ok);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/tsa',
    headers: { ...caller, 'content-type': 'application/timestamp-query' },
    payload: readFileSync(`${s.dir}/sha1.tsq`),
  });
  t.equal(res.statusCode, 200);
  const reply = readTimeStampResponse(new Uint8Array(res.rawPayload));
  t.equal(reply.status, 2, 'status rejection');
  t.same(reply.failures, ['badAlg']);
  t.equal(reply.token, undefined);
});

void t.test('TSA: bad input gets problem+json and changes nothing', async (t) => {
  const before = await stateOf();
  const good = Buffer.from(
    buildTimeStampRequest({ hash: 'sha256', imprint: createHash('sha256').update('x').digest() }),
  );
  const post = (payload: Buffer | string, type = 'application/timestamp-query') =>
    app.inject({ method: 'POST', url: '/v1/tsa', headers: { ...caller, 'content-type': type }, payload });
  assertProblem(t, await post(good, 'application/octet-stream'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertProblem(t, await post(JSON.stringify({ a: 1 }), 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertProblem(
    t,
    await app.inject({ method: 'POST', url: '/v1/tsa', headers: caller }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
  assertProblem(
    t,
    await app.inject({
      method: 'POST',
      url: '/v1/tsa',
      headers: { 'content-type': 'application/timestamp-query' },
      payload: Buffer.from([0x30, 0]),
    }),
    401,
    'UNAUTHENTICATED',
  );
  assertProblem(t, await post(Buffer.alloc(0)), 400, 'TIMESTAMP_REQUEST_MALFORMED');
  assertProblem(t, await post(good.subarray(0, good.length - 3)), 400, 'TIMESTAMP_REQUEST_MALFORMED');
  assertProblem(t, await post(Buffer.from('not DER at all, just words')), 400, 'TIMESTAMP_REQUEST_MALFORMED');
  assertProblem(t, await post(Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff])), 400, 'TIMESTAMP_REQUEST_MALFORMED');
  assertProblem(t, await post(Buffer.alloc(64 * 1024 + 1, 0x30)), 413, 'PAYLOAD_TOO_LARGE');
  t.equal(await stateOf(), before, 'no serial was taken, nothing stored');
});

void t.test('OCSP: openssl asks about a person, a serial the CA never issued, and after revocation', async (t) => {
  const person = await issuePerson(pool, 'Nguyễn Văn A');
  const personPem = s.file('person.pem', toPem('CERTIFICATE', person.certificate.der));
  t.ok(s.openssl(['ocsp', '-issuer', issuingPem, '-cert', personPem, '-serial', '0x1234', '-reqout', 'ocsp.req']).ok);
  const request = readFileSync(`${s.dir}/ocsp.req`);
  const ask = async (how: 'POST' | 'GET') =>
    how === 'POST'
      ? app.inject({
          method: 'POST',
          url: '/v1/ocsp',
          headers: { 'content-type': 'application/ocsp-request' },
          payload: request,
        })
      : app.inject({ method: 'GET', url: `/v1/ocsp/${encodeURIComponent(request.toString('base64'))}` });

  for (const how of ['POST', 'GET'] as const) {
    const res = await ask(how);
    t.equal(res.statusCode, 200, how);
    t.equal(res.headers['content-type'], 'application/ocsp-response');
    s.file(`ocsp-${how}.resp`, res.rawPayload);
    const v = s.openssl([
      'ocsp',
      '-respin',
      `ocsp-${how}.resp`,
      '-reqin',
      'ocsp.req',
      '-CAfile',
      rootPem,
      '-verify_other',
      issuingPem,
    ]);
    t.ok(v.ok, `${how}: openssl ocsp verifies, nonce included: ${v.out}`);
    t.match(v.out, /Response verify OK/, how);
    // With -cert/-serial openssl builds a request of its own (another nonce), hence -no_nonce.
    const o = s.openssl([
      'ocsp',
      '-respin',
      `ocsp-${how}.resp`,
      '-issuer',
      issuingPem,
      '-CAfile',
      rootPem,
      '-verify_other',
      issuingPem,
      '-cert',
      personPem,
      '-serial',
      '0x1234',
      '-no_nonce',
    ]);
    t.ok(o.ok, `${how}: ${o.out}`);
    t.match(o.out, /person\.pem: good/, `${how}: the person is good`);
    t.match(o.out, /0x1234: unknown/, `${how}: a serial the CA never issued is unknown`);
  }
  const b64url = request.toString('base64url');
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/ocsp/${b64url}` })).statusCode,
    200,
    'base64url is accepted on GET',
  );

  const crlBefore = readCrl(new Uint8Array((await app.inject({ method: 'GET', url: '/v1/ca/crl' })).rawPayload));
  t.ok(await revokeCertificate(pool, person.record.id, new Date(), CrlReason.keyCompromise));
  const res = await ask('POST');
  s.file('ocsp-revoked.resp', res.rawPayload);
  const o = s.openssl([
    'ocsp',
    '-respin',
    'ocsp-revoked.resp',
    '-issuer',
    issuingPem,
    '-CAfile',
    rootPem,
    '-verify_other',
    issuingPem,
    '-cert',
    personPem,
    '-no_nonce',
  ]);
  t.match(o.out, /person\.pem: revoked/, `after revocation: ${o.out}`);
  t.match(o.out, /Reason: keyCompromise/);

  const crlAfter = readCrl(new Uint8Array((await app.inject({ method: 'GET', url: '/v1/ca/crl' })).rawPayload));
  t.ok(crlAfter.crlNumber! > crlBefore.crlNumber!, 'a revocation makes a new CRL');
  t.ok(
    crlAfter.entries.some((e) => e.serialHex === person.certificate.serialHex),
    'the CRL lists the revoked person',
  );
});

void t.test('OCSP: bad input gets problem+json and changes nothing', async (t) => {
  const before = await stateOf();
  const post = (payload: Buffer, type = 'application/ocsp-request') =>
    app.inject({ method: 'POST', url: '/v1/ocsp', headers: { 'content-type': type }, payload });
  assertProblem(t, await post(Buffer.from([0x30, 0x00]), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertProblem(t, await post(Buffer.alloc(0)), 400, 'OCSP_REQUEST_MALFORMED');
  assertProblem(t, await post(Buffer.from([0x30, 0x03, 0x30, 0x01])), 400, 'OCSP_REQUEST_MALFORMED');
  assertProblem(t, await post(Buffer.alloc(64 * 1024 + 1, 0x41)), 413, 'PAYLOAD_TOO_LARGE');
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/ocsp/%21%21%21%21' }), 400, 'OCSP_REQUEST_MALFORMED');
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/ocsp/AAAA' }), 400, 'OCSP_REQUEST_MALFORMED');
  // A broken percent-encoding is refused by the router before any route runs (fastify FST_ERR_BAD_URL).
  const badUrl = await app.inject({ method: 'GET', url: '/v1/ocsp/%E0%A4%A' });
  t.equal(badUrl.statusCode, 400);
  t.equal(badUrl.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(badUrl.json(), { code: 'BAD_REQUEST' });
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/ocsp/${'A'.repeat(9000)}` }), 400, 'VALIDATION_FAILED');
  t.equal(await stateOf(), before, 'nothing changed');
});

void t.test('CRL: DER that openssl reads, re-used while fresh, one per CA', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/ca/crl' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/pkix-crl');
  s.file('ca.crl', res.rawPayload);
  const o = s.openssl(['crl', '-inform', 'DER', '-in', 'ca.crl', '-noout', '-text', '-CAfile', issuingPem]);
  t.ok(o.ok, o.out);
  t.match(o.out, /Issuer: C ?= ?VN, O ?= ?lienthong, CN ?= ?lienthong Issuing CA/);
  const again = await app.inject({ method: 'GET', url: '/v1/ca/crl' });
  t.same(again.rawPayload, res.rawPayload, 'a fresh CRL is served again, not re-issued');
  const root = await app.inject({ method: 'GET', url: '/v1/ca/crl?issuer=root' });
  t.match(readCrl(new Uint8Array(root.rawPayload)).issuer, readCertificate(await derOf(idOf('root'))).subject);
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/ca/crl?issuer=tsa' }), 400, 'VALIDATION_FAILED');
});

void t.test('verify: a CAdES signature by a person of this CA; tampering and non-CMS input', async (t) => {
  const person = await issuePerson(pool, 'Trần Thị B');
  const content = Buffer.from('Công văn số 12-CV/VPTU');
  const signature = Buffer.from(await person.sign(content));
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/verify', headers: caller, payload: payload as Record<string, unknown> });

  const ok = await post({ signature: signature.toString('base64'), content: content.toString('base64') });
  t.equal(ok.statusCode, 200);
  t.match(ok.json(), {
    indication: 'TOTAL_PASSED',
    integrity: true,
    trusted: true,
    level: 'B-B',
    signer: { subject: /Trần Thị B/ },
  });
  t.equal(ok.json<{ chain: unknown[] }>().chain.length, 3, 'person → issuing CA → root');

  const tampered = await post({
    signature: signature.toString('base64'),
    content: Buffer.from('Công văn số 13-CV/VPTU').toString('base64'),
  });
  t.match(tampered.json(), { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });

  const notCms = await post({ signature: Buffer.from('hello world').toString('base64') });
  t.equal(notCms.statusCode, 200, 'bytes that are not CMS are a finding, reported');
  t.match(notCms.json(), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });

  t.ok(await revokeCertificate(pool, person.record.id, new Date(Date.now() - 1000), CrlReason.keyCompromise));
  const revoked = await post({ signature: signature.toString('base64'), content: content.toString('base64') });
  t.match(
    revoked.json(),
    { indication: 'TOTAL_FAILED', subIndication: 'REVOKED' },
    "revocation is read from the CA's own CRL",
  );
});

void t.test('verify: bad input gets problem+json and changes nothing', async (t) => {
  const before = await stateOf();
  const post = (payload: string, type = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/verify', headers: { ...caller, 'content-type': type }, payload });
  assertProblem(t, await post('{"signature":"@@not base64@@"}'), 400, 'VALIDATION_FAILED');
  assertProblem(t, await post('{"signature":"QUJD"}'.replace('QUJD', 'QUJ')), 400, 'VALIDATION_FAILED');
  assertProblem(t, await post('{"signature":"<script>alert(1)</script>"}'), 400, 'VALIDATION_FAILED');
  assertProblem(t, await post('{}'), 400, 'VALIDATION_FAILED');
  assertProblem(t, await post('{"signature":'), 400, 'MALFORMED_BODY');
  assertProblem(t, await post('', 'application/json'), 400, 'MALFORMED_BODY');
  assertProblem(t, await post('signature=QUJD', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertProblem(t, await post(JSON.stringify({ signature: 'QUJD', anchors: ['QUJD'] })), 400, 'TRUST_ANCHOR_MALFORMED');
  assertProblem(t, await post(JSON.stringify({ signature: 'A'.repeat(16 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
  // Megabytes of base64 are checked without a regular expression (V8's overflows the stack
  // past about 6 MB): a finding for bytes that are not CMS, a 400 for what is not base64.
  const big = await post(JSON.stringify({ signature: 'A'.repeat(12 * 1024 * 1024) }));
  t.equal(big.statusCode, 200, '12 MB of base64: read, not a 500');
  t.match(big.json(), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  assertProblem(
    t,
    await post(JSON.stringify({ signature: `${'A'.repeat(12 * 1024 * 1024)}!` })),
    400,
    'VALIDATION_FAILED',
  );
  assertProblem(
    t,
    await post(JSON.stringify({ signature: 'QUJD', content: `${'B'.repeat(8 * 1024 * 1024 + 1)}` })),
    400,
    'VALIDATION_FAILED',
  );
  assertProblem(
    t,
    await post(JSON.stringify({ signature: 'QUJD', anchors: ['A'.repeat(12 * 1024 * 1024)] })),
    400,
    'VALIDATION_FAILED',
  );
  t.equal(await stateOf(), before, 'nothing changed');
});

void t.test('private keys are stored as EncryptedPrivateKeyInfo (PBES2) and never logged', async (t) => {
  const { rows } = await pool.query<{ certificate_id: string; encrypted_pkcs8: Buffer }>(
    'SELECT certificate_id, encrypted_pkcs8 FROM private_key',
  );
  t.equal(rows.length, 4, 'root, issuing CA, TSA and OCSP responder keys');
  const pbes2 = Buffer.from('06092a864886f70d01050d', 'hex');
  for (const row of rows) {
    t.equal(row.encrypted_pkcs8[0], 0x30);
    t.ok(row.encrypted_pkcs8.subarray(0, 24).includes(pbes2), 'encryptionAlgorithm is PBES2 (RFC 8018 §6.2)');
    t.throws(
      () => readPrivateKey(new Uint8Array(row.encrypted_pkcs8)),
      { name: 'PkiError', code: 'MALFORMED' },
      'not a plain PKCS#8 key',
    );
    t.equal((await decryptWithTestKek(pool, new Uint8Array(row.encrypted_pkcs8))).type, 'private', 'the KEK opens it');
    t.throws(
      () => decryptPrivateKey(new Uint8Array(row.encrypted_pkcs8), testKek),
      { code: 'KEY_DECRYPTION_FAILED' },
      'the passphrase itself does not (the key derived from it does)',
    );
  }
  const logs = signing.lines.join('');
  t.ok(logs.length > 0, 'logs were captured');
  t.notOk(logs.includes(testKek), 'the KEK is not logged');
  t.notMatch(logs, /PRIVATE KEY/);
  for (const row of rows) {
    t.notOk(logs.includes(row.encrypted_pkcs8.toString('base64').slice(0, 40)), 'no encrypted key in the logs');
    t.notOk(logs.includes(row.encrypted_pkcs8.toString('hex').slice(0, 40)), 'no encrypted key in the logs (hex)');
  }
});

void t.test('/docs describes the trust-service routes with their errors', async (t) => {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  }>();
  for (const [path, method] of [
    ['/v1/tsa', 'post'],
    ['/v1/ocsp', 'post'],
    ['/v1/ca/crl', 'get'],
    ['/v1/ca/certificates', 'get'],
    ['/v1/ca/certificates/{id}', 'get'],
    ['/v1/verify', 'post'],
  ] as const) {
    t.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
  }
  t.match(doc.paths['/v1/tsa']!.post!.responses, { 200: {}, 400: {}, 413: {}, 415: {} });
});
