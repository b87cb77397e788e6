/**
 * Configuration of the signing service: the shared variables (port 8082 by default),
 * `LIENTHONG_SIGNING_KEK`, the passphrase that encrypts the service's private keys at rest
 * (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958 §3), and optionally a PKCS#11 token (an HSM)
 * that holds office seal keys. The KEK and the token PIN are secret: they never appear in
 * error messages or logs, and they are never stored beside the keys.
 * `LIENTHONG_SIGNING_PUBLIC_URL`, when set, is where outside validators reach this service:
 * certificates the local CA issues then point there for their CRL, OCSP and issuer
 * (RFC 5280 §4.2.1.13, §4.2.2.1). `LIENTHONG_SIGNING_OFFICES_FILE` names the JSON file of the
 * offices the CA certifies (read and checked at start). `LIENTHONG_SIGNING_WORKERS`,
 * `_WORKER_MEMORY_MB`, `_JOB_TIME_LIMIT_MS` and `_JOB_QUEUE` size the worker threads that
 * parse and judge uploaded PDFs and CMS off the event loop (workers/parsing-pool.ts).
 * `LIENTHONG_SIGNING_EVIDENCE_JWKS` is the public JWK set (RFC 7517 §5) of the delivery
 * service's own token key: the tokens it signs are good for `POST /v1/evidence/signatures`
 * only (signing/evidence-sealing.ts); absent, that route answers 503.
 * `LIENTHONG_SIGNING_ARCHIVE_JWKS` is the public JWK set of the archive service's own token
 * key: its tokens are good for `POST /v1/verify/pdf` and `POST /v1/tsa` only
 * (signing/archive-tokens.ts); absent, the archive's tokens are refused everywhere.
 * `LIENTHONG_SIGNING_TOPIC_NAMESPACE` prefixes the topic and consumer group of intake's
 * directory it reads (`<namespace>.lienthong.directory.changed.v1`), as intake's namespace.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, parseJwks, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { AuthKeySet, Env, ServiceConfig } from '@lienthong/service';

/** The smallest accepted key-encryption passphrase, in characters. */
export const minKekLength = 32;

// Scheme, a host (no credentials), an optional path; no whitespace, query or fragment.
const publicUrlPattern = '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$';
const publicUrlExpected =
  'an absolute http:// or https:// URL without credentials, query or fragment (e.g. https://ky-so.example.vn)';

export const signingConfigSchema = serviceConfigSchema(
  { port: 8082, service: 'signing' },
  {
    LIENTHONG_SIGNING_KEK: Type.String({
      minLength: minKekLength,
      secret: true,
      expected: `a key-encryption passphrase of at least ${minKekLength} characters`,
    }),
    LIENTHONG_SIGNING_TRUST_ANCHORS_FILE: Type.Optional(
      Type.String({
        minLength: 1,
        expected: 'the path of a PEM file of CA certificates to trust besides the local root',
      }),
    ),
    LIENTHONG_SIGNING_OFFICES_FILE: Type.Optional(
      Type.String({
        minLength: 1,
        expected: 'the path of the JSON file of the offices the CA certifies',
      }),
    ),
    LIENTHONG_SIGNING_PKCS11_MODULE: Type.Optional(
      Type.String({ minLength: 1, expected: 'the path of a PKCS#11 module (.so)' }),
    ),
    LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    LIENTHONG_SIGNING_PKCS11_PIN: Type.Optional(Type.String({ minLength: 1, secret: true })),
    LIENTHONG_SIGNING_PUBLIC_URL: Type.Optional(
      Type.String({ pattern: publicUrlPattern, expected: publicUrlExpected }),
    ),
    LIENTHONG_SIGNING_EVIDENCE_JWKS: Type.Optional(
      Type.String({
        minLength: 1,
        expected: "the public JWK set (RFC 7517 §5, JSON) of the delivery service's evidence token key",
      }),
    ),
    LIENTHONG_SIGNING_ARCHIVE_JWKS: Type.Optional(
      Type.String({
        minLength: 1,
        expected: "the public JWK set (RFC 7517 §5, JSON) of the archive service's token key",
      }),
    ),
    LIENTHONG_SIGNING_TOPIC_NAMESPACE: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
        expected: 'a prefix of lower-case letters, digits, _ and - (at most 63)',
      }),
    ),
    LIENTHONG_SIGNING_UPLOADS_PER_CALLER: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
    LIENTHONG_SIGNING_ROOT_CRL_DAYS: Type.Integer({
      minimum: 30,
      maximum: 3650,
      default: 365,
      expected: "an integer 30-3650 (days between thisUpdate and nextUpdate of the root's pre-issued CRL)",
    }),
    LIENTHONG_SIGNING_WORKERS: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, expected: 'an integer 1-64 (worker threads)' }),
    ),
    LIENTHONG_SIGNING_WORKER_MEMORY_MB: Type.Integer({
      minimum: 16,
      maximum: 16_384,
      default: 256,
      expected: "an integer 16-16384 (MB of each worker's V8 old generation)",
    }),
    LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS: Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: 60_000,
      expected: 'an integer 1-3600000 (ms a job may run in a worker)',
    }),
    LIENTHONG_SIGNING_JOB_QUEUE: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      default: 64,
      expected: 'an integer 0-10000 (jobs that may wait for a worker)',
    }),
  },
);

/** Where the PKCS#11 token is (when one is configured). */
export interface Pkcs11Config {
  modulePath: string;
  tokenLabel: string;
}

/** The worker threads that parse and judge uploads (workers/parsing-pool.ts). */
export interface WorkerConfig {
  /** Threads at most (default min(2, available parallelism)). */
  readonly size: number;
  /** Each thread's V8 old-generation limit, MB. */
  readonly memoryMb: number;
  /** Longest a job may run on a thread, ms. */
  readonly timeLimitMs: number;
  /** Jobs that may wait for a thread; beyond it 503 PARSING_QUEUE_FULL. */
  readonly queueLimit: number;
}

/** The signing service's configuration: the shared one plus the key-encryption key. */
export type SigningConfig = ServiceConfig & {
  /** Passphrase for the private keys at rest (never logged, never returned). */
  readonly kek: string;
  /** A PEM bundle of further trust anchors for verification (e.g. the Government Cipher Committee's root CA). */
  readonly trustAnchorsFile?: string;
  /** The JSON file of the registered offices (identity/office-file.ts), read at start. */
  readonly officesFile?: string;
  /** The token for seal keys, when configured; its PIN is `pkcs11Pin` (not enumerable). */
  readonly pkcs11?: Pkcs11Config;
  readonly pkcs11Pin?: string;
  /**
   * The service's public base URL, normalised (WHATWG URL: IDN host in punycode, path
   * percent-encoded, so it fits an IA5String) and without a trailing slash. When set, the
   * local CA writes it into the certificates it issues (see ca/public-urls.ts).
   */
  readonly publicUrl?: string;
  /** PDF uploads one caller (subject of an office) may have in flight at once; the next gets 429. */
  readonly uploadsPerCaller: number;
  /** How long each CRL of the root is valid (nextUpdate − thisUpdate), days: it is pre-issued so that the root key stays offline. */
  readonly rootCrlDays: number;
  readonly workers: WorkerConfig;
  /**
   * The keys of the delivery service's evidence tokens (`LIENTHONG_SIGNING_EVIDENCE_JWKS`),
   * good for `POST /v1/evidence/signatures` only; absent: that route answers 503.
   */
  readonly evidenceKeys?: AuthKeySet;
  /**
   * The keys of the archive service's tokens (`LIENTHONG_SIGNING_ARCHIVE_JWKS`), good for
   * `POST /v1/verify/pdf` and `POST /v1/tsa` only; absent: refused everywhere.
   */
  readonly archiveKeys?: AuthKeySet;
  /** Prefix of the directory's topic and group (`<namespace>.lienthong.directory.changed.v1`); '' for none. */
  readonly topicNamespace: string;
};

/** Reads a JWK set variable (libs/service `parseJwks`); throws ConfigError saying what is wrong. */
function evidenceKeysOf(
  jwks: string | undefined,
  variable = 'LIENTHONG_SIGNING_EVIDENCE_JWKS',
): AuthKeySet | undefined {
  if (jwks === undefined) return undefined;
  try {
    return parseJwks(jwks);
  } catch (error) {
    throw new ConfigError([{ variable, problem: (error as Error).message }]);
  }
}

/**
 * The normalised form of `LIENTHONG_SIGNING_PUBLIC_URL` (already matched by the schema's
 * pattern): parsed as a WHATWG URL, trailing slashes trimmed. Throws ConfigError when the
 * URL does not parse (a port over 65535, a bad IPv6 literal, …).
 */
export function normalisePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError([
      {
        variable: 'LIENTHONG_SIGNING_PUBLIC_URL',
        problem: `must be ${publicUrlExpected} (got ${JSON.stringify(value)})`,
      },
    ]);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Reads and validates the signing configuration from `env`; throws ConfigError. */
export function loadSigningConfig(env: Env): SigningConfig {
  const values = loadConfig(signingConfigSchema, env);
  const base = toServiceConfig(values);
  const {
    LIENTHONG_SIGNING_PKCS11_MODULE: modulePath,
    LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL: tokenLabel,
    LIENTHONG_SIGNING_PKCS11_PIN: pin,
  } = values;
  if (modulePath !== undefined && (tokenLabel === undefined || pin === undefined)) {
    throw new ConfigError([
      ...(tokenLabel === undefined
        ? [
            {
              variable: 'LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL',
              problem: 'is required with LIENTHONG_SIGNING_PKCS11_MODULE',
            },
          ]
        : []),
      ...(pin === undefined
        ? [{ variable: 'LIENTHONG_SIGNING_PKCS11_PIN', problem: 'is required with LIENTHONG_SIGNING_PKCS11_MODULE' }]
        : []),
    ]);
  }
  const evidenceKeys = evidenceKeysOf(values.LIENTHONG_SIGNING_EVIDENCE_JWKS);
  const archiveKeys = evidenceKeysOf(values.LIENTHONG_SIGNING_ARCHIVE_JWKS, 'LIENTHONG_SIGNING_ARCHIVE_JWKS');
  const config = {
    ...base,
    rootCrlDays: values.LIENTHONG_SIGNING_ROOT_CRL_DAYS,
    ...(values.LIENTHONG_SIGNING_TRUST_ANCHORS_FILE === undefined
      ? {}
      : { trustAnchorsFile: values.LIENTHONG_SIGNING_TRUST_ANCHORS_FILE }),
    ...(values.LIENTHONG_SIGNING_OFFICES_FILE === undefined
      ? {}
      : { officesFile: values.LIENTHONG_SIGNING_OFFICES_FILE }),
    ...(modulePath === undefined || tokenLabel === undefined ? {} : { pkcs11: { modulePath, tokenLabel } }),
    ...(values.LIENTHONG_SIGNING_PUBLIC_URL === undefined
      ? {}
      : { publicUrl: normalisePublicUrl(values.LIENTHONG_SIGNING_PUBLIC_URL) }),
    ...(evidenceKeys === undefined ? {} : { evidenceKeys }),
    ...(archiveKeys === undefined ? {} : { archiveKeys }),
    uploadsPerCaller: values.LIENTHONG_SIGNING_UPLOADS_PER_CALLER,
    topicNamespace: values.LIENTHONG_SIGNING_TOPIC_NAMESPACE ?? '',
    workers: {
      size: values.LIENTHONG_SIGNING_WORKERS ?? Math.min(2, availableParallelism()),
      memoryMb: values.LIENTHONG_SIGNING_WORKER_MEMORY_MB,
      timeLimitMs: values.LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS,
      queueLimit: values.LIENTHONG_SIGNING_JOB_QUEUE,
    },
  };
  // Not enumerable: a config object that gets logged or serialised carries neither the KEK nor the PIN.
  Object.defineProperty(config, 'kek', { value: values.LIENTHONG_SIGNING_KEK, enumerable: false });
  if (pin !== undefined) Object.defineProperty(config, 'pkcs11Pin', { value: pin, enumerable: false });
  return config as SigningConfig;
}
