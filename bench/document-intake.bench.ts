/**
 * Documents accepted per second (issue 16): `POST /v1/documents` with a 200 KB PDF and its
 * metadata, through intake as it runs — multipart parsed, metadata validated against
 * libs/records and the directory, the PDF spooled with its SHA-256 and checked on a worker
 * (a PDF, not already signed), put in the real MinIO, the row and its transitions committed
 * in PostgreSQL — over HTTP on loopback, four requests in flight. Baseline in the same run: a
 * bare fastify route with @fastify/multipart that streams the same upload to a file on disk,
 * driven the same way. Target: ≥ 0.5 of the bare route.
 *
 * The machine is shared: its load drifts from second to second, so the two are measured in
 * alternating one-second slices (the order flipped each round) rather than five seconds
 * each in turn, and the ratio is of their totals; both routes are warmed up first.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipartPlugin from '@fastify/multipart';
import fastify from 'fastify';
import { PDFDocument } from 'pdf-lib';
import {
  metadataOf,
  multipart,
  seedDirectory,
  submissionParts,
  systemA,
} from '../services/intake/test/documents-support.ts';
import { intakeForFile } from '../services/intake/test/support.ts';
import type { Benchmark } from './types.ts';

/** Slices of each route, and how long one slice lasts (ms): five seconds each in all. */
const ROUNDS = 5;
const SLICE_MS = 1_000;
const IN_FLIGHT = 4;

/** A PDF of about 200 KB: text pages padded with an uncompressed stream of noise. */
async function pdfOf200Kb(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < 4; i++) doc.addPage([595, 842]).drawText(`Trang ${i + 1}`, { x: 50, y: 800 });
  // pdf-lib writes the subject as UTF-16 hex: four bytes in the file per character.
  doc.setSubject('x'.repeat(50_000));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Posts `body` to `url` as fast as IN_FLIGHT loops can for `ms`; returns the count and the time taken (every answer must be `ok`). */
async function drive(
  url: string,
  headers: Record<string, string>,
  body: () => { payload: Buffer; contentType: string },
  ok: number,
  ms: number,
) {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        const { payload, contentType } = body();
        const response = await fetch(url, {
          method: 'POST',
          headers: { ...headers, 'content-type': contentType },
          body: payload,
        });
        const text = await response.text();
        if (response.status !== ok) throw new Error(`${url}: ${response.status} ${text.slice(0, 300)}`);
        count++;
      }
    }),
  );
  return { count, ms: performance.now() - start };
}

const add = (total: { count: number; ms: number }, slice: { count: number; ms: number }) => {
  total.count += slice.count;
  total.ms += slice.ms;
};
const perSecond = (total: { count: number; ms: number }) => total.count / (total.ms / 1000);

const bench: Benchmark = {
  name: 'documents accepted per second (200 KB PDF + metadata)',
  target: 'ratio ≥ 0.5 of a bare fastify multipart route streaming the upload to disk',
  targetRatio: 0.5,
  async run() {
    const teardowns: Array<() => Promise<void> | void> = [];
    const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-intake-'));
    const bare = fastify();
    try {
      const pdf = await pdfOf200Kb();
      const parts = () => multipart(submissionParts(metadataOf(), pdf));

      await bare.register(multipartPlugin, { limits: { fileSize: 200 * 1024 * 1024 } });
      let n = 0;
      bare.post('/upload', async (request, reply) => {
        for await (const part of request.parts())
          if (part.type === 'file') await pipeline(part.file, createWriteStream(join(dir, `upload-${n++}.pdf`)));
        return reply.code(201).send({ ok: true });
      });
      await bare.listen({ host: '127.0.0.1', port: 0 });
      const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/upload`;

      const intake = await intakeForFile({ teardown: (fn) => void teardowns.push(fn) }, 'minio');
      await seedDirectory(intake);
      await intake.app.listen({ host: '127.0.0.1', port: 0 });
      const intakeUrl = `http://127.0.0.1:${(intake.app.server.address() as AddressInfo).port}/v1/documents`;

      // Warm-up: the PDF worker started, the bucket made, both routes' code compiled.
      await drive(intakeUrl, systemA, parts, 201, 3 * SLICE_MS);
      await drive(bareUrl, {}, parts, 201, SLICE_MS);
      const baseline = { count: 0, ms: 0 };
      const figure = { count: 0, ms: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const slices = [
          async () => void add(baseline, await drive(bareUrl, {}, parts, 201, SLICE_MS)),
          async () => void add(figure, await drive(intakeUrl, systemA, parts, 201, SLICE_MS)),
        ];
        if (round % 2 === 1) slices.reverse();
        for (const slice of slices) await slice();
      }
      return {
        figure: perSecond(figure),
        baseline: perSecond(baseline),
        unit: 'documents/s',
        baselineName: 'bare fastify multipart → disk',
        detail: `${figure.count} documents (${(pdf.length / 1024).toFixed(0)} KB PDF each) and ${baseline.count} bare uploads, ${IN_FLIGHT} in flight, ${ROUNDS} alternating slices of ${SLICE_MS / 1000} s each`,
      };
    } finally {
      await bare.close();
      for (const fn of teardowns.reverse()) await fn();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
