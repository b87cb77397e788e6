/** Configuration of the archive service: the shared variables, port 8083 by default. */
import { loadServiceConfig, serviceConfigSchema } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

export const archiveConfigSchema = serviceConfigSchema({ port: 8083, service: 'archive' });

export type ArchiveConfig = ServiceConfig;

/** Reads and validates the archive configuration from `env`; throws ConfigError. */
export function loadArchiveConfig(env: Env): ArchiveConfig {
  return loadServiceConfig(archiveConfigSchema, env);
}
