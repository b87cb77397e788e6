/**
 * Object storage behind one small interface. Two implementations: MinIO/S3 (the `minio`
 * client) for real mode and a folder on disk for embedded mode. The folder store enforces
 * the same rules as S3 Object Lock itself (versions, COMPLIANCE/GOVERNANCE retention,
 * legal hold), so code and tests behave the same on both.
 */
import type { Readable } from 'node:stream';

export type RetentionMode = 'COMPLIANCE' | 'GOVERNANCE';

export interface Retention {
  mode: RetentionMode;
  /** The version may not be deleted or have its retention shortened before this instant. */
  retainUntil: Date;
}

export interface BucketOptions {
  /** Object Lock enabled at creation (implies versioning). */
  objectLocking?: boolean;
  versioning?: boolean;
}

export interface PutOptions {
  contentType?: string;
  /** User metadata (ASCII keys, small values); stored with the version. */
  metadata?: Record<string, string>;
  /** When given and the streamed bytes hash differently, the put fails and nothing is kept. */
  expectedSha256?: string;
  /** Applied after the bytes are stored and checked. */
  retention?: Retention;
  legalHold?: boolean;
}

export interface PutResult {
  key: string;
  /** Version id ('null' where the bucket has no versioning). */
  versionId: string;
  size: number;
  /** Hex SHA-256 of the bytes, computed while streaming. */
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  versionId: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

export interface ObjectVersion {
  key: string;
  versionId: string;
  size: number;
  lastModified: Date;
  isLatest: boolean;
  isDeleteMarker: boolean;
}

export interface GetOptions {
  versionId?: string;
  /** Inclusive byte range, as in HTTP Range. */
  range?: { start: number; end: number };
}

export interface ObjectStore {
  /** Creates the bucket when missing (idempotent). */
  ensureBucket(bucket: string, options?: BucketOptions): Promise<void>;
  /** Streams the body in; memory does not grow with its size. */
  put(bucket: string, key: string, body: Readable | Buffer, options?: PutOptions): Promise<PutResult>;
  get(bucket: string, key: string, options?: GetOptions): Promise<{ info: ObjectInfo; body: Readable }>;
  stat(bucket: string, key: string, options?: { versionId?: string }): Promise<ObjectInfo>;
  listVersions(bucket: string, prefix: string): Promise<ObjectVersion[]>;
  /**
   * Deletes a version (or, without versionId, adds a delete marker on a versioned bucket).
   * Rejects with `OBJECT_LOCKED` when retention or a legal hold forbids it.
   */
  delete(bucket: string, key: string, options?: { versionId?: string }): Promise<void>;
  setRetention(bucket: string, key: string, versionId: string, retention: Retention): Promise<void>;
  getRetention(bucket: string, key: string, versionId: string): Promise<Retention | undefined>;
  setLegalHold(bucket: string, key: string, versionId: string, on: boolean): Promise<void>;
  getLegalHold(bucket: string, key: string, versionId: string): Promise<boolean>;
  /** A real round trip to the store, for `/readyz`. */
  ping(): Promise<void>;
}
