/**
 * Configuration of the archive service: the shared variables (port 8083 by default),
 * `LIENTHONG_ARCHIVE_BUCKET` (the bucket of archived records, created at start with Object
 * Lock, default `lienthong-archive`) and `LIENTHONG_ARCHIVE_STORE_CHECK_MS` (how often the
 * store's self-test runs again after the one at start, default one hour; README "Store self-test").
 */
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

export const archiveConfigSchema = serviceConfigSchema(
  { port: 8083, service: 'archive' },
  {
    LIENTHONG_ARCHIVE_BUCKET: Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      default: 'lienthong-archive',
      expected: 'an S3 bucket name (the bucket of archived records, with Object Lock)',
    }),
    LIENTHONG_ARCHIVE_STORE_CHECK_MS: Type.Integer({
      minimum: 1_000,
      maximum: 86_400_000,
      default: 3_600_000,
      expected: "an integer 1000-86400000 (ms between self-tests of the archive's object store)",
    }),
  },
);

/** The archive configuration. */
export type ArchiveConfig = ServiceConfig & {
  /** The bucket of archived records (created at start with Object Lock and versioning). */
  readonly bucket: string;
  /** Between the store's scheduled self-tests, in ms (the first runs at start). */
  readonly storeCheckMs: number;
};

/** Reads and validates the archive configuration from `env`; throws ConfigError. */
export function loadArchiveConfig(env: Env): ArchiveConfig {
  const values = loadConfig(archiveConfigSchema, env);
  return {
    ...toServiceConfig(values),
    bucket: values.LIENTHONG_ARCHIVE_BUCKET,
    storeCheckMs: values.LIENTHONG_ARCHIVE_STORE_CHECK_MS,
  };
}
