/**
 * Objects added to a package after its ingest (delivery's evidence, later re-time-stamps):
 * each a new `archived_object` row, with a new manifest version (`manifest-<n>.json`) that
 * names every object; the `package` row then points at the newest manifest, and the older
 * manifests stay in the bucket and in the table.
 */
import type { Queryable } from '../queryable.ts';
import type { ArchivedObject, PackageManifest, PackageRetention } from './archive-package.ts';
import { manifestOf } from './archive-package.ts';

/** The name of manifest version `n` (1 is the ingest's `manifest.json`). */
export function manifestName(n: number): string {
  return n === 1 ? 'manifest.json' : `manifest-${n}.json`;
}

const manifestPattern = /^manifest(?:-([1-9][0-9]*))?\.json$/;

/** Whether `name` is a manifest of the package (any version). */
export const isManifestName = (name: string): boolean => manifestPattern.test(name);

/** The version of the newest manifest among `objects` (1 when only the ingest's). */
export function newestManifestVersion(objects: readonly Pick<ArchivedObject, 'name'>[]): number {
  let newest = 0;
  for (const o of objects) {
    const m = manifestPattern.exec(o.name);
    if (m !== null) newest = Math.max(newest, m[1] === undefined ? 1 : Number(m[1]));
  }
  return newest;
}

/** A later manifest: the package's objects (manifests apart) and the manifest it follows. */
export interface LaterManifest extends PackageManifest {
  version: number;
  previous: { name: string; versionId: string; sha256: string };
  updatedAt: string;
}

/** Manifest version `version` of a package holding `objects` (earlier manifests among them, named only as `previous`). */
export function laterManifestOf(
  recordId: string,
  retention: PackageRetention,
  ingestedAt: Date,
  objects: readonly ArchivedObject[],
  version: number,
  updatedAt: Date,
): LaterManifest {
  const previous = objects.find((o) => o.name === manifestName(version - 1));
  if (previous === undefined) throw new Error(`the package has no ${manifestName(version - 1)}`);
  return {
    ...manifestOf(
      recordId,
      retention,
      ingestedAt,
      objects.filter((o) => !isManifestName(o.name)),
    ),
    version,
    previous: { name: previous.name, versionId: previous.versionId, sha256: previous.sha256 },
    updatedAt: updatedAt.toISOString(),
  };
}

/** Locks record `recordId`'s package row until the caller's transaction ends; false when there is none. */
export async function lockPackage(q: Queryable, recordId: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM package WHERE record_id = $1 FOR UPDATE', [recordId]);
  return rowCount === 1;
}

/**
 * Adds `objects` and the new `manifest` to the package (in the caller's transaction, the
 * package locked) and points the package at the manifest.
 */
export async function addPackageObjects(
  q: Queryable,
  recordId: string,
  objects: readonly ArchivedObject[],
  manifest: ArchivedObject,
  addedAt: Date,
): Promise<void> {
  const all = [...objects, manifest];
  await q.query(
    `INSERT INTO archived_object (record_id, name, bucket, key, version_id, sha256, size, media_type, added_at)
     SELECT $1, o.name, o.bucket, o.key, o.version_id, o.sha256, o.size, o.media_type, $2
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
       AS o (name, bucket, key, version_id, sha256, size, media_type)`,
    [
      recordId,
      addedAt,
      all.map((o) => o.name),
      all.map((o) => o.bucket),
      all.map((o) => o.key),
      all.map((o) => o.versionId),
      all.map((o) => o.sha256),
      all.map((o) => o.size),
      all.map((o) => o.mediaType),
    ],
  );
  await q.query(
    'UPDATE package SET manifest_key = $2, manifest_version_id = $3, manifest_sha256 = $4 WHERE record_id = $1',
    [recordId, manifest.key, manifest.versionId, manifest.sha256],
  );
}

/**
 * Whether objects put under `used` (the package's lock as read before the puts) are still locked as
 * the package is (in the caller's transaction, the package locked): a legal hold placed or released,
 * or the retention extended, since then means they were put under another lock than the package's
 * (README "Legal hold") and must be put again.
 */
export async function lockUnchanged(
  q: Queryable,
  recordId: string,
  used: Pick<PackageRetention, 'lockedUntil' | 'legalHold'>,
): Promise<boolean> {
  const { rows } = await q.query<{ locked_until: Date; legal_hold: boolean }>(
    'SELECT locked_until, legal_hold FROM package WHERE record_id = $1',
    [recordId],
  );
  const row = rows[0];
  return (
    row !== undefined && row.legal_hold === used.legalHold && row.locked_until.getTime() <= used.lockedUntil.getTime()
  );
}
