/**
 * Shared setup of the PAdES benchmarks, built once per `npm run bench` process: the test
 * hierarchy with its keys also written as PEM files (for pyHanko and the memory child), a
 * 1 MB PDF made with pdf-lib, and a work folder in os.tmpdir() removed when the process exits.
 */
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from 'pdf-lib';
import { signPdf, type SignPdfOptions } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { exportPrivateKey, fixedClock, keySigner, toPem } from '@lienthong/pki';
import { buildHierarchy, NOW, type Hierarchy } from '../../libs/pki/test/helpers/hierarchy.ts';

export const MB = 1024 * 1024;

/** PEM files of the signer (person, RSA-2048), its issuing CA and the root. */
export interface KeyFiles {
  readonly dir: string;
  readonly key: string;
  readonly cert: string;
  readonly chain: string;
  readonly root: string;
}

export interface PadesFixtures {
  readonly h: Hierarchy;
  readonly files: KeyFiles;
  /** A work folder in os.tmpdir(), removed on exit. */
  readonly dir: string;
  /** Options of a B-B signature by the person's RSA-2048 key, pinned clock. */
  readonly options: SignPdfOptions;
}

let fixtures: Promise<PadesFixtures> | undefined;

async function build(): Promise<PadesFixtures> {
  const h = await buildHierarchy();
  const dir = mkdtempSync(join(tmpdir(), 'bench-pades-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files: KeyFiles = {
    dir,
    key: join(dir, 'key.pem'),
    cert: join(dir, 'cert.pem'),
    chain: join(dir, 'chain.pem'),
    root: join(dir, 'root.pem'),
  };
  writeFileSync(files.key, toPem('PRIVATE KEY', exportPrivateKey(h.person.privateKey)));
  writeFileSync(files.cert, toPem('CERTIFICATE', h.person.certificate.der));
  writeFileSync(files.chain, toPem('CERTIFICATE', h.intermediate.certificate.der));
  writeFileSync(files.root, toPem('CERTIFICATE', h.root.certificate.der));
  const options: SignPdfOptions = {
    signer: keySigner(h.person.privateKey),
    certificate: h.person.certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
  };
  return { h, files, dir, options };
}

/** The fixtures of this run (built on first use). */
export function padesFixtures(): Promise<PadesFixtures> {
  fixtures ??= build();
  return fixtures;
}

let onePdf: Promise<Uint8Array> | undefined;

/**
 * A 1 MB PDF as pdf-lib writes it (xref and object streams): three text pages, the first
 * also drawing a 1024×1024 8-bit grey image of noise (1 MiB, uncompressed).
 */
export function oneMegabytePdf(): Promise<Uint8Array> {
  onePdf ??= (async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let p = 0; p < 3; p++) {
      const page = doc.addPage([595, 842]);
      for (let line = 0; line < 40; line++)
        page.drawText(`Page ${p + 1}, line ${line + 1}: the quick brown fox jumps over the lazy dog.`, {
          x: 40,
          y: 800 - line * 18,
          size: 11,
          font,
        });
    }
    const noise = randomFillSync(new Uint8Array(MB));
    const image = doc.context.register(
      doc.context.stream(noise, {
        Type: 'XObject',
        Subtype: 'Image',
        Width: 1024,
        Height: 1024,
        ColorSpace: 'DeviceGray',
        BitsPerComponent: 8,
      }),
    );
    const first = doc.getPage(0);
    first.node.setXObject(PDFName.of('Im1'), image);
    first.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(200, 0, 0, 200, 40, 40),
      drawObject('Im1'),
      popGraphicsState(),
    );
    return doc.save();
  })();
  return onePdf;
}

/** One PAdES signature of `pdf` with our public API, memory → memory; returns the signed bytes. */
export async function signInMemory(pdf: Uint8Array, options: SignPdfOptions): Promise<Uint8Array> {
  const sink = memorySink();
  await signPdf(memorySource(pdf), sink, options);
  return sink.bytes();
}

/** Calls `fn` repeatedly for `ms` milliseconds; returns calls per second. */
export async function ratePerSecond(fn: () => unknown, ms: number): Promise<{ perSecond: number; count: number }> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    const pending = fn();
    if (pending instanceof Promise) await pending;
    count++;
    elapsed = performance.now() - start;
  }
  return { perSecond: (count * 1000) / elapsed, count };
}

/**
 * Measures `a` and `b` in alternating rounds (so a burst of load from other work on a
 * shared machine hits both), after `warmMs` of each; returns each one's calls per second.
 */
export async function alternate(
  a: () => unknown,
  b: () => unknown,
  rounds: number,
  roundMs: number,
  warmMs = 1000,
): Promise<{ a: number; b: number; countA: number; countB: number }> {
  await ratePerSecond(a, warmMs);
  await ratePerSecond(b, warmMs);
  let countA = 0;
  let countB = 0;
  let timeA = 0;
  let timeB = 0;
  for (let r = 0; r < rounds; r++) {
    const ra = await ratePerSecond(a, roundMs);
    countA += ra.count;
    timeA += ra.count / ra.perSecond;
    const rb = await ratePerSecond(b, roundMs);
    countB += rb.count;
    timeB += rb.count / rb.perSecond;
  }
  return { a: countA / timeA, b: countB / timeB, countA, countB };
}
