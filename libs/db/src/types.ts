/**
 * Postgres as every service uses it: one pool per service, bound to the service's own
 * schema (no service reads another's tables), versioned migrations run at start, a
 * transaction helper, and the outbox that carries state changes to the event bus.
 */
import type { Pool, PoolClient } from 'pg';
import type { OutgoingEvent } from '@lienthong/bus';

export type { Pool, PoolClient };

export interface DatabaseConfig {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** The service's schema; created when missing and first on the search_path. */
  schema: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** One versioned migration. Ids sort in the order they run (`0001_outbox`, `0002_…`). */
export interface Migration {
  id: string;
  sql: string;
}

/** A row of the outbox: written in the caller's transaction, relayed later in id order. */
export type OutboxEvent = OutgoingEvent;
