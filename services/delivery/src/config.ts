/**
 * Configuration of the delivery service: the shared variables (port 8084 by default),
 * `LIENTHONG_DELIVERY_INTAKE_URL` (intake, whose incoming register numbers an accepted
 * document; without it acceptance answers 503), and `LIENTHONG_DELIVERY_TOPIC_NAMESPACE`
 * (a prefix of every topic and consumer group the service uses, so that several
 * installations, or test runs, share one Kafka cluster without seeing each other's events).
 */
import { loadConfig, serviceConfigSchema, toServiceConfig, Type } from '@lienthong/service';
import type { Env, ServiceConfig } from '@lienthong/service';

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
  },
);

/** The delivery configuration. */
export type DeliveryConfig = ServiceConfig & {
  /** Intake's base URL (no trailing slash); undefined: acceptance answers 503. */
  readonly intakeUrl: string | undefined;
  /** Prefix of topics and groups (`<namespace>.lienthong.document.issued.v1`); '' for none. */
  readonly topicNamespace: string;
};

/** Reads and validates the delivery configuration from `env`; throws ConfigError. */
export function loadDeliveryConfig(env: Env): DeliveryConfig {
  const values = loadConfig(deliveryConfigSchema, env);
  return {
    ...toServiceConfig(values),
    intakeUrl: values.LIENTHONG_DELIVERY_INTAKE_URL?.replace(/\/+$/, ''),
    topicNamespace: values.LIENTHONG_DELIVERY_TOPIC_NAMESPACE ?? '',
  };
}
