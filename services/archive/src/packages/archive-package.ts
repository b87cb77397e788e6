/**
 * A package: one record's objects in the archive bucket under `records/<recordId>/`, the
 * manifest naming each of them, and how long the store must keep them (README "Packages").
 */
import { retainUntil } from '@lienthong/records';

/**
 * How far ahead a permanent record's COMPLIANCE retention is set at ingest, in years. A legal
 * hold alone is not enough: Versity S3 Gateway deletes a held version once its retention has
 * expired (libs/storage README, "Two S3 implementations"), so a permanent record is never
 * left with only the hold; being held, its retention is extended again by the hold's schedule
 * before it ends (README "Legal hold").
 */
export const permanentRetentionYears = 100;

/**
 * The shortest COMPLIANCE retention an object gets at ingest, in days: a record whose class
 * ended before it reached the archive (issued long ago) is still locked this long, so that
 * its disposition goes through an approval rather than a bare delete.
 */
export const minimumRetentionDays = 1;

/** The names of a package's objects, the key under `records/<recordId>/` of each. */
export const packageObjects = {
  document: 'document.pdf',
  metadata: 'metadata.json',
  validation: 'validation.json',
  manifest: 'manifest.json',
} as const;

/** The key of object `name` of record `recordId`'s package. */
export function packageKey(recordId: string, name: string): string {
  return `records/${recordId}/${name}`;
}

/** One object of a package as the manifest and the `archived_object` table name it. */
export interface ArchivedObject {
  /** Its name in the package (`document.pdf`, …). */
  name: string;
  bucket: string;
  key: string;
  versionId: string;
  /** Hex SHA-256 of its bytes. */
  sha256: string;
  size: number;
  mediaType: string;
}

/** How the store keeps a package's objects. */
export interface PackageRetention {
  /** The record's retention class (libs/records). */
  retentionClass: string;
  /** When its class ends (null: permanent). */
  retainUntil: Date | null;
  /** The COMPLIANCE retain-until given to every object. */
  lockedUntil: Date;
  legalHold: boolean;
}

/**
 * The retention of a package of class `retentionClass` issued at `issuedAt`, ingested at
 * `now`: until the class ends (libs/records `retainUntil`, from the document's date), at
 * least `minimumRetentionDays` from now; a permanent record (and a class libs/records does
 * not know, kept rather than lost) under legal hold with `horizonMs` ahead of now
 * (`permanentRetentionYears` unless a test says otherwise).
 */
export function packageRetention(
  retentionClass: string,
  issuedAt: Date,
  now: Date,
  horizonMs?: number,
): PackageRetention {
  const until = retainUntil(retentionClass, issuedAt);
  if (until === null) {
    const lockedUntil = new Date(now.getTime());
    if (horizonMs === undefined) lockedUntil.setUTCFullYear(lockedUntil.getUTCFullYear() + permanentRetentionYears);
    else lockedUntil.setTime(now.getTime() + horizonMs);
    return { retentionClass, retainUntil: null, lockedUntil, legalHold: true };
  }
  const floor = now.getTime() + minimumRetentionDays * 86_400_000;
  return {
    retentionClass,
    retainUntil: until,
    lockedUntil: new Date(Math.max(until.getTime(), floor)),
    legalHold: false,
  };
}

/** The manifest of a package (`manifest.json`): the record, its retention, and every other object. */
export interface PackageManifest {
  recordId: string;
  retentionClass: string;
  /** ISO 8601, or null for a permanent record. */
  retainUntil: string | null;
  lockedUntil: string;
  legalHold: boolean;
  ingestedAt: string;
  objects: Array<{ name: string; key: string; versionId: string; sha256: string; size: number; mediaType: string }>;
}

/** An object as the manifest (and the package route) names it: no bucket, no time. */
export function manifestEntryOf(o: ArchivedObject): PackageManifest['objects'][number] {
  return { name: o.name, key: o.key, versionId: o.versionId, sha256: o.sha256, size: o.size, mediaType: o.mediaType };
}

/** The manifest of `recordId`'s package holding `objects`. */
export function manifestOf(
  recordId: string,
  retention: PackageRetention,
  ingestedAt: Date,
  objects: readonly ArchivedObject[],
): PackageManifest {
  return {
    recordId,
    retentionClass: retention.retentionClass,
    retainUntil: retention.retainUntil?.toISOString() ?? null,
    lockedUntil: retention.lockedUntil.toISOString(),
    legalHold: retention.legalHold,
    ingestedAt: ingestedAt.toISOString(),
    objects: objects.map(manifestEntryOf),
  };
}
