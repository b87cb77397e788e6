/**
 * Configuration of the intake service: the shared variables (port 8081 by default), and
 * for submitted documents `LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES` (the largest PDF, default
 * 200 MB), `LIENTHONG_INTAKE_DOCUMENT_BUCKET` (where the PDFs are kept, default
 * `intake-documents`), `LIENTHONG_INTAKE_WORKERS`, `_WORKER_MEMORY_MB` and `_JOB_TIME_LIMIT_MS` (the
 * worker threads that open each uploaded PDF off the event loop, documents/pdf-pool.ts), and
 * `LIENTHONG_INTAKE_SIGNING_URL` (the signing service that signs and seals documents on
 * behalf of the caller; without it the sign and issue routes answer 503), and
 * `LIENTHONG_INTAKE_SEALS_PER_CALLER` and `_SEAL_QUEUE_PER_CALLER` (how many of one caller's
 * signatures and seals run at once and wait, issue/caller-gate.ts), and
 * `LIENTHONG_INTAKE_TOPIC_NAMESPACE` (a prefix of the topics its events go to, as delivery's
 * and the archive's namespaces; event-topics.ts).
 */
import { availableParallelism } from 'node:os';
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

/** The default largest submitted PDF: 200 MB. */
export const defaultMaxDocumentBytes = 200 * 1024 * 1024;

export const intakeConfigSchema = serviceConfigSchema(
  { port: 8081, service: 'intake' },
  {
    LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES: Type.Integer({
      minimum: 1024,
      maximum: 2 ** 40,
      default: defaultMaxDocumentBytes,
      expected: 'an integer 1024-2^40 (bytes of the largest PDF a document may have)',
    }),
    LIENTHONG_INTAKE_DOCUMENT_BUCKET: Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      default: 'intake-documents',
      expected: 'an S3 bucket name (the bucket of submitted PDFs)',
    }),
    LIENTHONG_INTAKE_WORKERS: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, expected: 'an integer 1-64 (worker threads)' }),
    ),
    LIENTHONG_INTAKE_WORKER_MEMORY_MB: Type.Integer({
      minimum: 16,
      maximum: 16_384,
      default: 256,
      expected: "an integer 16-16384 (MB of each worker's V8 old generation)",
    }),
    LIENTHONG_INTAKE_JOB_TIME_LIMIT_MS: Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: 60_000,
      expected: 'an integer 1-3600000 (ms a PDF check may run in a worker)',
    }),
    LIENTHONG_INTAKE_SIGNING_URL: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
        expected: 'an http:// or https:// URL without query or credentials (the signing service)',
      }),
    ),
    LIENTHONG_INTAKE_SEALS_PER_CALLER: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 2,
      expected: "an integer 1-64 (one caller's signatures running at once; signing's uploads per caller)",
    }),
    LIENTHONG_INTAKE_TOPIC_NAMESPACE: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
        expected: 'a prefix of lower-case letters, digits, _ and - (at most 63)',
      }),
    ),
    LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      default: 100,
      expected: "an integer 0-10000 (one caller's signatures waiting; beyond: 503)",
    }),
  },
);

/** How the PDF-checking worker threads are sized. */
export interface IntakeWorkerConfig {
  readonly size: number;
  readonly memoryMb: number;
  readonly timeLimitMs: number;
}

/** The intake configuration. */
export type IntakeConfig = ServiceConfig & {
  /** The largest PDF a submitted document may have, in bytes (413 beyond it). */
  readonly maxDocumentBytes: number;
  /** The bucket of submitted PDFs (created at start, without Object Lock). */
  readonly documentBucket: string;
  readonly workers: IntakeWorkerConfig;
  /** The signing service's base URL (no trailing slash); undefined: signing and issue answer 503. */
  readonly signingUrl: string | undefined;
  /** How many of one caller's signatures and seals run at once, and wait (issue/caller-gate.ts). */
  readonly seals: { readonly perCaller: number; readonly queuePerCaller: number };
  /** Prefix of the topics of its events (`<namespace>.lienthong.document.issued.v1`); '' for none. */
  readonly topicNamespace: string;
};

/** Reads and validates the intake configuration from `env`; throws ConfigError. */
export function loadIntakeConfig(env: Env): IntakeConfig {
  const values = loadConfig(intakeConfigSchema, env);
  return {
    ...toServiceConfig(values),
    maxDocumentBytes: values.LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES,
    documentBucket: values.LIENTHONG_INTAKE_DOCUMENT_BUCKET,
    workers: {
      size: values.LIENTHONG_INTAKE_WORKERS ?? Math.min(2, availableParallelism()),
      memoryMb: values.LIENTHONG_INTAKE_WORKER_MEMORY_MB,
      timeLimitMs: values.LIENTHONG_INTAKE_JOB_TIME_LIMIT_MS,
    },
    signingUrl: values.LIENTHONG_INTAKE_SIGNING_URL?.replace(/\/+$/, ''),
    seals: {
      perCaller: values.LIENTHONG_INTAKE_SEALS_PER_CALLER,
      queuePerCaller: values.LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER,
    },
    topicNamespace: values.LIENTHONG_INTAKE_TOPIC_NAMESPACE ?? '',
  };
}
