/**
 * Signing on `/metrics`: each answer of a signing route counted by kind (a person's PDF
 * signature, an office's seal) and result (ok, refused) with its duration; the TSA's answers
 * (granted to the service's own B-T signatures and over HTTP, a rejection, a malformed
 * request); the days left of the CA's, TSA's and OCSP responder's certificates; the seals
 * ending within 30 days, a renewed one no longer counted.
 */
import t from 'tap';
import { buildTimeStampRequest } from '@lienthong/pki';
import { createHash } from 'node:crypto';
import { authHeader } from '../../../test/support/auth.ts';
import { partyFlowSetup } from './party-flow-setup.ts';

const { app, signer, registry, pin, keyId, sealKeyId, original } = await partyFlowSetup(t);

/** The value of the sample of `name` whose labels include `labels` (undefined: none). */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  for (const line of res.body.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

const signPdf = (id: string, headers: Record<string, string>, query = '') =>
  app.inject({
    method: 'POST',
    url: `/v1/keys/${id}/pdf-signatures${query}`,
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: original,
  });

await t.test('signatures by kind and result, timed; the TSA counted as it stamps them', async (t) => {
  t.equal(await sample('lienthong_signatures_total'), undefined, 'none before any');
  t.equal(await sample('lienthong_tsa_tokens_total', { result: 'ok' }), 0);
  t.equal((await signPdf(keyId, { ...signer, 'lienthong-pin': pin })).statusCode, 200, 'a B-T signature');
  t.equal((await signPdf(keyId, { ...signer, 'lienthong-pin': 'wrong-pin-000' })).statusCode, 403, 'a wrong PIN');
  t.equal((await signPdf(sealKeyId, registry, '?level=B-B')).statusCode, 200, 'the seal');
  t.equal(await sample('lienthong_signatures_total', { kind: 'pdf', result: 'ok', service: 'signing' }), 1);
  t.equal(await sample('lienthong_signatures_total', { kind: 'pdf', result: 'refused' }), 1);
  t.equal(await sample('lienthong_signatures_total', { kind: 'seal', result: 'ok' }), 1, 'the seal key says seal');
  t.equal(await sample('lienthong_signatures_total', { kind: 'seal', result: 'refused' }), undefined);
  t.equal(await sample('lienthong_signature_duration_seconds_count', { kind: 'pdf' }), 2);
  t.equal(await sample('lienthong_signature_duration_seconds_count', { kind: 'seal' }), 1);
  t.equal(await sample('lienthong_tsa_tokens_total', { result: 'ok' }), 1, "the B-T signature's token");
});

await t.test('the TSA over HTTP: granted, rejected, malformed', async (t) => {
  const caller = authHeader({ subject: 'person:signer', office: 'VPTU-CM', roles: ['signer'] });
  const ask = (payload: Uint8Array) =>
    app.inject({
      method: 'POST',
      url: '/v1/tsa',
      headers: { ...caller, 'content-type': 'application/timestamp-query' },
      payload: Buffer.from(payload),
    });
  const before = (await sample('lienthong_tsa_tokens_total', { result: 'ok' }))!;
  const imprint = (hash: 'sha256' | 'sha1') => createHash(hash).update('x').digest();
  t.equal((await ask(buildTimeStampRequest({ hash: 'sha256', imprint: imprint('sha256') }))).statusCode, 200);
  t.equal((await ask(buildTimeStampRequest({ hash: 'sha1', imprint: imprint('sha1') }))).statusCode, 200, 'rejection');
  t.equal((await ask(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).statusCode, 400, 'not a TimeStampReq');
  t.equal(await sample('lienthong_tsa_tokens_total', { result: 'ok' }), before + 1);
  t.equal(await sample('lienthong_tsa_tokens_total', { result: 'refused' }), 2, 'the rejection and the malformed one');
  t.equal(await sample('lienthong_tsa_tokens_total', { result: 'error' }), 0);
});

await t.test("the service's certificates' days left, and the seals ending within 30 days", async (t) => {
  for (const role of ['root', 'issuing-ca', 'tsa', 'ocsp']) {
    t.ok((await sample('lienthong_certificate_days_left', { role }))! > 300, `${role}: the new hierarchy's lifetime`);
  }
  t.equal(await sample('lienthong_certificates_expiring', { kind: 'seal' }), 0);
  t.equal(await sample('lienthong_certificates_expiring', { kind: 'personal' }), 0);
  const adminOf = (office: string) => authHeader({ subject: 'person:admin', office, roles: ['ca-admin'] });
  const issueSeal = (office: string, validityDays: number) =>
    app.inject({ method: 'POST', url: '/v1/ca/seals', headers: adminOf(office), payload: { validityDays } });
  t.equal((await issueSeal('VPTU-HN', 20)).statusCode, 201);
  t.equal(await sample('lienthong_certificates_expiring', { kind: 'seal' }), 1, "Hà Nội's seal ends in 20 days");
  t.equal((await issueSeal('VPTU-HN', 365)).statusCode, 201);
  t.equal(await sample('lienthong_certificates_expiring', { kind: 'seal' }), 0, 'renewed: no longer counted');
});
