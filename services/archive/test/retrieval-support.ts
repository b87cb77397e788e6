/**
 * Records archived for the retrieval and export tests: a package written with the ingest's
 * own writes (`putPackageObject`, `insertPackage`, `upsertRecord`) into the test app's folder
 * store, without Kafka or signing (the ingest tests cover those), and the corruption of an
 * object behind the service's back (the folder store's bytes edited on disk).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTransaction } from '@lienthong/db';
import { upsertRecord } from '../src/catalog/catalog-repository.ts';
import type { CatalogRecord } from '../src/catalog/catalog-record.ts';
import { putPackageObject } from '../src/ingest/package-writes.ts';
import type { ArchivedObject } from '../src/packages/archive-package.ts';
import { manifestOf, packageObjects, packageRetention } from '../src/packages/archive-package.ts';
import { canonicalJson } from '../src/packages/canonical-json.ts';
import { insertPackage } from '../src/packages/package-repository.ts';
import type { TestArchive } from './support.ts';

/** The archive bucket of `archiveForFile` (the default of the configuration). */
export const testBucket = 'lienthong-archive';

/** A record archived for a test, with its objects' bytes. */
export interface ArchivedTestRecord {
  id: string;
  objects: ArchivedObject[];
  pdf: Buffer;
}

let counter = 0;

/** Bytes that look like a PDF, `size` long, different each time. */
export function pdfBytes(size = 70_000): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + counter * 7 + (i >> 8)) & 0xff;
  bytes.write(`%PDF-1.7\n% test ${randomUUID()}\n`, 0, 'latin1');
  return bytes;
}

/** Archives one record of `issuing` for `receiving`, in the test app's store (its `bucket`, default {@link testBucket}) and schema. */
export async function archiveTestRecord(
  archive: Pick<TestArchive, 'pool' | 'store'> & { bucket?: string },
  options: { issuing: string; receiving: string[]; file?: string | null; date?: string; pdf?: Buffer },
): Promise<ArchivedTestRecord> {
  counter += 1;
  const id = randomUUID();
  const date = options.date ?? '2015-03-02';
  const pdf = options.pdf ?? pdfBytes();
  const now = new Date();
  // A class that ended long ago: the store keeps the objects a day (the minimum), never longer.
  const retention = packageRetention('5-years', new Date(`${date}T03:00:00Z`), now);
  const bucket = archive.bucket ?? testBucket;
  const deps = { store: archive.store, bucket, validator: undefined as never };
  const record: CatalogRecord = {
    id,
    kind: 'issued',
    issuingOffice: options.issuing,
    receivingOffices: options.receiving,
    number: counter,
    symbol: `${counter}-CT/TU`,
    documentType: 'CT',
    issuedDate: date,
    signer: { name: 'Nguyễn Văn An', subject: 'person:an' },
    status: 'issued',
    file: options.file ?? null,
    subject: `Chỉ thị số ${counter} về kế hoạch lưu trữ`,
  };
  const document = await putPackageObject(deps, id, packageObjects.document, pdf, 'application/pdf', retention);
  const metadata = await putPackageObject(
    deps,
    id,
    packageObjects.metadata,
    canonicalJson({ recordId: id, catalog: record }),
    'application/json',
    retention,
  );
  const objects = [document, metadata];
  const manifest = await putPackageObject(
    deps,
    id,
    packageObjects.manifest,
    canonicalJson(manifestOf(id, retention, now, objects)),
    'application/json',
    retention,
  );
  await withTransaction(archive.pool, async (client) => {
    await insertPackage(
      client,
      {
        recordId: id,
        manifest: { bucket, key: manifest.key, versionId: manifest.versionId, sha256: manifest.sha256 },
        ...retention,
        validation: { indication: 'TOTAL_PASSED', subIndication: null },
        sourceEventId: randomUUID(),
        ingestedAt: now,
      },
      [...objects, manifest],
    );
    await upsertRecord(client, record);
  });
  return { id, objects: [...objects, manifest], pdf };
}

/** Flips one byte of `object`'s stored version in the folder store, behind the service's back. */
export async function corruptStoredObject(archive: TestArchive, object: ArchivedObject, at = 100): Promise<void> {
  const where = join(
    archive.dir,
    'buckets',
    object.bucket,
    'objects',
    createHash('sha256').update(object.key).digest('hex'),
  );
  const file = (await readdir(where)).find((f) => f === `${object.versionId}.bin`);
  if (file === undefined) throw new Error(`no stored version ${object.versionId} of ${object.key} under ${where}`);
  const bytes = await readFile(join(where, file));
  bytes[at] = bytes[at]! ^ 0xff;
  await writeFile(join(where, file), bytes);
}
