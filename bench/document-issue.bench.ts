/**
 * Documents issued per second on ONE contended series (issue 16): many signed directives
 * (CT) of one office issued at once by its registry through `POST /v1/documents/{id}/issue`
 * over HTTP on loopback — the number reserved in the series (one counter row, every issue
 * waiting on it), the signed PDF copied from the real MinIO, number and date stamped on a
 * worker, the office's seal (B-LTA: time-stamp, long-term validation data) by the REAL
 * signing service, then the issued PDF put, `confirmIssued`, the state and `document.issued`
 * in one transaction.
 *
 * Baseline in the same run: the same seal asked of signing directly (`POST
 * /v1/keys/{seal}/pdf-signatures?field=lienthong-seal&visible=true&level=B-LTA` on the
 * signed PDF), with as many in flight as signing lets one caller have (2, its default) —
 * which is also what intake's gate lets the registry have. The ratio is thus what numbering,
 * stamping and bookkeeping cost on top of the seal, whose cost dominates both.
 */
import type { AddressInfo } from 'node:net';
import { callers, contentOf, issueWorld, signAs, submitDocument } from '../services/intake/test/issue-support.ts';
import type { Benchmark } from './types.ts';

/** Documents issued (and seals made by the baseline) per measure. */
const DOCUMENTS = 24;
/** Signing's per-caller uploads (its default), intake's gate, and the baseline's loops. */
const IN_FLIGHT = 2;

/** Runs `work` for 0..count-1, `width` at a time. */
async function inLoops(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const bench: Benchmark = {
  name: 'documents issued per second on one series (stamp + B-LTA seal via signing)',
  target: 'a figure with its ratio to the bare seal at signing (no target set by the issue)',
  async run() {
    const teardowns: Array<() => Promise<void> | void> = [];
    try {
      const world = await issueWorld(
        { teardown: (fn) => void teardowns.push(fn) },
        {
          objects: 'minio',
          signingEnv: { LIENTHONG_SIGNING_UPLOADS_PER_CALLER: String(IN_FLIGHT) },
          intakeEnv: { LIENTHONG_INTAKE_SEALS_PER_CALLER: String(IN_FLIGHT) },
        },
      );
      await world.intake.app.listen({ host: '127.0.0.1', port: 0 });
      const intakeUrl = `http://127.0.0.1:${(world.intake.app.server.address() as AddressInfo).port}`;

      const ids: string[] = [];
      await inLoops(DOCUMENTS + 1, IN_FLIGHT, async () => {
        const id = await submitDocument(world);
        const signed = await signAs(world, id, callers.signer);
        if (signed.statusCode !== 200) throw new Error(`sign: ${signed.statusCode} ${signed.body}`);
        ids.push(id);
      });
      const signedPdf = await contentOf(world, ids[0]!, 'signed');

      const issue = async (id: string) => {
        const response = await fetch(`${intakeUrl}/v1/documents/${id}/issue`, {
          method: 'POST',
          headers: callers.registry,
        });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`issue: ${response.status} ${text.slice(0, 300)}`);
      };
      const seal = async () => {
        const query = 'field=lienthong-seal&visible=true&level=B-LTA';
        const response = await fetch(`${world.signingUrl}/v1/keys/${world.keys.seal}/pdf-signatures?${query}`, {
          method: 'POST',
          headers: { ...callers.registry, 'content-type': 'application/pdf' },
          body: signedPdf,
        });
        const body = await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`seal: ${response.status} ${Buffer.from(body).toString()}`);
      };

      // Warm-up: the PDF workers started, the series' counter row made, signing's OCSP/CRL paths run once.
      await issue(ids.shift()!);
      await seal();

      const baselineStart = performance.now();
      await inLoops(DOCUMENTS, IN_FLIGHT, seal);
      const baselineSeconds = (performance.now() - baselineStart) / 1000;

      const figureStart = performance.now();
      await Promise.all(ids.map(issue));
      const figureSeconds = (performance.now() - figureStart) / 1000;

      return {
        figure: DOCUMENTS / figureSeconds,
        baseline: DOCUMENTS / baselineSeconds,
        unit: 'documents/s',
        baselineName: 'the same B-LTA seal at signing directly',
        detail: `${DOCUMENTS} documents of one series (CT of VPTU-CM) issued at once in ${figureSeconds.toFixed(1)} s (intake queues them ${IN_FLIGHT} at a time at signing); ${DOCUMENTS} seals of the ${(signedPdf.length / 1024).toFixed(0)} KB signed PDF, ${IN_FLIGHT} in flight, in ${baselineSeconds.toFixed(1)} s`,
      };
    } finally {
      for (const fn of teardowns.reverse()) await fn();
    }
  },
};
export default bench;
