/**
 * The PDF's own renewal (README "Long-term validity"): the package's newest PDF
 * (`document-lta-<n>.pdf`, else `document.pdf`) gets a PAdES B-LTA document time-stamp from
 * signing's TSA (libs/pades: with the signatures' certificates and signing's CA certificates
 * and CRLs in a DSS first when it is signed, ETSI EN 319 142-1 §5.4–5.5), as an incremental
 * update: the earlier bytes stay a prefix, the earlier objects untouched. Worked on files in a
 * scratch folder (libs/pdf reads by offset), never whole in memory: downloaded and hashed
 * here, parsed and extended on a worker thread (pdf-renewal-job.ts), which asks this thread
 * for the time-stamp token.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ObjectStore } from '@lienthong/storage';
import type { ArchivedObject } from '../packages/archive-package.ts';
import type { EvidenceTrust } from '../evidence/evidence-trust.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';
import type { RenewPdfJob, TimestampCall } from './pdf-renewal-job.ts';
import type { ArchiveTsa } from './tsa-client.ts';

const ltaPattern = /^document-lta-([1-9][0-9]*)\.pdf$/;

/** The name of renewed PDF `n`. */
export const ltaPdfName = (n: number): string => `document-lta-${n}.pdf`;

/** The package's newest PDF and its renewal number (0: the issued `document.pdf`). */
export function newestPdf(objects: readonly ArchivedObject[]): { version: number; object: ArchivedObject } | undefined {
  let best: { version: number; object: ArchivedObject } | undefined;
  for (const o of objects) {
    const m = ltaPattern.exec(o.name);
    const version = o.name === 'document.pdf' ? 0 : m === null ? -1 : Number(m[1]);
    if (version >= 0 && (best === undefined || version > best.version)) best = { version, object: o };
  }
  return best;
}

/** A renewed PDF in the scratch folder; `remove` deletes the folder. */
export interface RenewedPdf {
  path: string;
  name: string;
  remove(): Promise<void>;
}

/**
 * Writes the newest PDF of `objects` with a new document time-stamp to a scratch file and
 * returns it (undefined when the package has no PDF). The stored copy's SHA-256 is checked
 * on the way down: a changed object is not renewed (fixity's business), it throws. A refusal
 * of the worker pool (`WorkerPoolError`: over its limits, a lost thread) or of the TSA throws
 * too, and nothing is written.
 */
export async function renewPdf(
  workers: ArchiveWorkers,
  store: ObjectStore,
  objects: readonly ArchivedObject[],
  tsa: ArchiveTsa,
  office: string,
  trust: EvidenceTrust | undefined,
): Promise<RenewedPdf | undefined> {
  const newest = newestPdf(objects);
  if (newest === undefined) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-lta-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const input = join(dir, 'in.pdf');
    const output = join(dir, 'out.pdf');
    const { body } = await store.get(newest.object.bucket, newest.object.key, { versionId: newest.object.versionId });
    const hash = createHash('sha256');
    await pipeline(
      body,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      }),
      createWriteStream(input),
    );
    if (hash.digest('hex') !== newest.object.sha256)
      throw new Error(`${newest.object.key} does not hash as archived; not renewed`);
    const job: RenewPdfJob = {
      input,
      output,
      certificates: trust === undefined ? [] : [...trust.trustAnchors, ...trust.intermediates],
      crls: trust === undefined ? [] : trust.crls,
    };
    await workers.run('renewPdf', job, {
      timestamp: ({ imprint }: TimestampCall) => tsa.stamp(imprint, office),
    });
    return { path: output, name: ltaPdfName(newest.version + 1), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** A read stream of `pdf` (for the store's put). */
export const renewedPdfStream = (pdf: RenewedPdf) => createReadStream(pdf.path);
