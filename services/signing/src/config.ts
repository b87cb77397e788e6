/**
 * Configuration of the signing service: the shared variables (port 8082 by default) and
 * `LIENTHONG_SIGNING_KEK`, the passphrase that encrypts the service's private keys at rest
 * (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958 §3). The KEK is secret: it never appears in
 * error messages or logs, and it is never stored beside the keys.
 */
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

/** The smallest accepted key-encryption passphrase, in characters. */
export const minKekLength = 32;

export const signingConfigSchema = serviceConfigSchema({ port: 8082 }, {
  LIENTHONG_SIGNING_KEK: Type.String({
    minLength: minKekLength,
    secret: true,
    expected: `a key-encryption passphrase of at least ${minKekLength} characters`,
  }),
});

/** The signing service's configuration: the shared one plus the key-encryption key. */
export type SigningConfig = ServiceConfig & {
  /** Passphrase for the private keys at rest (never logged, never returned). */
  readonly kek: string;
};

/** Reads and validates the signing configuration from `env`; throws ConfigError. */
export function loadSigningConfig(env: Env): SigningConfig {
  const values = loadConfig(signingConfigSchema, env);
  const base = toServiceConfig(values);
  // Not enumerable: a config object that gets logged or serialised does not carry the KEK.
  return Object.defineProperty({ ...base }, 'kek', { value: values.LIENTHONG_SIGNING_KEK, enumerable: false }) as SigningConfig;
}
