/** Configuration of the intake service: the shared variables, port 8081 by default. */
import { loadServiceConfig, serviceConfigSchema } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

export const intakeConfigSchema = serviceConfigSchema({ port: 8081, service: 'intake' });

export type IntakeConfig = ServiceConfig;

/** Reads and validates the intake configuration from `env`; throws ConfigError. */
export function loadIntakeConfig(env: Env): IntakeConfig {
  return loadServiceConfig(intakeConfigSchema, env);
}
