/**
 * The writes of a package: an object put under the package's lock, and the issued PDF read
 * where the event says (once, when it is small enough to hold), validated by signing and copied
 * into the package (its SHA-256 checked against the event's by the store).
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { DocumentIssued } from '@lienthong/records';
import { isStorageError } from '@lienthong/storage';
import type { ObjectStore, PutOptions } from '@lienthong/storage';
import type { ArchivedObject, PackageRetention } from '../packages/archive-package.ts';
import { packageKey, packageObjects } from '../packages/archive-package.ts';
import { IngestRefused } from './ingest-errors.ts';
import type { PdfValidator, ValidationReport } from './validation-client.ts';

/** What the writes need: the store, the archive bucket, signing. */
export interface PackageWriteDeps {
  store: ObjectStore;
  /** The archive bucket (Object Lock). */
  bucket: string;
  validator: PdfValidator;
}

/** Puts `body` as object `name` of the package, locked as `retention` says. */
export async function putPackageObject(
  deps: Pick<PackageWriteDeps, 'store' | 'bucket'>,
  recordId: string,
  name: string,
  body: Parameters<ObjectStore['put']>[2],
  mediaType: string,
  retention: PackageRetention,
  extra: Pick<PutOptions, 'expectedSha256'> = {},
): Promise<ArchivedObject> {
  const key = packageKey(recordId, name);
  const put = await deps.store.put(deps.bucket, key, body, {
    contentType: mediaType,
    metadata: { 'lienthong-record': recordId },
    retention: { mode: 'COMPLIANCE', retainUntil: retention.lockedUntil },
    legalHold: retention.legalHold,
    ...extra,
  });
  return { name, bucket: deps.bucket, key, versionId: put.versionId, sha256: put.sha256, size: put.size, mediaType };
}

/** The issued PDF where the event says, refused when it is missing or not of the event's length. */
async function openSource(deps: PackageWriteDeps, data: DocumentIssued) {
  const { bucket, key, versionId } = data.file.object;
  let source;
  try {
    source = await deps.store.get(bucket, key, versionId === undefined ? {} : { versionId });
  } catch (error) {
    if (isStorageError(error, 'OBJECT_NOT_FOUND') || isStorageError(error, 'BUCKET_NOT_FOUND'))
      throw new IngestRefused('SOURCE_OBJECT_MISSING', `${bucket}/${key} is not in the store`, { cause: error });
    if (isStorageError(error, 'INVALID_KEY'))
      throw new IngestRefused('SOURCE_OBJECT_INVALID', `${bucket}/${key} is not a valid object`, { cause: error });
    throw error;
  }
  if (source.info.size !== data.file.byteLength) {
    source.body.destroy();
    throw new IngestRefused(
      'FILE_MISMATCH',
      `${bucket}/${key} holds ${source.info.size} bytes, the event says ${data.file.byteLength}`,
    );
  }
  return source;
}

/**
 * The largest issued PDF read once into memory (bytes): below it the PDF is read from the
 * source once and the same bytes go to signing and into the package; above it, it is streamed
 * twice (to signing, then into the package), so memory never grows with a file's size.
 */
export const inMemoryPdfLimit = 8 * 1024 * 1024;

/**
 * The issued PDF's bytes when it is at most `inMemoryPdfLimit` long, read once from where the
 * event says and checked against the event's length (`FILE_MISMATCH`), and against its SHA-256
 * when `checkSha256` (else the store checks it when they are copied, before a byte is written;
 * it hashes them anyway, so they are not hashed twice);
 * undefined for a larger one, which `validateIssuedPdf` and `archiveIssuedPdf` stream.
 */
export async function readIssuedPdf(
  deps: PackageWriteDeps,
  data: DocumentIssued,
  checkSha256: boolean,
): Promise<Buffer | undefined> {
  if (data.file.byteLength > inMemoryPdfLimit) return undefined;
  const source = await openSource(deps, data);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of source.body as AsyncIterable<Buffer>) {
      length += chunk.length;
      // The store said the event's length; a body that runs past it is not the object stat described.
      if (length > data.file.byteLength)
        throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} holds more bytes than the event says`);
      chunks.push(chunk);
    }
  } finally {
    source.body.destroy();
  }
  const bytes = Buffer.concat(chunks, length);
  if (bytes.length !== data.file.byteLength)
    throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} holds fewer bytes than the event says`);
  if (!checkSha256) return bytes;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== data.file.sha256)
    throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} hashes to ${sha256}, not the event's SHA-256`);
  return bytes;
}

/**
 * Signing's report of the issued PDF: of `bytes` (read by `readIssuedPdf`), or streamed from
 * where the event says and hashed on the way. The report is kept only with a copy the store
 * found to hash to the event's SHA-256 (or of bytes `readIssuedPdf` checked), so it is of that
 * copy; a streamed PDF whose SHA-256 is not the event's is refused here too.
 */
export async function validateIssuedPdf(
  deps: PackageWriteDeps,
  data: DocumentIssued,
  bytes?: Buffer,
): Promise<ValidationReport> {
  if (bytes !== undefined) return deps.validator.verifyPdf(data.office, Readable.from([bytes]), bytes.length);
  const source = await openSource(deps, data);
  const hash = createHash('sha256');
  const hashed = source.body.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    }),
  );
  source.body.on('error', (error) => hashed.destroy(error));
  try {
    const report = await deps.validator.verifyPdf(data.office, hashed, data.file.byteLength);
    const sha256 = hash.digest('hex');
    if (sha256 !== data.file.sha256)
      throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} hashes to ${sha256}, not the event's SHA-256`);
    return report;
  } finally {
    source.body.destroy();
  }
}

/**
 * Copies the issued PDF into the package: `bytes` when `readIssuedPdf` read them, else streamed
 * again from the source; checked again against the event's SHA-256 by the store.
 */
export async function archiveIssuedPdf(
  deps: PackageWriteDeps,
  data: DocumentIssued,
  recordId: string,
  retention: PackageRetention,
  bytes?: Buffer,
) {
  const source = bytes === undefined ? await openSource(deps, data) : undefined;
  try {
    return await putPackageObject(
      deps,
      recordId,
      packageObjects.document,
      bytes ?? source!.body,
      'application/pdf',
      retention,
      { expectedSha256: data.file.sha256 },
    );
  } catch (error) {
    // The store removed the version that did not hash as expected; nothing of it is kept.
    if (isStorageError(error, 'CHECKSUM_MISMATCH'))
      throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} does not hash to the event's SHA-256`, {
        cause: error,
      });
    throw error;
  } finally {
    source?.body.destroy();
  }
}
