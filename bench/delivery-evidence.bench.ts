/**
 * Delivery evidence: a directive to the 3,321 commune offices of the generated national
 * directory, timed from `document.issued` until its 3,322 evidence (the submission and every
 * consignment) are sealed by the sender office's seal through the REAL signing service
 * (`POST /v1/evidence/signatures`, 500 statements a request, an RSA-3072 seal) and
 * time-stamped in Merkle batches by its TSA: evidence per second.
 *
 * Baseline in the same run: the irreducible part, 3,322 bare RSA-3072 PKCS#1 v1.5 SHA-256
 * signatures with node:crypto (OpenSSL) in this process, one after another, per second. The
 * ratio says how much of the seal's cost the whole pipeline adds (fan-out, consignment, the
 * sealer's rounds, CMS, HTTP, the signing log, batches, the TSA). No target was set.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { publicJwks } from '@lienthong/service';
import { testToken } from '../test/support/auth.ts';
import { signingForFile } from '../services/signing/test/support.ts';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  nationalCommunes,
  publishIssued,
} from '../services/delivery/test/support.ts';
import type { Benchmark } from './types.ts';

const communes = nationalCommunes();
const evidenceCount = communes.length + 1;

/** Bare RSA-3072 signatures per second (the seal's key type), as many as the evidence. */
function bareSignatures(): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const digests = Array.from({ length: evidenceCount }, () => randomBytes(32));
  const start = performance.now();
  for (const d of digests) sign('sha256', d, privateKey);
  return evidenceCount / ((performance.now() - start) / 1000);
}

async function sealedAndStamped(): Promise<{ perSecond: number; detail: string }> {
  const teardowns: Array<() => Promise<void> | void> = [];
  const t = { teardown: (fn: () => Promise<void> | void) => void teardowns.push(fn) };
  try {
    const deliveryKey = generateKeyPairSync('ed25519').privateKey;
    const signing = await signingForFile(t, {
      LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1'),
    });
    await signing.app.listen({ port: 0, host: '127.0.0.1' });
    const signingUrl = `http://127.0.0.1:${(signing.app.server.address() as AddressInfo).port}`;
    const sender = 'VPTU-CM'; // an office the test signing service registers
    const seal = await signing.app.inject({
      method: 'POST',
      url: '/v1/ca/seals',
      headers: {
        authorization: `Bearer ${testToken({ subject: 'person:ca-admin', office: sender, roles: ['ca-admin'] })}`,
      },
      payload: {},
    });
    if (seal.statusCode !== 201) throw new Error(`seal: ${seal.statusCode} ${seal.body}`);
    const d = await deliveryForFile(t, {
      env: {
        LIENTHONG_DELIVERY_SIGNING_URL: signingUrl,
        LIENTHONG_DELIVERY_EVIDENCE_KEY: deliveryKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-1',
        LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: '100',
      },
    });
    const data = await issueDocument(d, communes, { office: sender });
    const start = performance.now();
    await publishIssued(d, issuedEnvelope(data));
    const marks: Record<string, number> = {};
    for (;;) {
      const { rows } = await d.pool.query<{ consigned: number; sealed: number; stamped: number }>(
        `SELECT (SELECT count(*)::int FROM delivery_leg WHERE status IS NOT NULL) AS consigned,
                count(e.cms)::int AS sealed, count(b.token)::int AS stamped
         FROM evidence e LEFT JOIN evidence_batch b ON b.id = e.batch_id`,
      );
      const now = (performance.now() - start) / 1000;
      const r = rows[0]!;
      if (r.consigned >= communes.length) marks.consigned ??= now;
      if (r.sealed >= evidenceCount) marks.sealed ??= now;
      if (r.stamped >= evidenceCount) break;
      if (now > 600) throw new Error(`not done in 600 s: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const batches = await d.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence_batch');
    return {
      perSecond: evidenceCount / seconds,
      detail:
        `${evidenceCount} evidence from publish: consigned ${marks.consigned?.toFixed(2)} s, sealed ` +
        `${marks.sealed?.toFixed(2)} s, stamped ${seconds.toFixed(2)} s (${batches.rows[0]!.n} TSA batches)`,
    };
  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
}

const bench: Benchmark = {
  name: 'delivery evidence: 3,321 consignments + submission sealed (real signing) and time-stamped',
  target: 'a figure with its ratio to bare RSA-3072 signatures (no target set by the issue)',
  async run() {
    const baseline = bareSignatures();
    const ours = await sealedAndStamped();
    return {
      figure: ours.perSecond,
      baseline,
      unit: 'evidence/s',
      baselineName: 'bare RSA-3072 signatures (node:crypto)',
      detail: ours.detail,
    };
  },
};

export default bench;
