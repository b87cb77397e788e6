/**
 * `POST /v1/evidence/signatures`: delivery's statements sealed by the acting office's seal,
 * with a token of delivery's own key (LIENTHONG_SIGNING_EVIDENCE_JWKS), good for this route
 * only. Judged by libs/evidence `checkEvidence` and `openssl cms -verify`; every refusal
 * signs and logs nothing.
 */
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { checkEvidence, encodeStatement, type EvidenceStatement } from '@lienthong/evidence';
import { buildTimeStampRequest, readSignedData, toPem, CrlReason } from '@lienthong/pki';
import { publicJwks, signAccessToken } from '@lienthong/service';
import type { AccessTokenRequest, ServiceApp } from '@lienthong/service';
import { revokeCertificate } from '../src/ca/certificate-repository.ts';
import { scratch } from './fixtures.ts';
import { dropTestSchemas, signingForFile, startTestSigning } from './support.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { skipUnless, softhsmModule } from '../../../test/support/judges.ts';
import { createSoftHsmToken } from '../../../test/support/softhsm.ts';

const deliveryKey = generateKeyPairSync('ed25519').privateKey;
const signing = await signingForFile(t, {
  LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1'),
});
const { app, pool } = signing;

/** A token as delivery mints it (contract: iss lienthong-delivery, 300 s), claims overridable. */
function deliveryToken(office: string, overrides: Partial<AccessTokenRequest> = {}, kid = 'delivery-1'): string {
  const iat = Math.floor(Date.now() / 1000);
  return signAccessToken(
    {
      iss: 'lienthong-delivery',
      sub: 'service:delivery',
      aud: 'lienthong-signing',
      office,
      roles: ['evidence-sealer'],
      iat,
      exp: iat + 300,
      ...overrides,
    },
    { privateKey: deliveryKey, kid },
  );
}

const documentSha256 = createHash('sha256').update('the issued PDF').digest('hex');

/** A statement of `event` acted by `acting` (the sender VPTU-CM unless said), canonical bytes. */
function statement(event: EvidenceStatement['event'], fields: Partial<EvidenceStatement> = {}): Uint8Array {
  return encodeStatement({
    id: randomUUID(),
    event,
    time: new Date(Date.now() - 60_000),
    deliveryId: 'delivery-1',
    documentId: 'doc-1',
    documentSha256,
    documentLength: 1234,
    senderOffice: 'VPTU-CM',
    ...(event === 'SubmissionAcceptance' ? {} : { recipientOffice: 'VPTU-HN' }),
    actingOffice: 'VPTU-CM',
    ...fields,
  });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function seal(target: ServiceApp, token: string, statements: readonly Uint8Array[]) {
  return target.inject({
    method: 'POST',
    url: '/v1/evidence/signatures',
    headers: { authorization: `Bearer ${token}` },
    payload: { statements: statements.map(b64) },
  });
}

const signedCount = async () =>
  Number(
    (await pool.query<{ n: string }>("SELECT count(*) AS n FROM signing_log WHERE action IN ('sign', 'sign-failed')"))
      .rows[0]!.n,
  );

async function issueSeal(office: string): Promise<{ id: string; keyId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: authHeader({ subject: 'person:ca-admin', office, roles: ['ca-admin'] }),
    payload: {},
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

async function certificateDer(id: string): Promise<Uint8Array> {
  return new Uint8Array((await app.inject({ method: 'GET', url: `/v1/ca/certificates/${id}` })).rawPayload);
}

const list = (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
  certificates: Array<{ id: string; role: string }>;
}>();
const root = await certificateDer(list.certificates.find((c) => c.role === 'root')!.id);
const cmSeal = await issueSeal('VPTU-CM');
const sealDer = await certificateDer(cmSeal.id);
const issuingDer = await certificateDer(list.certificates.find((c) => c.role === 'issuing-ca')!.id);

void t.test(
  'a delivery token seals three statements of its office: each is evidence that checkEvidence and openssl accept, logged',
  async (t) => {
    const s = scratch();
    t.teardown(() => s.cleanup());
    const statements = [
      statement('SubmissionAcceptance'),
      statement('ContentConsignment'),
      statement('RecallRequest', { reason: 'Văn bản ban hành nhầm' }),
    ];
    const before = await signedCount();
    const res = await seal(app, deliveryToken('VPTU-CM'), statements);
    t.equal(res.statusCode, 201, res.statusCode === 201 ? 'sealed' : res.body);
    const evidence = res.json<{ evidence: string[] }>().evidence.map((e) => new Uint8Array(Buffer.from(e, 'base64')));
    t.equal(evidence.length, 3, 'one evidence per statement');
    const rootPem = s.file('root.pem', toPem('CERTIFICATE', root));
    for (const [i, cms] of evidence.entries()) {
      const check = checkEvidence(cms, { trustAnchors: [root], time: new Date() });
      t.ok(check.ok, check.message);
      t.equal(check.signerOffice, 'VPTU-CM', "signed by the acting office's seal");
      t.same(encodeStatement(check.statement!), statements[i], 'the statement it carries, in the same order');
      t.same(
        readSignedData(cms).certificates.map((c) => c.der),
        [sealDer, issuingDer],
        'the seal and its chain, not the root',
      );
      s.file(`e${i}.p7s`, cms);
      const openssl = spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `e${i}.p7s`, '-CAfile', rootPem],
        { cwd: s.dir },
      );
      t.equal(openssl.status, 0, openssl.stderr.toString());
      t.same(new Uint8Array(openssl.stdout), statements[i], 'openssl prints exactly the statement');
    }
    t.equal(await signedCount(), before + 3);
    const { rows } = await pool.query<{
      office: string;
      subject: string;
      key_id: string;
      digest: string;
      outcome: string;
    }>(
      "SELECT office, subject, key_id, digest, outcome FROM signing_log WHERE action = 'sign' AND detail = 'evidence' ORDER BY id DESC LIMIT 3",
    );
    t.same(
      rows.reverse().map((r) => r.digest),
      statements.map((st) => createHash('sha256').update(st).digest('hex')),
      "one row per statement, its digest the statement's SHA-256",
    );
    for (const [i, row] of rows.entries()) {
      t.match(row, { office: 'VPTU-CM', subject: 'service:delivery', key_id: cmSeal.keyId });
      const value = readSignedData(evidence[i]!).signerInfos[0]!.signature;
      t.equal(row.outcome, `sha256:${createHash('sha256').update(value).digest('hex')}`, 'the signature made');
    }
  },
);

void t.test('only a delivery evidence token is good here, and only here', async (t) => {
  const before = await signedCount();
  const statements = [statement('ContentConsignment')];
  const expectRefused = async (token: string, status: number, code: string, why: string) => {
    const res = await seal(app, token, statements);
    t.equal(res.statusCode, status, why);
    t.match(res.json(), { code }, why);
    if (status === 401) t.match(res.headers['www-authenticate'], /^Bearer realm="lienthong"/, 'the RFC 6750 challenge');
  };
  const ordinary = (roles: string[]) =>
    authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles }).authorization.slice('Bearer '.length);
  await expectRefused(ordinary(['registry']), 401, 'UNAUTHENTICATED', "a clerk's access token is refused");
  await expectRefused(ordinary(['evidence-sealer']), 401, 'UNAUTHENTICATED', 'even with the role: wrong issuer key');
  await expectRefused(deliveryToken('VPTU-CM', { iss: 'lienthong' }), 401, 'UNAUTHENTICATED', 'another issuer');
  await expectRefused(
    deliveryToken('VPTU-CM', { aud: 'lienthong-intake' }),
    401,
    'TOKEN_WRONG_AUDIENCE',
    'another audience',
  );
  const old = Math.floor(Date.now() / 1000) - 1000;
  await expectRefused(deliveryToken('VPTU-CM', { iat: old, exp: old + 300 }), 401, 'UNAUTHENTICATED', 'expired');
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(
    deliveryToken('VPTU-CM', { iat: now, exp: now + 3600 }),
    401,
    'TOKEN_BAD_LIFETIME',
    'a lifetime over 600 s',
  );
  await expectRefused(deliveryToken('VPTU-CM', {}, 'delivery-2'), 401, 'UNAUTHENTICATED', 'an unknown kid');
  const stranger = generateKeyPairSync('ed25519').privateKey;
  const forged = signAccessToken(
    {
      iss: 'lienthong-delivery',
      sub: 'service:delivery',
      aud: 'lienthong-signing',
      office: 'VPTU-CM',
      roles: ['evidence-sealer'],
      exp: now + 300,
    },
    { privateKey: stranger, kid: 'delivery-1' },
  );
  await expectRefused(forged, 401, 'UNAUTHENTICATED', 'signed by another key under the same kid');
  await expectRefused(deliveryToken('VPTU-CM', { roles: ['registry'] }), 403, 'FORBIDDEN', 'no evidence-sealer role');
  const anonymous = await app.inject({
    method: 'POST',
    url: '/v1/evidence/signatures',
    payload: { statements: [b64(statements[0]!)] },
  });
  t.equal(anonymous.statusCode, 401, 'no token');

  // The evidence token on the service's other routes.
  const evidenceAuth = {
    authorization: `Bearer ${deliveryToken('VPTU-CM', { roles: ['evidence-sealer', 'registry'] })}`,
  };
  const digest = b64(createHash('sha256').update(statements[0]!).digest());
  const elsewhere = [
    await app.inject({
      method: 'POST',
      url: `/v1/keys/${cmSeal.keyId}/signatures`,
      headers: evidenceAuth,
      payload: { digest, digestAlgorithm: 'sha256', level: 'B-B' },
    }),
    await app.inject({ method: 'GET', url: '/v1/keys', headers: evidenceAuth }),
    await app.inject({ method: 'GET', url: '/v1/offices/self', headers: evidenceAuth }),
  ];
  for (const res of elsewhere) {
    t.equal(res.statusCode, 401, 'an evidence token is no access token');
    t.match(res.json(), { code: 'UNAUTHENTICATED' });
  }
  t.equal(await signedCount(), before, 'nothing signed, nothing logged as signed');

  // The TSA takes delivery's token besides access tokens: delivery time-stamps its batches there.
  const query = Buffer.from(
    buildTimeStampRequest({ hash: 'sha256', imprint: createHash('sha256').update('batch').digest() }),
  );
  const stamp = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/v1/tsa',
      headers: { ...headers, 'content-type': 'application/timestamp-query' },
      payload: query,
    });
  const byDelivery = await stamp({ authorization: `Bearer ${deliveryToken('VPTU-CM')}` });
  t.equal(byDelivery.statusCode, 200, 'the TSA answers delivery');
  t.equal(byDelivery.headers['content-type'], 'application/timestamp-reply');
  t.notOk(byDelivery.headers['www-authenticate'], 'no challenge on an answer');
  const byClerk = await stamp(authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] }));
  t.equal(byClerk.statusCode, 200, 'and access tokens as before');
  const expired = deliveryToken('VPTU-CM', {
    iat: Math.floor(Date.now() / 1000) - 900,
    exp: Math.floor(Date.now() / 1000) - 600,
  });
  const stale = await stamp({ authorization: `Bearer ${expired}` });
  t.equal(stale.statusCode, 401, 'an expired delivery token is refused by the TSA');
  t.equal((await stamp({})).statusCode, 401, 'no token');
});

void t.test('malformed, non-canonical and foreign statements: 4xx naming the statement, nothing signed', async (t) => {
  const before = await signedCount();
  const token = deliveryToken('VPTU-CM');
  const good = statement('ContentConsignment');
  const text = new TextDecoder().decode(good);
  const utf8 = (value: string) => new TextEncoder().encode(value);
  for (const [bytes, evidenceError, why] of [
    [utf8('not json'), 'EVIDENCE_STATEMENT_MALFORMED', 'not JSON'],
    [utf8(text.replace('{', '{ ')), 'EVIDENCE_STATEMENT_NOT_CANONICAL', 'white space'],
    [utf8(text.replace('"version":1', '"version":1,"x":1')), 'EVIDENCE_STATEMENT_UNKNOWN_FIELD', 'an unknown member'],
    [utf8(text.replace('"version":1', '"version":2')), 'EVIDENCE_STATEMENT_FIELD_INVALID', 'another version'],
    [utf8(text.replace('"version":1', '"version":1,"version":1')), 'EVIDENCE_STATEMENT_DUPLICATE_FIELD', 'a repeat'],
    [new Uint8Array(9000).fill(0x20), 'EVIDENCE_STATEMENT_TOO_LARGE', 'over 8 KiB'],
    [new Uint8Array(0), 'EVIDENCE_STATEMENT_MALFORMED', 'empty'],
    [Uint8Array.of(0xef, 0xbb, 0xbf, ...good), 'EVIDENCE_STATEMENT_MALFORMED', 'a BOM'],
  ] as const) {
    const res = await seal(app, token, [good, good, bytes]);
    t.equal(res.statusCode, 400, why);
    t.match(res.json(), { code: 'EVIDENCE_STATEMENT_INVALID', index: 2, evidenceError }, why);
  }
  const field = await seal(app, token, [utf8(text.replace('"documentLength":1234', '"documentLength":-1'))]);
  t.match(field.json(), { index: 0, evidenceError: 'EVIDENCE_STATEMENT_FIELD_INVALID', field: 'documentLength' });

  const foreign = statement('AcceptanceByRecipient', { actingOffice: 'VPTU-HN', incomingNumber: '125' });
  const mismatch = await seal(app, token, [good, foreign]);
  t.equal(mismatch.statusCode, 403);
  t.match(mismatch.json(), { code: 'EVIDENCE_OFFICE_MISMATCH', index: 1 });
  const hn = await seal(app, deliveryToken('VPTU-HN'), [foreign, good]);
  t.match(hn.json(), { code: 'EVIDENCE_OFFICE_MISMATCH', index: 1 }, "VPTU-HN's token cannot seal VPTU-CM's act");

  for (const [payload, why] of [
    [{ statements: [] }, 'no statement'],
    [{ statements: Array.from({ length: 501 }, () => b64(good)) }, '501 statements'],
    [{ statements: ['!!!not base64'] }, 'not base64'],
    [{ statements: [b64(good), b64(good).slice(0, -1)] }, 'base64 cut short (not a multiple of 4)'],
    [{ statements: [b64(good).replace(/\+/g, '-').replace(/\//g, '_') + '-_'] }, 'base64url'],
    [{ statements: [`${b64(good)}\n`] }, 'a line break'],
    [{ statements: ['QUJD'], extra: 1 }, 'an unknown member'],
    [{ statements: b64(good) }, 'not an array'],
    [{ statements: [5] }, 'not a string'],
    [{}, 'no statements'],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/evidence/signatures',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    t.equal(res.statusCode, 400, why);
    t.match(res.json(), { code: 'VALIDATION_FAILED' }, why);
  }
  const huge = await app.inject({
    method: 'POST',
    url: '/v1/evidence/signatures',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ statements: ['A'.repeat(8 * 1024 * 1024)] }),
  });
  t.equal(huge.statusCode, 413, 'over 8 MiB');
  t.match(huge.json(), { code: 'PAYLOAD_TOO_LARGE' });
  const oneHuge = await seal(app, token, [new Uint8Array(5 * 1024 * 1024).fill(0x7b)]);
  t.equal(oneHuge.statusCode, 400, 'one statement of 5 MiB (6.7 MiB of base64) within the body limit');
  t.match(oneHuge.json(), {
    code: 'EVIDENCE_STATEMENT_INVALID',
    index: 0,
    evidenceError: 'EVIDENCE_STATEMENT_TOO_LARGE',
  });
  const xml = await app.inject({
    method: 'POST',
    url: '/v1/evidence/signatures',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    payload: '<statements/>',
  });
  t.equal(xml.statusCode, 415, 'JSON only');
  t.equal(await signedCount(), before, 'nothing signed, nothing logged as signed');
});

void t.test('the seal is the newest one that can sign; an office without one is 409', async (t) => {
  const before = await signedCount();
  const hnStatement = statement('AcceptanceByRecipient', { actingOffice: 'VPTU-HN', incomingNumber: '7' });
  const none = await seal(app, deliveryToken('VPTU-HN'), [hnStatement]);
  t.equal(none.statusCode, 409);
  t.match(none.json(), { code: 'OFFICE_HAS_NO_SEAL' });
  const unregistered = await seal(app, deliveryToken('VPTU-XX'), [
    statement('SubmissionAcceptance', { senderOffice: 'VPTU-XX', actingOffice: 'VPTU-XX' }),
  ]);
  t.equal(unregistered.statusCode, 409);
  t.match(unregistered.json(), { code: 'OFFICE_NOT_REGISTERED' });
  await issueSeal('VPTU-BL');
  const bl = statement('SubmissionAcceptance', { senderOffice: 'VPTU-BL', actingOffice: 'VPTU-BL' });
  t.equal((await seal(app, deliveryToken('VPTU-BL'), [bl])).statusCode, 201, 'an office with a seal');
  await pool.query("UPDATE office SET active = false WHERE code = 'VPTU-BL'");
  const retired = await seal(app, deliveryToken('VPTU-BL'), [bl]);
  t.equal(retired.statusCode, 409, 'retired by the directory: its seal signs no more evidence');
  t.match(retired.json(), { code: 'OFFICE_NOT_REGISTERED' });
  t.equal(await signedCount(), before + 1, 'only the first was signed');

  const first = await issueSeal('VPTU-HN');
  const second = await issueSeal('VPTU-HN');
  const signerOf = async () => {
    const res = await seal(app, deliveryToken('VPTU-HN'), [hnStatement]);
    t.equal(res.statusCode, 201, res.statusCode === 201 ? 'sealed' : res.body);
    const cms = new Uint8Array(Buffer.from(res.json<{ evidence: string[] }>().evidence[0]!, 'base64'));
    t.ok(checkEvidence(cms, { trustAnchors: [root], time: new Date() }).ok);
    return readSignedData(cms).certificates[0]!.der;
  };
  t.same(await signerOf(), await certificateDer(second.id), 'the newest seal');
  await revokeCertificate(pool, second.id, new Date(), CrlReason.keyCompromise);
  t.same(await signerOf(), await certificateDer(first.id), 'once it is revoked, the one before');
  await revokeCertificate(pool, first.id, new Date(), CrlReason.keyCompromise);
  const revoked = await seal(app, deliveryToken('VPTU-HN'), [hnStatement]);
  t.equal(revoked.statusCode, 409, 'every seal revoked');
  t.match(revoked.json(), { code: 'OFFICE_HAS_NO_SEAL' });
});

void t.test('the route is in the API document, under the bearer scheme', async (t) => {
  await app.ready();
  const doc = app.swagger() as { paths: Record<string, { post?: { security?: unknown; responses: object } }> };
  const route = doc.paths['/v1/evidence/signatures']?.post;
  t.ok(route, 'documented');
  t.equal(route?.security, undefined, 'a bearer token, as the document says for every protected route');
  t.same(Object.keys(route?.responses ?? {}).sort(), ['201', '400', '401', '403', '409', '413', '503']);
});

void t.test('500 statements in one request: one signature and one signing-log row each', async (t) => {
  const before = await signedCount();
  const statements = Array.from({ length: 500 }, (_, i) =>
    statement(i % 2 === 0 ? 'ContentConsignment' : 'ContentHandover', { deliveryId: `delivery-${i}` }),
  );
  const token = deliveryToken('VPTU-CM');
  const started = process.hrtime.bigint();
  const res = await seal(app, token, statements);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(res.statusCode, 201, res.statusCode === 201 ? 'sealed' : res.body);
  const evidence = res.json<{ evidence: string[] }>().evidence;
  t.equal(evidence.length, 500);
  for (const i of [0, 1, 250, 499]) {
    const check = checkEvidence(new Uint8Array(Buffer.from(evidence[i]!, 'base64')), {
      trustAnchors: [root],
      time: new Date(),
    });
    t.ok(check.ok, check.message);
    t.same(encodeStatement(check.statement!), statements[i], `evidence ${i} carries statement ${i}`);
  }
  t.equal(await signedCount(), before + 500, 'a row per statement');
  // The baseline of the same run: 500 bare RSA-3072 signatures with node:crypto, in a loop.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const bareStart = process.hrtime.bigint();
  for (const st of statements) sign('sha256', st, privateKey);
  const bare = Number(process.hrtime.bigint() - bareStart) / 1e6;
  const bodyBytes = JSON.stringify({ statements: statements.map(b64) }).length;
  t.comment(
    `500 statements (${(bodyBytes / 1024).toFixed(0)} KiB of JSON) sealed with an RSA-3072 seal in ${ms.toFixed(0)} ms (${(ms / 500).toFixed(2)} ms each); 500 bare RSA-3072 signatures in ${bare.toFixed(0)} ms: ratio ${(ms / bare).toFixed(2)}`,
  );
});

void t.test('without LIENTHONG_SIGNING_EVIDENCE_JWKS the route answers 503 and signs nothing', async (t) => {
  const bare = await signingForFile(t);
  const res = await seal(bare.app, deliveryToken('VPTU-CM'), [statement('ContentConsignment')]);
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'EVIDENCE_SEALING_NOT_CONFIGURED' });
  const ordinary = await seal(
    bare.app,
    authHeader({ office: 'VPTU-CM', roles: ['registry', 'evidence-sealer'] }).authorization.slice(7),
    [statement('ContentConsignment')],
  );
  t.equal(ordinary.statusCode, 503, 'nor with an access token');
});

const module = softhsmModule();
void t.test(
  'a seal in the PKCS#11 token seals evidence too, its key never leaving the token',
  {
    skip:
      module === undefined ? 'missing the SoftHSM2 module (installed by infra/local up)' : skipUnless('softhsm2-util'),
  },
  async (t) => {
    const token = createSoftHsmToken(module!);
    t.teardown(() => token.remove());
    const withToken = await startTestSigning(undefined, {
      LIENTHONG_SIGNING_PKCS11_MODULE: token.modulePath,
      LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL: token.tokenLabel,
      LIENTHONG_SIGNING_PKCS11_PIN: token.pin,
      LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1'),
    });
    t.teardown(async () => {
      await withToken.close();
      await dropTestSchemas(withToken.schema);
    });
    const issued = await withToken.app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: authHeader({ subject: 'person:ca-admin', office: 'VPTU-CM', roles: ['ca-admin'] }),
      payload: { storage: 'pkcs11' },
    });
    t.equal(issued.statusCode, 201, issued.body);
    const { id, keyId } = issued.json<{ id: string; keyId: string }>();
    const ids = (await withToken.app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{
      certificates: Array<{ id: string; role: string }>;
    }>();
    const der = async (certificate: string) =>
      new Uint8Array(
        (await withToken.app.inject({ method: 'GET', url: `/v1/ca/certificates/${certificate}` })).rawPayload,
      );
    const tokenRoot = await der(ids.certificates.find((c) => c.role === 'root')!.id);
    const statements = [statement('ContentConsignment'), statement('ContentHandover')];
    const res = await seal(withToken.app, deliveryToken('VPTU-CM'), statements);
    t.equal(res.statusCode, 201, res.statusCode === 201 ? 'sealed' : res.body);
    for (const [i, e] of res.json<{ evidence: string[] }>().evidence.entries()) {
      const cms = new Uint8Array(Buffer.from(e, 'base64'));
      const check = checkEvidence(cms, { trustAnchors: [tokenRoot], time: new Date() });
      t.ok(check.ok, check.message);
      t.same(encodeStatement(check.statement!), statements[i]);
      t.same(readSignedData(cms).certificates[0]!.der, await der(id), "the token seal's certificate");
    }
    const { rows } = await withToken.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM signing_log WHERE action = 'sign' AND key_id = $1 AND subject = 'service:delivery'",
      [keyId],
    );
    t.equal(Number(rows[0]!.n), 2, 'logged');
  },
);
