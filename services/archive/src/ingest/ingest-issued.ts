/**
 * The ingest of one `document.issued` (README "Ingest"): signing's validation report of the
 * issued PDF streamed from where the event says (its SHA-256 and length checked against the
 * event on the way), the PDF streamed into the archive bucket (checked again by the store),
 * the record's metadata and the manifest, each object under COMPLIANCE retention (permanent
 * records also under legal hold); then, in ONE transaction, the event marked handled, the package and its objects, and the catalog row.
 * A crash or a retry before that commit writes the objects again as new versions: the package
 * names the versions of the attempt that committed; the others stay, locked and unnamed.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { withTransaction, handleOnce } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { EventEnvelope } from '@lienthong/bus';
import { checkEvent, eventDefinitions, localDate } from '@lienthong/records';
import type { DocumentIssued } from '@lienthong/records';
import { assertValidBucket, assertValidKey, isStorageError } from '@lienthong/storage';
import type { ObjectStore, PutOptions } from '@lienthong/storage';
import type { CatalogRecord } from '../catalog/catalog-record.ts';
import { upsertRecord } from '../catalog/catalog-repository.ts';
import type { ArchivedObject, PackageRetention } from '../packages/archive-package.ts';
import { manifestOf, packageKey, packageObjects, packageRetention } from '../packages/archive-package.ts';
import { canonicalJson } from '../packages/canonical-json.ts';
import { findPackage, insertPackage } from '../packages/package-repository.ts';
import { IngestRefused, StoreUnsafe } from './ingest-errors.ts';
import type { PdfValidator, ValidationReport } from './validation-client.ts';

/** The consumer name `handleOnce` records the ingest under. */
export const ingestConsumer = 'archive-ingest';

/** What the ingest needs. */
export interface IngestDeps {
  pool: Pool;
  store: ObjectStore;
  /** The archive bucket (Object Lock). */
  bucket: string;
  /** The store self-test (services/archive/src/store); only `assertSafe` is used. */
  guard: { assertSafe(): void };
  validator: PdfValidator;
  now?: () => Date;
  /** A permanent record's retention ahead of now, ms (default `permanentRetentionYears`); tests shorten it. */
  permanentHorizonMs?: number;
}

/** What became of an event: archived now, archived before (or another event's package), or not ours. */
export type IngestOutcome = 'archived' | 'duplicate' | 'ignored';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The catalog entry of an issued document (README "Ingest": where each field comes from). */
export function catalogRecordOf(data: DocumentIssued): CatalogRecord {
  return {
    id: data.documentId,
    kind: 'issued',
    issuingOffice: data.office,
    receivingOffices: data.deliverTo,
    number: data.numberSymbol.number,
    symbol: data.symbol,
    documentType: data.numberSymbol.type,
    // The document's date as printed on it: Vietnam's local date (UTC+7), as intake stamps it.
    issuedDate: localDate(new Date(data.issuedAt)),
    signer: { name: data.signer.person, subject: `person:${data.signer.person}` },
    status: 'issued',
    file: null,
    subject: data.subject,
  };
}

/** Refuses an object reference a reader must not follow: a key or bucket with path tricks, or the archive itself. */
function checkSource(data: DocumentIssued, archiveBucket: string): void {
  const { bucket, key } = data.file.object;
  try {
    assertValidBucket(bucket);
    assertValidKey(key);
  } catch (error) {
    throw new IngestRefused(
      'SOURCE_OBJECT_INVALID',
      `the issued PDF's object ${JSON.stringify(key)} is not a key this archive reads`,
      { cause: error },
    );
  }
  if (bucket === archiveBucket)
    throw new IngestRefused('SOURCE_OBJECT_INVALID', 'the issued PDF cannot be read from the archive bucket itself');
}

function assertSafe(guard: IngestDeps['guard']): void {
  try {
    guard.assertSafe();
  } catch (error) {
    throw new StoreUnsafe(error);
  }
}

/** Puts `body` as object `name` of the package, locked as `retention` says. */
async function putObject(
  deps: IngestDeps,
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
async function openSource(deps: IngestDeps, data: DocumentIssued) {
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
 * Signing's report of the issued PDF, streamed from where the event says and hashed on the
 * way: a report of bytes whose SHA-256 is not the event's is refused before anything is
 * written (the archived copy is checked against the same SHA-256, so the report is of it).
 */
async function validate(deps: IngestDeps, data: DocumentIssued): Promise<ValidationReport> {
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

/** Copies the issued PDF into the package, checked again against the event's SHA-256 by the store. */
async function archivePdf(deps: IngestDeps, data: DocumentIssued, recordId: string, retention: PackageRetention) {
  const source = await openSource(deps, data);
  try {
    return await putObject(deps, recordId, packageObjects.document, source.body, 'application/pdf', retention, {
      expectedSha256: data.file.sha256,
    });
  } catch (error) {
    // The store removed the version that did not hash as expected; nothing of it is kept.
    if (isStorageError(error, 'CHECKSUM_MISMATCH'))
      throw new IngestRefused('FILE_MISMATCH', `${data.file.object.key} does not hash to the event's SHA-256`, {
        cause: error,
      });
    throw error;
  } finally {
    source.body.destroy();
  }
}

/**
 * Archives the document of one `document.issued` envelope. Throws `IngestRefused` for an
 * event that can never be archived, `StoreUnsafe` / `ValidationUnavailable` / a storage or
 * database outage for one that cannot be now, and libs/records' error for data that is not
 * a valid `document.issued`.
 */
export async function ingestIssued(deps: IngestDeps, event: EventEnvelope): Promise<IngestOutcome> {
  const definition = checkEvent(event);
  if (definition.type !== eventDefinitions.documentIssued.type) return 'ignored';
  const data = event.data as DocumentIssued;
  if (!uuidPattern.test(data.documentId))
    throw new IngestRefused('RECORD_ID_NOT_UUID', `document ${JSON.stringify(data.documentId)} has no UUID`);
  const recordId = data.documentId.toLowerCase();
  checkSource(data, deps.bucket);
  if ((await findPackage(deps.pool, recordId)) !== undefined) return 'duplicate';
  assertSafe(deps.guard);
  const ingestedAt = (deps.now ?? (() => new Date()))();
  const retention = packageRetention(data.retention, new Date(data.issuedAt), ingestedAt, deps.permanentHorizonMs);
  // Signing first: while it is down nothing is written, so retries leave no copies behind.
  const validation = await validate(deps, data);
  const pdf = await archivePdf(deps, data, recordId, retention);
  const record = { ...catalogRecordOf(data), id: recordId };
  const metadata = await putObject(
    deps,
    recordId,
    packageObjects.metadata,
    canonicalJson({
      recordId,
      event: {
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        source: event.source,
        time: event.time,
      },
      issued: data,
      catalog: record,
    }),
    'application/json',
    retention,
  );
  const report = await putObject(
    deps,
    recordId,
    packageObjects.validation,
    canonicalJson({
      recordId,
      validatedAt: ingestedAt.toISOString(),
      validator: 'lienthong-signing POST /v1/verify/pdf',
      document: { key: pdf.key, versionId: pdf.versionId, sha256: pdf.sha256 },
      indication: validation.indication,
      subIndication: validation.subIndication,
      report: validation.report,
    }),
    'application/json',
    retention,
  );
  const objects = [pdf, metadata, report];
  const manifest = await putObject(
    deps,
    recordId,
    packageObjects.manifest,
    canonicalJson(manifestOf(recordId, retention, ingestedAt, objects)),
    'application/json',
    retention,
  );
  // The store must still be vouched for when the package becomes the record's.
  assertSafe(deps.guard);
  return withTransaction(deps.pool, async (client) => {
    if (!(await handleOnce(client, ingestConsumer, event.id))) return 'duplicate';
    const inserted = await insertPackage(
      client,
      {
        recordId,
        manifest: { bucket: deps.bucket, key: manifest.key, versionId: manifest.versionId, sha256: manifest.sha256 },
        ...retention,
        validation: { indication: validation.indication, subIndication: validation.subIndication },
        sourceEventId: event.id,
        ingestedAt,
      },
      [...objects, manifest],
    );
    if (!inserted) return 'duplicate';
    await upsertRecord(client, record);
    return 'archived';
  });
}
