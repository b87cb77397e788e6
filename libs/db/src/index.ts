/**
 * `@lienthong/db`: Postgres as every service uses it — a pool bound to the service's
 * schema, migrations, transactions with retry, the transactional outbox and its relay,
 * idempotent consumption, and the embedded Postgres of `npm start`.
 */
export type { DatabaseConfig, Migration, OutboxEvent, Pool, PoolClient } from './types.ts';
export { dbErrors, DbError, isDbError, type DbErrorCode } from './errors.ts';
export { silentLogger, type DbLogger } from './logger.ts';
export { quoteSchema } from './schema-name.ts';
export { createPool, checkDatabase, schemaOf, type PoolOptions } from './pool.ts';
export { migrate, migrationChecksum } from './migrate.ts';
export { kitMigrations, outboxChannel } from './kit-migrations.ts';
export {
  withTransaction,
  isRetryableTransactionError,
  type IsolationLevel,
  type TransactionOptions,
} from './transaction.ts';
export { enqueueEvents } from './outbox.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { outboxBacklog } from './outbox-batch.ts';
export { outboxStatus, outboxCountLimit, type OutboxStatus } from './outbox-status.ts';
export { handleOnce, handleOnceBatch } from './processed-events.ts';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.ts';
