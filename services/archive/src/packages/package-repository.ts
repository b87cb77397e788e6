/**
 * The SQL of packages (tables `package` and `archived_object`, migration `0002_packages`):
 * a package and its objects written once, in the caller's transaction, and read back.
 */
import type { Queryable } from '../queryable.ts';
import type { ArchivedObject, PackageRetention } from './archive-package.ts';

/** A package as the archive keeps it. */
export interface StoredPackage extends PackageRetention {
  recordId: string;
  manifest: { bucket: string; key: string; versionId: string; sha256: string };
  /** What signing's report said of the PDF at ingest (`TOTAL_PASSED`, `TOTAL_FAILED`, `INDETERMINATE`). */
  validation: { indication: string; subIndication: string | null };
  /** The `document.issued` event the package was made from. */
  sourceEventId: string;
  ingestedAt: Date;
}

/**
 * Inserts `pkg` and its `objects` (the manifest among them) unless the record already has a
 * package; returns whether it did. Meant for the transaction that also marks the event handled.
 */
export async function insertPackage(
  q: Queryable,
  pkg: StoredPackage,
  objects: readonly ArchivedObject[],
): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO package (record_id, bucket, manifest_key, manifest_version_id, manifest_sha256, retention_class,
       retain_until, locked_until, legal_hold, validation_indication, validation_sub_indication, source_event_id,
       ingested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (record_id) DO NOTHING`,
    [
      pkg.recordId,
      pkg.manifest.bucket,
      pkg.manifest.key,
      pkg.manifest.versionId,
      pkg.manifest.sha256,
      pkg.retentionClass,
      pkg.retainUntil,
      pkg.lockedUntil,
      pkg.legalHold,
      pkg.validation.indication,
      pkg.validation.subIndication,
      pkg.sourceEventId,
      pkg.ingestedAt,
    ],
  );
  if (rowCount !== 1) return false;
  await q.query(
    `INSERT INTO archived_object (record_id, name, bucket, key, version_id, sha256, size, media_type, added_at)
     SELECT $1, o.name, o.bucket, o.key, o.version_id, o.sha256, o.size, o.media_type, $2
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
       AS o (name, bucket, key, version_id, sha256, size, media_type)`,
    [
      pkg.recordId,
      pkg.ingestedAt,
      objects.map((o) => o.name),
      objects.map((o) => o.bucket),
      objects.map((o) => o.key),
      objects.map((o) => o.versionId),
      objects.map((o) => o.sha256),
      objects.map((o) => o.size),
      objects.map((o) => o.mediaType),
    ],
  );
  return true;
}

interface PackageRow {
  record_id: string;
  bucket: string;
  manifest_key: string;
  manifest_version_id: string;
  manifest_sha256: string;
  retention_class: string;
  retain_until: Date | null;
  locked_until: Date;
  legal_hold: boolean;
  validation_indication: string;
  validation_sub_indication: string | null;
  source_event_id: string;
  ingested_at: Date;
}

/** The package of record `recordId`, or undefined. */
export async function findPackage(q: Queryable, recordId: string): Promise<StoredPackage | undefined> {
  const { rows } = await q.query<PackageRow>('SELECT * FROM package WHERE record_id = $1', [recordId]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    recordId: row.record_id,
    manifest: {
      bucket: row.bucket,
      key: row.manifest_key,
      versionId: row.manifest_version_id,
      sha256: row.manifest_sha256,
    },
    retentionClass: row.retention_class,
    retainUntil: row.retain_until,
    lockedUntil: row.locked_until,
    legalHold: row.legal_hold,
    validation: { indication: row.validation_indication, subIndication: row.validation_sub_indication },
    sourceEventId: row.source_event_id,
    ingestedAt: row.ingested_at,
  };
}

/** The objects of record `recordId`'s package, by name. */
export async function listArchivedObjects(q: Queryable, recordId: string): Promise<ArchivedObject[]> {
  const { rows } = await q.query<{
    name: string;
    bucket: string;
    key: string;
    version_id: string;
    sha256: string;
    size: string;
    media_type: string;
  }>(
    `SELECT name, bucket, key, version_id, sha256, size, media_type FROM archived_object
     WHERE record_id = $1 ORDER BY name`,
    [recordId],
  );
  return rows.map((r) => ({
    name: r.name,
    bucket: r.bucket,
    key: r.key,
    versionId: r.version_id,
    sha256: r.sha256,
    size: Number(r.size),
    mediaType: r.media_type,
  }));
}
