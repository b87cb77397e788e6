/** Configuration of the delivery service: the shared variables, port 8084 by default. */
import { loadServiceConfig, serviceConfigSchema } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

export const deliveryConfigSchema = serviceConfigSchema({ port: 8084, service: 'delivery' });

export type DeliveryConfig = ServiceConfig;

/** Reads and validates the delivery configuration from `env`; throws ConfigError. */
export function loadDeliveryConfig(env: Env): DeliveryConfig {
  return loadServiceConfig(deliveryConfigSchema, env);
}
