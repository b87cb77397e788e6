/**
 * Configuration of the archive service: the shared variables (port 8083 by default),
 * `LIENTHONG_ARCHIVE_BUCKET` (the bucket of archived records, created at start with Object
 * Lock, default `lienthong-archive`), `LIENTHONG_ARCHIVE_STORE_CHECK_MS` (how often the
 * store's self-test runs again after the one at start, default one hour; README "Store
 * self-test"), and the ingest's (README "Ingest"):
 * `LIENTHONG_ARCHIVE_TOPIC_NAMESPACE` (a prefix of the topics and consumer group it uses),
 * `LIENTHONG_ARCHIVE_SIGNING_URL` and `LIENTHONG_ARCHIVE_SERVICE_KEY` (`_KEY_ID`): where the
 * validation report at ingest comes from and the archive's own token key (without both,
 * issued documents wait unarchived), and the timing of its calls and retries; fixity's
 * (README "Fixity"): `LIENTHONG_ARCHIVE_FIXITY_LOCATION` (the name of the store's copies,
 * `primary`), `_BYTES_PER_SECOND` (the read budget, 20 MB/s) and `_CYCLE_MS` (how often each
 * object is checked, 7 days); the worker threads that parse delivery's evidence and renew PDFs
 * off the event loop (README "Workers"): `LIENTHONG_ARCHIVE_WORKERS`, `_WORKER_MEMORY_MB`,
 * `_JOB_TIME_LIMIT_MS` and `_JOB_QUEUE`.
 */
import { availableParallelism } from 'node:os';
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig, Static } from '@lienthong/service';

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
    LIENTHONG_ARCHIVE_TOPIC_NAMESPACE: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
        expected: 'a prefix of lower-case letters, digits, _ and - (at most 63)',
      }),
    ),
    LIENTHONG_ARCHIVE_SIGNING_URL: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
        expected: 'an http:// or https:// URL without query or credentials (the signing service)',
      }),
    ),
    LIENTHONG_ARCHIVE_SERVICE_KEY: Type.Optional(
      Type.String({
        pattern: '^\\s*-----BEGIN PRIVATE KEY-----[\\s\\S]+-----END PRIVATE KEY-----\\s*$',
        secret: true,
        expected: 'a PKCS#8 PEM private key (Ed25519 or P-256) whose public key signing lists',
      }),
    ),
    LIENTHONG_ARCHIVE_SERVICE_KEY_ID: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', expected: 'a JWK kid (letters, digits, . _ -)' }),
    ),
    LIENTHONG_ARCHIVE_SIGNING_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 300_000 }),
    LIENTHONG_ARCHIVE_INGEST_RETRY_MIN_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1_000 }),
    LIENTHONG_ARCHIVE_INGEST_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 60_000 }),
    LIENTHONG_ARCHIVE_FIXITY_LOCATION: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
      default: 'primary',
      expected: "a location name (letters, digits, . _ -; at most 64): where the archive bucket's copies are",
    }),
    LIENTHONG_ARCHIVE_FIXITY_BYTES_PER_SECOND: Type.Integer({
      minimum: 1_024,
      maximum: 10_000_000_000,
      default: 20_000_000,
      expected: 'an integer 1024-10000000000 (bytes per second a fixity run may read)',
    }),
    LIENTHONG_ARCHIVE_FIXITY_CYCLE_MS: Type.Integer({
      minimum: 60_000,
      maximum: 31_622_400_000,
      default: 604_800_000,
      expected: 'an integer 60000-31622400000 (ms after which an object is checked again; 7 days by default)',
    }),
    LIENTHONG_ARCHIVE_PARKED_RETRY_MS: Type.Integer({
      minimum: 10,
      maximum: 3_600_000,
      default: 30_000,
      expected: 'an integer 10-3600000 (ms between retries of events parked until their record is archived)',
    }),
    LIENTHONG_ARCHIVE_EVIDENCE_MAX_BYTES: Type.Integer({
      minimum: 1024,
      maximum: 536_870_912,
      default: 67_108_864,
      expected: "an integer 1024-536870912 (the most bytes of one part of delivery's evidence the archive reads)",
    }),
    LIENTHONG_ARCHIVE_RENEWAL_CHECK_MS: Type.Integer({
      minimum: 10,
      maximum: 86_400_000,
      default: 3_600_000,
      expected: 'an integer 10-86400000 (ms between passes of the long-term validity renewal)',
    }),
    LIENTHONG_ARCHIVE_RENEWAL_MARGIN_DAYS: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 365,
      expected: "an integer 1-3650 (days before a package's protection ends that it is renewed)",
    }),
    LIENTHONG_ARCHIVE_WORKERS: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, expected: 'an integer 1-64 (worker threads)' }),
    ),
    LIENTHONG_ARCHIVE_WORKER_MEMORY_MB: Type.Integer({
      minimum: 16,
      maximum: 16_384,
      default: 512,
      expected: "an integer 16-16384 (MB of each worker's V8 old generation)",
    }),
    LIENTHONG_ARCHIVE_JOB_TIME_LIMIT_MS: Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: 300_000,
      expected: 'an integer 1-3600000 (ms a job may run in a worker)',
    }),
    LIENTHONG_ARCHIVE_JOB_QUEUE: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      default: 16,
      expected: 'an integer 0-10000 (jobs that may wait for a worker)',
    }),
    LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS: Type.Integer({
      minimum: 1,
      maximum: 36_500,
      default: 365,
      expected: "an integer 1-36500 (days ahead a held record's COMPLIANCE retention is extended to)",
    }),
    LIENTHONG_ARCHIVE_HOLD_CHECK_MS: Type.Integer({
      minimum: 10,
      maximum: 86_400_000,
      default: 3_600_000,
      expected: "an integer 10-86400000 (ms between passes that extend held records' retention again)",
    }),
    LIENTHONG_ARCHIVE_AUDIT_CHECKPOINT_MS: Type.Integer({
      minimum: 10,
      maximum: 86_400_000,
      default: 3_600_000,
      expected: "an integer 10-86400000 (ms between passes that time-stamp the offices' audit chain heads)",
    }),
  },
);

/** The worker threads that parse delivery's evidence and renew PDFs (workers/archive-workers.ts). */
export interface WorkerConfig {
  /** Threads at most (default min(2, available parallelism)). */
  readonly size: number;
  /** Each thread's V8 old-generation limit, MB. */
  readonly memoryMb: number;
  /** Longest a job may run on a thread, ms (a renewal's includes its wait for signing's TSA). */
  readonly timeLimitMs: number;
  /** Jobs that may wait for a thread; beyond it the job is refused (not now). */
  readonly queueLimit: number;
}

/** How the ingest of `document.issued` runs (README "Ingest"). */
export interface IngestConfig {
  /** Prefix of topics and groups (`<namespace>.lienthong.document.issued.v1`); '' for none. */
  readonly topicNamespace: string;
  /** Signing's base URL (no trailing slash); undefined: nothing can be validated, events wait. */
  readonly signingUrl: string | undefined;
  /** The archive's own PKCS#8 PEM key for its service tokens; undefined: events wait. Not enumerable. */
  readonly key: string | undefined;
  readonly keyId: string | undefined;
  readonly signingTimeoutMs: number;
  /** First and longest wait between tries of an event that cannot be archived yet (store unsafe, signing down). */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
}

/** The archive configuration. */
export type ArchiveConfig = ServiceConfig & {
  /** The bucket of archived records (created at start with Object Lock and versioning). */
  readonly bucket: string;
  /** Between the store's scheduled self-tests, in ms (the first runs at start). */
  readonly storeCheckMs: number;
  readonly ingest: IngestConfig;
  /** Fixity (README "Fixity"). */
  readonly fixity: { readonly location: string; readonly bytesPerSecond: number; readonly cycleMs: number };
  /** Between retries of events parked until their record is archived, ms (README "Status updates"). */
  readonly parkedRetryMs: number;
  /** The most bytes of one stamped part of delivery's evidence read (README "Evidence ingest"). */
  readonly evidenceMaxBytes: number;
  /** The long-term validity renewal (README "Long-term validity"): between passes, and the margin, ms. */
  readonly renewal: { readonly checkMs: number; readonly marginMs: number };
  /** The worker threads of the heavy parsing (README "Workers"). */
  readonly workers: WorkerConfig;
  /** Legal hold (README "Legal hold"): how far ahead a held record stays locked, and between extension passes, ms. */
  readonly hold: { readonly extensionMs: number; readonly checkMs: number };
  /** Between passes that time-stamp the heads of the offices' audit chains, ms (README "Audit log"). */
  readonly auditCheckpointMs: number;
};

function ingestConfigOf(values: Static<typeof archiveConfigSchema>): IngestConfig {
  const ingest = {
    topicNamespace: values.LIENTHONG_ARCHIVE_TOPIC_NAMESPACE ?? '',
    signingUrl: values.LIENTHONG_ARCHIVE_SIGNING_URL?.replace(/\/+$/, ''),
    keyId: values.LIENTHONG_ARCHIVE_SERVICE_KEY_ID,
    signingTimeoutMs: values.LIENTHONG_ARCHIVE_SIGNING_TIMEOUT_MS,
    retryMinMs: values.LIENTHONG_ARCHIVE_INGEST_RETRY_MIN_MS,
    retryMaxMs: Math.max(values.LIENTHONG_ARCHIVE_INGEST_RETRY_MIN_MS, values.LIENTHONG_ARCHIVE_INGEST_RETRY_MAX_MS),
  } as IngestConfig;
  // Not enumerable: a config object that gets logged or serialised does not carry the key.
  Object.defineProperty(ingest, 'key', { value: values.LIENTHONG_ARCHIVE_SERVICE_KEY, enumerable: false });
  return ingest;
}

/** Reads and validates the archive configuration from `env`; throws ConfigError. */
export function loadArchiveConfig(env: Env): ArchiveConfig {
  const values = loadConfig(archiveConfigSchema, env);
  return {
    ...toServiceConfig(values),
    bucket: values.LIENTHONG_ARCHIVE_BUCKET,
    storeCheckMs: values.LIENTHONG_ARCHIVE_STORE_CHECK_MS,
    ingest: ingestConfigOf(values),
    fixity: {
      location: values.LIENTHONG_ARCHIVE_FIXITY_LOCATION,
      bytesPerSecond: values.LIENTHONG_ARCHIVE_FIXITY_BYTES_PER_SECOND,
      cycleMs: values.LIENTHONG_ARCHIVE_FIXITY_CYCLE_MS,
    },
    parkedRetryMs: values.LIENTHONG_ARCHIVE_PARKED_RETRY_MS,
    evidenceMaxBytes: values.LIENTHONG_ARCHIVE_EVIDENCE_MAX_BYTES,
    renewal: {
      checkMs: values.LIENTHONG_ARCHIVE_RENEWAL_CHECK_MS,
      marginMs: values.LIENTHONG_ARCHIVE_RENEWAL_MARGIN_DAYS * 86_400_000,
    },
    workers: {
      size: values.LIENTHONG_ARCHIVE_WORKERS ?? Math.min(2, availableParallelism()),
      memoryMb: values.LIENTHONG_ARCHIVE_WORKER_MEMORY_MB,
      timeLimitMs: values.LIENTHONG_ARCHIVE_JOB_TIME_LIMIT_MS,
      queueLimit: values.LIENTHONG_ARCHIVE_JOB_QUEUE,
    },
    hold: {
      extensionMs: values.LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS * 86_400_000,
      checkMs: values.LIENTHONG_ARCHIVE_HOLD_CHECK_MS,
    },
    auditCheckpointMs: values.LIENTHONG_ARCHIVE_AUDIT_CHECKPOINT_MS,
  };
}
