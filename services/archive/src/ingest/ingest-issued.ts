/**
 * The ingest of one `document.issued` (README "Ingest"): the issued PDF read from where the
 * event says (its length checked), copied into the archive bucket (its SHA-256 checked against
 * the event's by the store before a byte is written) while signing's validation report of the
 * same bytes is asked; then the record's metadata and the report, and the manifest, each object
 * under COMPLIANCE retention (permanent records also under legal hold); then, in ONE
 * transaction, the event marked handled, the package and its objects, the catalog row and the
 * `record.ingested` audit entry.
 * A try that fails after the PDF was copied leaves that copy to the next try of the same event
 * (`IngestCarry`), which names it rather than write another; a crash, or a failure after the
 * other objects were written, leaves versions that the next try writes again: the package names
 * the versions of the try that committed; the others stay, locked and unnamed.
 */
import { withTransaction, handleOnce } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { EventEnvelope } from '@lienthong/bus';
import { checkEvent, eventDefinitions, localDate } from '@lienthong/records';
import type { DocumentIssued } from '@lienthong/records';
import { assertValidBucket, assertValidKey } from '@lienthong/storage';
import type { CatalogRecord } from '../catalog/catalog-record.ts';
import { upsertRecord } from '../catalog/catalog-repository.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { AuditEntryInput } from '../audit/audit-log.ts';
import {
  manifestOf,
  minimumRetentionDays,
  packageKey,
  packageObjects,
  packageRetention,
} from '../packages/archive-package.ts';
import type { ArchivedObject } from '../packages/archive-package.ts';
import { canonicalJson } from '../packages/canonical-json.ts';
import { findPackage, insertPackage } from '../packages/package-repository.ts';
import { IngestRefused, isTransient, StoreUnsafe } from './ingest-errors.ts';
import type { ValidationReport } from './validation-client.ts';
import { signerNameOf } from './signer-name.ts';
import { archiveIssuedPdf, putPackageObject, readIssuedPdf, validateIssuedPdf } from './package-writes.ts';
import type { PackageWriteDeps } from './package-writes.ts';

/** The consumer name `handleOnce` records the ingest under. */
export const ingestConsumer = 'archive-ingest';

/** What the ingest needs: the database, and the store, the archive bucket and signing (`PackageWriteDeps`). */
export interface IngestDeps extends PackageWriteDeps {
  pool: Pool;
  /** The store self-test (services/archive/src/store); only `assertSafe` is used. */
  guard: { assertSafe(): void };
  now?: () => Date;
  /** A permanent record's retention ahead of now, ms (default `permanentRetentionYears`); tests shorten it. */
  permanentHorizonMs?: number;
}

/**
 * What a try of an event leaves for the next try of the same event (the consumer keeps one per
 * event): the PDF's copy once it is written, locked, and the time its lock was computed from,
 * so that a try after signing failed names that copy instead of writing another.
 */
export interface IngestCarry {
  pdf?: { object: ArchivedObject; ingestedAt: Date };
}

/**
 * The least time a copy from an earlier try must stay locked to be named (half the floor a
 * fresh ingest gives, `minimumRetentionDays`); one locked for less is written again.
 */
const carriedLockMarginMs = (minimumRetentionDays * 86_400_000) / 2;

/** What became of an event: archived now, archived before (or another event's package), or not ours. */
export type IngestOutcome = 'archived' | 'duplicate' | 'ignored';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The catalog entry of an issued document (README "Ingest": where each field comes from);
 * `signerName` what the signer's certificate says (`signerNameOf`), else their code.
 */
export function catalogRecordOf(data: DocumentIssued, signerName?: string): CatalogRecord {
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
    signer: { name: signerName ?? data.signer.person, subject: `person:${data.signer.person}` },
    status: 'issued',
    file: null,
    subject: data.subject,
  };
}

/** The actor of the ingest's audit entries: the archive itself, not a person. */
export const ingestActor = 'lienthong-archive';

/**
 * The audit entry of a record archived, for the issuing office's chain only: a directive to
 * 3,321 offices would otherwise append 3,321 entries (each serialised on its office's chain)
 * for one ingest; a receiving office's chain holds its own reads of the record instead.
 * The detail binds the entry to the package: the manifest's version and SHA-256, the PDF's
 * SHA-256 and length, signing's verdict, and how many offices received it (not their list,
 * which can be far over the detail's 4 KiB).
 */
export function ingestedAuditEntry(
  data: DocumentIssued,
  recordId: string,
  eventId: string,
  manifest: ArchivedObject,
  validation: Pick<ValidationReport, 'indication' | 'subIndication'>,
): AuditEntryInput {
  return {
    office: data.office,
    actor: ingestActor,
    action: 'record.ingested',
    recordId,
    detail: {
      eventId,
      symbol: data.symbol,
      document: { sha256: data.file.sha256, size: data.file.byteLength },
      manifest: { key: manifest.key, versionId: manifest.versionId, sha256: manifest.sha256 },
      indication: validation.indication,
      subIndication: validation.subIndication,
      receivingOffices: data.deliverTo.length,
    },
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

/**
 * Both settled; the first failure otherwise, one that will never pass (a refusal) before one
 * that may pass later, so the event is not retried for ever when it is refused anyway.
 */
async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'fulfilled' && second.status === 'fulfilled') return [first.value, second.value];
  const failures = [first, second].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  throw failures.find((error) => !isTransient(error)) ?? failures[0];
}

function assertSafe(guard: IngestDeps['guard']): void {
  try {
    guard.assertSafe();
  } catch (error) {
    throw new StoreUnsafe(error);
  }
}

/**
 * Archives the document of one `document.issued` envelope; `carry` is what an earlier try of
 * the same event left (the consumer keeps it, filled in here). Throws `IngestRefused` for an
 * event that can never be archived, `StoreUnsafe` / `ValidationUnavailable` / a storage or
 * database outage for one that cannot be now, and libs/records' error for data that is not
 * a valid `document.issued`.
 */
export async function ingestIssued(
  deps: IngestDeps,
  event: EventEnvelope,
  carry: IngestCarry = {},
): Promise<IngestOutcome> {
  const definition = checkEvent(event);
  if (definition.type !== eventDefinitions.documentIssued.type) return 'ignored';
  const data = event.data as DocumentIssued;
  if (!uuidPattern.test(data.documentId))
    throw new IngestRefused('RECORD_ID_NOT_UUID', `document ${JSON.stringify(data.documentId)} has no UUID`);
  const recordId = data.documentId.toLowerCase();
  checkSource(data, deps.bucket);
  if ((await findPackage(deps.pool, recordId)) !== undefined) return 'duplicate';
  assertSafe(deps.guard);
  const now = (deps.now ?? (() => new Date()))();
  const retentionAt = (at: Date) =>
    packageRetention(data.retention, new Date(data.issuedAt), at, deps.permanentHorizonMs);
  // A copy an earlier try wrote is named only when it is this event's document, and with the
  // package locked from that try's time, as the copy is; unless its lock ends too soon (a class
  // that had ended, after a long outage): then it is written again, locked from now.
  const earlier =
    carry.pdf?.object.key === packageKey(recordId, packageObjects.document) &&
    carry.pdf.object.sha256 === data.file.sha256
      ? carry.pdf
      : undefined;
  let copied = earlier?.object;
  let ingestedAt = earlier?.ingestedAt ?? now;
  let retention = retentionAt(ingestedAt);
  if (copied !== undefined && retention.lockedUntil.getTime() < now.getTime() + carriedLockMarginMs) {
    copied = undefined;
    ingestedAt = now;
    retention = retentionAt(now);
  }
  // Read once (when small enough to hold). The first copy's SHA-256 is checked by the store
  // before a byte is written; bytes read again for a copy written before are checked here.
  const bytes = await readIssuedPdf(deps, data, copied !== undefined);
  // Signing's report and the PDF's copy at the same time: signing down, the copy stays (locked)
  // for the next try, which names it (`carry`) instead of writing another.
  const [pdf, validation] = await bothSettled(
    copied !== undefined
      ? Promise.resolve(copied)
      : archiveIssuedPdf(deps, data, recordId, retention, bytes).then((object) => {
          carry.pdf = { object, ingestedAt };
          return object;
        }),
    validateIssuedPdf(deps, data, bytes),
  );
  const validatedAt = (deps.now ?? (() => new Date()))();
  const record = { ...catalogRecordOf(data, signerNameOf(validation.report, data.office)), id: recordId };
  const metadataJson = canonicalJson({
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
  });
  // The metadata holds the signer's name from the report and the report names the PDF's
  // version: both follow the two, side by side; the manifest names every version, so it is last.
  const [metadata, report] = await Promise.all([
    putPackageObject(deps, recordId, packageObjects.metadata, metadataJson, 'application/json', retention),
    putPackageObject(
      deps,
      recordId,
      packageObjects.validation,
      canonicalJson({
        recordId,
        validatedAt: validatedAt.toISOString(),
        validator: 'lienthong-signing POST /v1/verify/pdf',
        document: { key: pdf.key, versionId: pdf.versionId, sha256: pdf.sha256 },
        indication: validation.indication,
        subIndication: validation.subIndication,
        report: validation.report,
      }),
      'application/json',
      retention,
    ),
  ]);
  const objects = [pdf, metadata, report];
  const manifest = await putPackageObject(
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
    await appendAudit(client, ingestedAuditEntry(data, recordId, event.id, manifest, validation), ingestedAt);
    return 'archived';
  });
}
