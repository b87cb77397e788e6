/**
 * Configuration of the delivery service: the shared variables (port 8084 by default),
 * `LIENTHONG_DELIVERY_INTAKE_URL` (intake, whose incoming register numbers an accepted
 * document; without it acceptance answers 503), and `LIENTHONG_DELIVERY_TOPIC_NAMESPACE`
 * (a prefix of every topic and consumer group the service uses, so that several
 * installations, or test runs, share one Kafka cluster without seeing each other's events).
 * The `LIENTHONG_DELIVERY_WEBHOOK_*` variables: the key that seals webhook secrets (without
 * it webhooks are off), which targets are allowed, and the dispatcher's timing.
 * `LIENTHONG_DELIVERY_OVERDUE_SWEEP_MS`: how often overdue answers are looked for.
 * `LIENTHONG_DELIVERY_SIGNING_URL`, `_EVIDENCE_KEY` (`_KEY_ID`), `_TSA_URL` and their timing:
 * how evidence is sealed and time-stamped (without the first two, rows wait unsealed).
 * `LIENTHONG_DELIVERY_EVIDENCE_BUCKET`: where each delivery's stamped evidence of a batch is
 * written for the archive.
 */
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig, Static } from '@lienthong/service';

export const deliveryConfigSchema = serviceConfigSchema(
  { port: 8084, service: 'delivery' },
  {
    LIENTHONG_DELIVERY_INTAKE_URL: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
        expected: 'an http:// or https:// URL without query or credentials (the intake service)',
      }),
    ),
    LIENTHONG_DELIVERY_TOPIC_NAMESPACE: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
        expected: 'a prefix of lower-case letters, digits, _ and - (at most 63)',
      }),
    ),
    LIENTHONG_DELIVERY_WEBHOOK_KEY: Type.Optional(
      Type.String({
        minLength: 32,
        secret: true,
        expected: 'a random key of at least 32 characters (seals the webhook secrets at rest)',
      }),
    ),
    LIENTHONG_DELIVERY_WEBHOOK_ALLOW_HTTP: Type.Boolean({ default: false }),
    LIENTHONG_DELIVERY_WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
    LIENTHONG_DELIVERY_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
    LIENTHONG_DELIVERY_WEBHOOK_RETRY_MIN_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 5_000 }),
    LIENTHONG_DELIVERY_WEBHOOK_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 3_600_000 }),
    LIENTHONG_DELIVERY_WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    LIENTHONG_DELIVERY_WEBHOOK_MAX_AGE_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 86_400 }),
    LIENTHONG_DELIVERY_WEBHOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
    LIENTHONG_DELIVERY_WEBHOOK_ROTATION_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 604_800, default: 86_400 }),
    LIENTHONG_DELIVERY_WEBHOOK_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
    LIENTHONG_DELIVERY_OVERDUE_SWEEP_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
    LIENTHONG_DELIVERY_SIGNING_URL: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
        expected: 'an http:// or https:// URL without query or credentials (the signing service)',
      }),
    ),
    LIENTHONG_DELIVERY_EVIDENCE_KEY: Type.Optional(
      Type.String({
        pattern: '^\\s*-----BEGIN PRIVATE KEY-----[\\s\\S]+-----END PRIVATE KEY-----\\s*$',
        secret: true,
        expected: 'a PKCS#8 PEM private key (Ed25519 or P-256) whose public key signing lists',
      }),
    ),
    LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', expected: 'a JWK kid (letters, digits, . _ -)' }),
    ),
    LIENTHONG_DELIVERY_TSA_URL: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
        expected: "an http:// or https:// URL of an RFC 3161 TSA (default: the signing service's /v1/tsa)",
      }),
    ),
    LIENTHONG_DELIVERY_EVIDENCE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 300_000, default: 30_000 }),
    LIENTHONG_DELIVERY_EVIDENCE_POLL_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 1_000 }),
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MIN_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 5_000 }),
    LIENTHONG_DELIVERY_EVIDENCE_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 300_000 }),
    LIENTHONG_DELIVERY_TSA_RETRY_MIN_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 5_000 }),
    LIENTHONG_DELIVERY_TSA_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 300_000 }),
    LIENTHONG_DELIVERY_EVIDENCE_BUCKET: Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      default: 'lienthong-delivery-evidence',
      expected: "an S3 bucket name (where each delivery's stamped evidence is written for the archive)",
    }),
  },
);

/** How webhooks are sent (README "Webhooks"). */
export interface WebhookConfig {
  /** Seals secrets at rest; undefined: webhooks are off (the routes answer 503). Not enumerable. */
  readonly key: string | undefined;
  readonly allowHttp: boolean;
  readonly allowPrivate: boolean;
  readonly timeoutMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly maxAttempts: number;
  readonly maxAgeSeconds: number;
  /** Requests in flight per office (per process). */
  readonly concurrency: number;
  readonly rotationGraceSeconds: number;
  readonly pollMs: number;
}

/** How evidence is sealed and time-stamped (README "Evidence"). */
export interface EvidenceConfig {
  /** Signing's base URL (no trailing slash); undefined: no sealing. */
  readonly signingUrl: string | undefined;
  /** Delivery's own PKCS#8 PEM key for its service tokens; undefined: no sealing. Not enumerable. */
  readonly key: string | undefined;
  readonly keyId: string | undefined;
  /** The RFC 3161 TSA; undefined when there is no signing URL either. */
  readonly tsaUrl: string | undefined;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly tsaRetryMinMs: number;
  readonly tsaRetryMaxMs: number;
  /** The bucket (versioned, created at start) of the stamped parts, one object per delivery and batch. */
  readonly bucket: string;
}

/** The delivery configuration. */
export type DeliveryConfig = ServiceConfig & {
  /** Intake's base URL (no trailing slash); undefined: acceptance answers 503. */
  readonly intakeUrl: string | undefined;
  /** Prefix of topics and groups (`<namespace>.lienthong.document.issued.v1`); '' for none. */
  readonly topicNamespace: string;
  readonly webhooks: WebhookConfig;
  /** How often the overdue sweep looks for legs whose deadline passed with no answer. */
  readonly overdueSweepMs: number;
  readonly evidence: EvidenceConfig;
};

/** Reads and validates the delivery configuration from `env`; throws ConfigError. */
export function loadDeliveryConfig(env: Env): DeliveryConfig {
  const values = loadConfig(deliveryConfigSchema, env);
  return {
    ...toServiceConfig(values),
    intakeUrl: values.LIENTHONG_DELIVERY_INTAKE_URL?.replace(/\/+$/, ''),
    topicNamespace: values.LIENTHONG_DELIVERY_TOPIC_NAMESPACE ?? '',
    webhooks: webhookConfigOf(values),
    overdueSweepMs: values.LIENTHONG_DELIVERY_OVERDUE_SWEEP_MS,
    evidence: evidenceConfigOf(values),
  };
}

function evidenceConfigOf(values: Static<typeof deliveryConfigSchema>): EvidenceConfig {
  const signingUrl = values.LIENTHONG_DELIVERY_SIGNING_URL?.replace(/\/+$/, '');
  const tsaUrl = values.LIENTHONG_DELIVERY_TSA_URL ?? (signingUrl === undefined ? undefined : `${signingUrl}/v1/tsa`);
  const evidence = {
    signingUrl,
    keyId: values.LIENTHONG_DELIVERY_EVIDENCE_KEY_ID,
    tsaUrl,
    timeoutMs: values.LIENTHONG_DELIVERY_EVIDENCE_TIMEOUT_MS,
    pollMs: values.LIENTHONG_DELIVERY_EVIDENCE_POLL_MS,
    retryMinMs: values.LIENTHONG_DELIVERY_EVIDENCE_RETRY_MIN_MS,
    retryMaxMs: Math.max(
      values.LIENTHONG_DELIVERY_EVIDENCE_RETRY_MIN_MS,
      values.LIENTHONG_DELIVERY_EVIDENCE_RETRY_MAX_MS,
    ),
    tsaRetryMinMs: values.LIENTHONG_DELIVERY_TSA_RETRY_MIN_MS,
    tsaRetryMaxMs: Math.max(values.LIENTHONG_DELIVERY_TSA_RETRY_MIN_MS, values.LIENTHONG_DELIVERY_TSA_RETRY_MAX_MS),
    bucket: values.LIENTHONG_DELIVERY_EVIDENCE_BUCKET,
  } as EvidenceConfig;
  // Not enumerable, as the webhook key: a logged or serialised config does not carry it.
  Object.defineProperty(evidence, 'key', { value: values.LIENTHONG_DELIVERY_EVIDENCE_KEY, enumerable: false });
  return evidence;
}

function webhookConfigOf(values: Static<typeof deliveryConfigSchema>): WebhookConfig {
  const webhooks = {
    allowHttp: values.LIENTHONG_DELIVERY_WEBHOOK_ALLOW_HTTP,
    allowPrivate: values.LIENTHONG_DELIVERY_WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: values.LIENTHONG_DELIVERY_WEBHOOK_TIMEOUT_MS,
    retryMinMs: values.LIENTHONG_DELIVERY_WEBHOOK_RETRY_MIN_MS,
    retryMaxMs: Math.max(
      values.LIENTHONG_DELIVERY_WEBHOOK_RETRY_MIN_MS,
      values.LIENTHONG_DELIVERY_WEBHOOK_RETRY_MAX_MS,
    ),
    maxAttempts: values.LIENTHONG_DELIVERY_WEBHOOK_MAX_ATTEMPTS,
    maxAgeSeconds: values.LIENTHONG_DELIVERY_WEBHOOK_MAX_AGE_SECONDS,
    concurrency: values.LIENTHONG_DELIVERY_WEBHOOK_CONCURRENCY,
    rotationGraceSeconds: values.LIENTHONG_DELIVERY_WEBHOOK_ROTATION_GRACE_SECONDS,
    pollMs: values.LIENTHONG_DELIVERY_WEBHOOK_POLL_MS,
  } as WebhookConfig;
  // Not enumerable: a config object that gets logged or serialised does not carry the key.
  Object.defineProperty(webhooks, 'key', { value: values.LIENTHONG_DELIVERY_WEBHOOK_KEY, enumerable: false });
  return webhooks;
}
