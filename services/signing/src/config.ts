/** Configuration of the signing service: the shared variables, port 8082 by default. */
import { loadServiceConfig, serviceConfigSchema } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

export const signingConfigSchema = serviceConfigSchema({ port: 8082 });

export type SigningConfig = ServiceConfig;

/** Reads and validates the signing configuration from `env`; throws ConfigError. */
export function loadSigningConfig(env: Env): SigningConfig {
  return loadServiceConfig(signingConfigSchema, env);
}
