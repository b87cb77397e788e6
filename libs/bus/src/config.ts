import type { Pool } from 'pg';
import { createKafkaBus } from './kafka-bus.ts';
import type { BusLogger } from './logger.ts';
import { createPostgresBus } from './postgres-bus.ts';
import type { EventBus } from './types.ts';

/**
 * Which transport a service uses, as its config loader decided: Kafka in the real mode,
 * the Postgres-backed log in the embedded mode (see DESIGN "Running modes").
 */
export type BusConfig =
  { transport: 'kafka'; brokers: string[]; clientId: string } | { transport: 'postgres'; pool: Pool; schema?: string };

/** Creates the bus the config names. */
export function createBus(config: BusConfig, logger?: BusLogger): EventBus {
  switch (config.transport) {
    case 'kafka':
      return createKafkaBus({ brokers: config.brokers, clientId: config.clientId, ...(logger ? { logger } : {}) });
    case 'postgres':
      return createPostgresBus({
        pool: config.pool,
        ...(config.schema ? { schema: config.schema } : {}),
        ...(logger ? { logger } : {}),
      });
  }
}
