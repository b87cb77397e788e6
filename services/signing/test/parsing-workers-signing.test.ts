/**
 * The signing routes read the uploaded PDF on a parsing worker too (issue 15): a PDF whose
 * reading runs over the job time limit is refused with 422 PARSING_TIME_LIMIT by the
 * signature, the two-step preparation and the extension alike, and the service keeps
 * serving. (That the worker's signatures are made on the main thread by the key it unlocked
 * is what every PDF signing test exercises: pdf-signing, token-seals, visible-images.)
 *
 * The hostile file is genuinely slow within libs/pdf's budgets: 19,000 form fields, each in
 * an object stream of its own, so that adding a signature field walks them all.
 */
import t from 'tap';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { fixedClock, keySigner } from '@lienthong/pki';
import { buildHierarchy, NOW } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { objectStreamBomb } from '../../../libs/pdf/test/support/hostile-files.ts';
import { partyFlowSetup } from './party-flow-setup.ts';

const { app, signer, registry, keyId, sealKeyId } = await partyFlowSetup(t, {
  LIENTHONG_SIGNING_WORKERS: '1',
  LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS: '300',
});
const unsigned = objectStreamBomb({ fields: 19_000, streams: 19_000, inflated: 0 });
const h = await buildHierarchy();
const sink = memorySink();
await signPdf(memorySource(unsigned), sink, {
  signer: keySigner(h.person.privateKey),
  certificate: h.person.certificate,
  chain: [h.intermediate.certificate],
  clock: fixedClock(NOW),
});
const signed = Buffer.from(sink.bytes());

const post = (url: string, headers: Record<string, string>, body: Uint8Array) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: Buffer.from(body),
  });

void t.test('a seal signature of a PDF that takes too long to read is refused', async (t) => {
  const refused = await post(`/v1/keys/${sealKeyId}/pdf-signatures?level=B-T`, registry, unsigned);
  t.equal(refused.statusCode, 422);
  t.match(refused.json(), { code: 'PARSING_TIME_LIMIT', limitMs: 300 });
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the service keeps serving');
});

void t.test('a two-step preparation and an extension that take too long are refused', async (t) => {
  const key = await app.inject({ method: 'GET', url: `/v1/keys/${keyId}`, headers: signer });
  const certificate = key.json<{ certificate: string }>().certificate;
  const prepared = await post(
    '/v1/two-step/pdf?level=B-B',
    { ...signer, 'lienthong-certificate': certificate },
    unsigned,
  );
  t.equal(prepared.statusCode, 422);
  t.equal(prepared.json().code, 'PARSING_TIME_LIMIT');
  const extended = await post('/v1/pdf-extensions?level=B-LT', registry, signed);
  t.equal(extended.statusCode, 422);
  t.equal(extended.json().code, 'PARSING_TIME_LIMIT');
});
