/**
 * Peak memory of the delivery service delivering a 200 MB document to 3 offices, each
 * fetching it at once through `GET /v1/inbox/{id}/content` (streamed from MinIO through the
 * SHA-256 and length check). The service runs in a fresh child process of this file; the
 * three fetches are curl processes piping into sha256sum, so what is measured is the
 * service's memory alone. The figure is that process's peak RSS over its RSS just before
 * the fetches (VmHWM reset, and RSS sampled every 2 ms); budget ≤ 64 MB. Baseline: the same
 * object read by minio-js `getObject` piped to /dev/null, three reads at once as the three
 * fetches, in a fresh process measured the same way, in the same run.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  callerOf,
  deliveryForFile,
  issuedData,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from '../services/delivery/test/support.ts';
import { createS3Store } from '@lienthong/storage';
import { testEnv, uniqueName } from '../test/support/env.ts';
import { rawMinio, removeBucket } from '../services/delivery/test/remove-bucket.ts';
import type { Benchmark } from './types.ts';

const MB = 1024 * 1024;
const BYTES = 200 * MB;
const BUDGET_MB = 64;
const offices = ['HU-A1', 'HU-A2', 'HU-A3'];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** RSS and heap of one operation in this process, bytes. */
interface Growth {
  rss: number;
  heap: number;
  /** Peak of Buffers and other ArrayBuffers outside the heap. */
  buffers: number;
  /** Those left once collected after the operation: what it kept. */
  buffersKept: number;
  seconds: number;
  fromHwm: boolean;
}

const vmHwm = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

/** Peak RSS (and heap) during `work` over what they were just before it. */
async function growth(work: () => Promise<void>): Promise<Growth> {
  gc();
  gc();
  const idle = process.memoryUsage();
  let fromHwm = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    fromHwm = false;
  }
  let rss = idle.rss;
  let heap = idle.heapUsed;
  let buffers = idle.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
    buffers = Math.max(buffers, now.arrayBuffers);
  }, 2);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - start) / 1000;
  if (fromHwm) rss = Math.max(rss, vmHwm());
  gc();
  gc();
  return {
    rss: rss - idle.rss,
    heap: heap - idle.heapUsed,
    buffers: buffers - idle.arrayBuffers,
    buffersKept: process.memoryUsage().arrayBuffers - idle.arrayBuffers,
    seconds,
    fromHwm,
  };
}

/** The large object, as the parent put it in its own bucket. */
interface Large {
  bucket: string;
  key: string;
  sha256: string;
  versionId: string;
}

/** Puts 200 MB into a new bucket of MinIO from a generator (no copy held here). */
async function putLarge(): Promise<Large> {
  const store = createS3Store(testEnv.s3);
  const bucket = uniqueName('lt-bench-large').replaceAll('_', '-');
  await store.ensureBucket(bucket, { versioning: true });
  const key = `documents/${randomUUID()}/issued.pdf`;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(MB, 7);
  chunk.write('%PDF-1.7\n', 0);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < BYTES / MB; i++) {
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  const put = await store.put(bucket, key, source, { contentType: 'application/pdf' });
  return { bucket, key, sha256: hash.digest('hex'), versionId: put.versionId };
}

/** One office's fetch of its content by curl, hashed by sha256sum; the digest. */
async function curlSha256(url: string, office: string): Promise<string> {
  const { stdout } = await promisify(execFile)('sh', ['-c', 'curl -sfS -H "$AUTH" "$URL" | sha256sum'], {
    env: { ...process.env, AUTH: `authorization: ${callerOf(office, 'office-system').authorization}`, URL: url },
  });
  return stdout.split(' ')[0]!;
}

/** Child `ours`: a delivery app delivering `large` to the offices, each fetching it at once. */
async function oursGrowth(large: Large): Promise<Growth> {
  const teardowns: Array<() => Promise<void> | void> = [];
  const d = await deliveryForFile({ teardown: (fn) => teardowns.push(fn) }, { bus: 'kafka', objects: 'minio' });
  try {
    await d.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(d.app.server.address() as AddressInfo).port}`;
    const data0 = issuedData(large.bucket, offices, {
      sha256: large.sha256,
      byteLength: BYTES,
      versionId: large.versionId,
    });
    const data = { ...data0, file: { ...data0.file, object: { ...data0.file.object, key: large.key } } };
    await publishIssued(d, issuedEnvelope(data));
    await waitForConsigned(d.pool, data.documentId, offices.length);
    const { rows } = await d.pool.query<{ id: string; recipient: string }>(
      'SELECT l.id, l.recipient FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1',
      [data.documentId],
    );
    return await growth(async () => {
      const digests = await Promise.all(
        rows.map((leg) => curlSha256(`${base}/v1/inbox/${leg.id}/content`, leg.recipient)),
      );
      if (digests.some((digest) => digest !== large.sha256))
        throw new Error(`a fetch got other bytes: ${digests.join(', ')}`);
    });
  } finally {
    for (const fn of teardowns.reverse()) await fn();
    await removeBucket(d.bucket);
  }
}

/** Child `raw`: minio-js reads of `large` to /dev/null, as many at once as there are offices. */
async function rawGrowth(large: Large): Promise<Growth> {
  const client = rawMinio();
  return growth(async () => {
    await Promise.all(
      offices.map(async () =>
        pipeline(
          await client.getObject(large.bucket, large.key, { versionId: large.versionId }),
          createWriteStream('/dev/null'),
        ),
      ),
    );
  });
}

/**
 * Each side in a fresh process of this file: what a process grows by first (code compiled,
 * the allocator's arenas) stays, so in one shared process the figure would depend on the order.
 */
async function inChild(mode: 'ours' | 'raw', large: Large): Promise<Growth> {
  const { stdout } = await promisify(execFile)(process.execPath, [import.meta.filename, mode, JSON.stringify(large)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Growth;
}

if (process.argv[1] === import.meta.filename) {
  const large = JSON.parse(process.argv[3]!) as Large;
  const figure = process.argv[2] === 'ours' ? await oursGrowth(large) : await rawGrowth(large);
  console.log(JSON.stringify(figure));
  process.exit(0);
}

const mb = (n: number): string => (n / MB).toFixed(1);

const bench: Benchmark = {
  name: 'delivery of a 200 MB document to 3 offices, peak RSS growth of the service',
  target: `ours ≤ ${BUDGET_MB} MB; minio-js getObject → /dev/null in the same run as baseline`,
  async run() {
    const large = await putLarge();
    let ours: Growth;
    let raw: Growth;
    try {
      raw = await inChild('raw', large);
      ours = await inChild('ours', large);
    } finally {
      await removeBucket(large.bucket);
    }
    const verdict = ours.rss / MB <= BUDGET_MB ? `ok, within ${BUDGET_MB} MB` : `OVER the ${BUDGET_MB} MB budget`;
    return {
      figure: ours.rss / MB,
      baseline: raw.rss / MB,
      unit: 'MB',
      baselineName: `minio-js getObject → /dev/null (${offices.length} concurrent reads)`,
      detail:
        `${verdict}; ${offices.length} concurrent fetches of ${BYTES / MB} MB, SHA-256 checked, in ${ours.seconds.toFixed(1)} s ` +
        `(baseline ${raw.seconds.toFixed(1)} s); heap and buffers peak growth ours ${mb(ours.heap)} + ${mb(ours.buffers)} MB, baseline ${mb(raw.heap)} + ${mb(raw.buffers)} MB, of those buffers kept once collected ${mb(ours.buffersKept)} and ${mb(raw.buffersKept)} MB; each side in a fresh process` +
        `${ours.fromHwm && raw.fromHwm ? '' : '; peak from 2 ms samples only'}`,
    };
  },
};
export default bench;
