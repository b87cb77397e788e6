/**
 * Archive ingest: N `document.issued` events of ~1 MB PDFs (pdf-lib, one page and a 1 MB
 * attachment of random bytes, unsigned: signing's report of them parses the whole file but
 * checks no signature, so a real issued PDF, signed and sealed, costs signing more), put in a
 * source bucket and published on the real Kafka, consumed by the archive app on the real
 * PostgreSQL and MinIO with the REAL signing service listening on a port for the validation
 * report: records per second from the first event published to the last package committed
 * (one warm-up event first, so the consumer group has joined).
 *
 * Baseline in the same run: the bare storage cost of the same records, i.e. what a client that
 * only stores them pays: raw minio-js `putObject` of the same number of objects with the same
 * sizes (per record: the PDF's bytes and three buffers the sizes of the ingest's
 * `metadata.json`, `validation.json` and `manifest.json`) into the same Object Lock bucket,
 * each PUT carrying its COMPLIANCE retention and legal hold as `x-amz-object-lock-*` headers
 * (no second call), the objects of one record concurrently and as many records at once as the
 * ingest archives at once (`ingestConcurrency`). minio-js hashes each body with MD5 and SHA-256
 * where libs/storage hashes it once, so the baseline does not pay less per byte than the ingest's
 * own PUTs. The ratio is the ingest's records/s over the baseline's: what reading the source,
 * signing's report, the checks, the objects written after the report, the manifest written
 * after the others, the commit (with the audit entry) and Kafka add over bare puts of the same bytes.
 *
 * The detail also reports signing's part: the same PDFs posted to signing's
 * `POST /v1/verify/pdf` alone in the same run, as many at once as the ingest sends for one
 * office (`defaultRequestsPerOffice`, signing's per-caller limit); and the archive's own part:
 * `ingestIssued` of the same PDFs (under other document ids) called directly, without Kafka,
 * as many at once as the consumer runs, with a validator that answers at once. And, for each
 * of the four, the CPU time of this process per record (`process.cpuUsage`: signing runs in it,
 * its verifications in its worker threads; MinIO, PostgreSQL and Kafka are other processes),
 * which moves far less than the wall-clock figures on a shared machine. The ingest asks for the
 * report while it copies the PDF, but on a machine where the CPU is the limit the two costs add,
 * so signing's figure bounds the ratio whatever the archive does (services/archive README,
 * "What it costs").
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'minio';
import { PDFDocument } from 'pdf-lib';
import type { DocumentIssued } from '@lienthong/records';
import { authHeader } from '../test/support/auth.ts';
import { testEnv } from '../test/support/env.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  signingPeerForFile,
  testPermanentHorizonMs,
} from '../services/archive/test/ingest-support.ts';
import type { TestIngest, TestSigningPeer } from '../services/archive/test/ingest-support.ts';
import { ingestConcurrency } from '../services/archive/src/ingest/ingest-consumer.ts';
import { ingestIssued } from '../services/archive/src/ingest/ingest-issued.ts';
import { defaultRequestsPerOffice } from '../services/archive/src/ingest/validation-client.ts';
import type { PdfValidator } from '../services/archive/src/ingest/validation-client.ts';
import type { Benchmark } from './types.ts';

const records = 100;
const attachmentBytes = 1024 * 1024;

/** A ~1 MB PDF: one page and an attachment of random bytes (incompressible), different each time. */
async function megabytePdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText(`Chi thi ${randomBytes(8).toString('hex')}`, { x: 50, y: 780 });
  await document.attach(randomBytes(attachmentBytes), 'phu-luc.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await document.save());
}

async function waitForPackages(d: TestIngest, count: number, limitSeconds: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const { rows } = await d.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM package');
    if (rows[0]!.n >= count) return;
    if ((performance.now() - start) / 1000 > limitSeconds)
      throw new Error(`only ${rows[0]!.n} of ${count} packages after ${limitSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Seconds of wall clock and milliseconds of this process's CPU per record that `work` took. */
async function timed(work: () => Promise<void>): Promise<{ seconds: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuMs: (used.user + used.system) / 1000 / records };
}

/** Runs `work` over `items`, `lanes` at a time. */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** Signing's report of each PDF, as many at once as the ingest asks them of one office (`timed`). */
async function reportsAlone(
  signing: TestSigningPeer,
  pdfs: readonly Buffer[],
): Promise<{ seconds: number; cpuMs: number }> {
  const headers = authHeader({ subject: 'person:archivist', office: 'VPTU-CM', roles: ['archivist'] });
  return timed(() =>
    inLanes(pdfs, defaultRequestsPerOffice, async (pdf) => {
      const response = await fetch(`${signing.url}/v1/verify/pdf`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/pdf' },
        body: pdf,
      });
      if (response.status !== 200) throw new Error(`verify: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }),
  );
}

/** Raw puts of objects of `sizes` per record (the first: the PDF itself), locked in the PUT; `timed`. */
async function rawPuts(
  bucket: string,
  pdfs: readonly Buffer[],
  sizes: readonly number[],
): Promise<{ seconds: number; cpuMs: number }> {
  const endpoint = new URL(testEnv.s3.endpoint);
  const client = new Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: endpoint.protocol === 'https:',
    accessKey: testEnv.s3.accessKey,
    secretKey: testEnv.s3.secretKey,
    pathStyle: true,
  });
  const lock = {
    'x-amz-object-lock-mode': 'COMPLIANCE',
    'x-amz-object-lock-retain-until-date': new Date(Date.now() + testPermanentHorizonMs).toISOString(),
    'x-amz-object-lock-legal-hold': 'ON',
  };
  const others = sizes.slice(1).map((size) => randomBytes(size));
  return timed(() =>
    inLanes(pdfs, ingestConcurrency, async (pdf, i) => {
      const prefix = `baseline/${i}-${randomBytes(4).toString('hex')}`;
      await Promise.all(
        [pdf, ...others].map((body, n) =>
          client.putObject(bucket, `${prefix}/${n}`, body, body.length, {
            'Content-Type': n === 0 ? 'application/pdf' : 'application/json',
            ...lock,
          }),
        ),
      );
    }),
  );
}

/**
 * The archive's own part: `ingestIssued` of `data` called directly (no Kafka), `ingestConcurrency`
 * at a time, with a validator that answers a fixed report at once (its stream drained); `timed`.
 */
async function ingestWithoutReport(
  d: TestIngest,
  data: readonly DocumentIssued[],
): Promise<{ seconds: number; cpuMs: number }> {
  const validator: PdfValidator = {
    async verifyPdf(_office, pdf) {
      for await (const chunk of pdf) void chunk;
      return {
        indication: 'TOTAL_PASSED',
        subIndication: null,
        report: { indication: 'TOTAL_PASSED', signatures: [] },
      };
    },
  };
  const deps = { pool: d.pool, store: d.store, bucket: d.bucket, guard: d.guard, validator };
  return timed(() =>
    inLanes(data, ingestConcurrency, async (issued) => {
      const outcome = await ingestIssued(
        { ...deps, permanentHorizonMs: testPermanentHorizonMs },
        issuedEnvelope(issued),
      );
      if (outcome !== 'archived') throw new Error(`${issued.documentId}: ${outcome}`);
    }),
  );
}

async function measure(): Promise<{ ingest: number; baseline: number; detail: string }> {
  const teardowns: Array<() => Promise<void> | void> = [];
  const t = { teardown: (fn: () => Promise<void> | void) => void teardowns.push(fn) };
  try {
    const signing = await signingPeerForFile(t);
    const d = await ingestForFile(t, signing);
    const pdfs = await Promise.all(Array.from({ length: records + 1 }, () => megabytePdf()));
    const issued: DocumentIssued[] = [];
    for (const pdf of pdfs) issued.push(await issuedDocument(d.store, d.sourceBucket, pdf));
    await publishIssued(d, issuedEnvelope(issued[0]!));
    await waitForPackages(d, 1, 120);

    const ingestRun = await timed(async () => {
      await publishIssued(d, ...issued.slice(1).map(issuedEnvelope));
      await waitForPackages(d, records + 1, 900);
    });
    const ingest = ingestRun.seconds;

    const { rows } = await d.pool.query<{ name: string; size: number }>(
      `SELECT name, avg(size)::int AS size FROM archived_object GROUP BY name
       ORDER BY name <> 'document.pdf', name`,
    );
    const sizes = rows.map((r) => r.size);
    const raw = await rawPuts(d.bucket, pdfs.slice(1), sizes);
    const baseline = raw.seconds;
    const signingRun = await reportsAlone(signing, pdfs.slice(1));
    const signingSeconds = signingRun.seconds;
    const megabytes = pdfs.slice(1).reduce((sum, pdf) => sum + pdf.length, 0) / 1e6;
    const again: DocumentIssued[] = [];
    for (const pdf of pdfs.slice(1)) again.push(await issuedDocument(d.store, d.sourceBucket, pdf));
    const own = await ingestWithoutReport(d, again);
    const ownSeconds = own.seconds;
    const signingRatio = records / signingSeconds / (records / baseline);
    const ownRatio = records / ownSeconds / (records / baseline);
    return {
      ingest: records / ingest,
      baseline: records / baseline,
      detail:
        `${records} records of ${(megabytes / records).toFixed(2)} MB (${rows.map((r) => `${r.name} ${r.size} B`).join(', ')}): ` +
        `ingest ${ingest.toFixed(2)} s, raw puts ${baseline.toFixed(2)} s; signing's reports alone ` +
        `(${defaultRequestsPerOffice} at a time) ${signingSeconds.toFixed(2)} s = ratio ${signingRatio.toFixed(2)} ` +
        `of the raw puts; the archive's own part ` +
        `(ingestIssued without Kafka, signing answering at once) ${ownSeconds.toFixed(2)} s = ratio ${ownRatio.toFixed(2)}; ` +
        `this process's CPU per record: ingest ${ingestRun.cpuMs.toFixed(1)} ms, raw puts ${raw.cpuMs.toFixed(1)} ms, ` +
        `signing's reports ${signingRun.cpuMs.toFixed(1)} ms, own part ${own.cpuMs.toFixed(1)} ms`,
    };
  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
}

const bench: Benchmark = {
  name: `archive ingest: ${records} issued PDFs of 1 MB into locked packages (real Kafka, PostgreSQL, MinIO, signing)`,
  target: 'ratio ≥ 0.7 of raw minio-js puts of the same objects',
  targetRatio: 0.7,
  async run() {
    const r = await measure();
    return {
      figure: r.ingest,
      baseline: r.baseline,
      unit: 'records/s',
      baselineName: 'raw minio-js putObject (same objects, lock headers in the PUT)',
      detail: r.detail,
    };
  },
};

export default bench;
