/**
 * A service's platform for tests, on a schema of its own: the real PostgreSQL (pool and the
 * service's migrations), the Postgres-backed bus on `<schema>_bus` (its consumers watched for
 * the bus gauges), and a folder store.
 * Assembled here because `connectService` binds the schema to the service name, and tests
 * must not share state. `dropTestSchemas` removes both schemas.
 */
import pg from 'pg';
import { checkDatabase, createPool, migrate } from '@lienthong/db';
import type { Migration } from '@lienthong/db';
import { createPostgresBus, openBusBacklog } from '@lienthong/bus';
import { watchConsumers } from '@lienthong/service';
import { createFolderStore } from '@lienthong/storage';
import type { Logger, Platform } from '@lienthong/service';
import { dropSchema, testEnv } from './env.ts';

/** Connects a platform on `schema`, migrated with `migrations`, keeping objects in `storageDir`. */
export async function connectTestPlatform(
  schema: string,
  migrations: Migration[],
  logger: Logger,
  storageDir: string,
): Promise<Platform> {
  const pool = createPool({ url: testEnv.databaseUrl, schema });
  await migrate(pool, schema, migrations, logger);
  const busPool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 2 });
  const log = createPostgresBus({ pool: busPool, schema: `${schema}_bus`, listen: false });
  const { bus, backlog } = watchConsumers(
    log,
    openBusBacklog({ transport: 'postgres', pool: busPool, schema: `${schema}_bus` }),
  );
  return {
    pool,
    bus,
    backlog,
    store: createFolderStore({ dir: storageDir }),
    checks: [{ name: 'database', check: () => checkDatabase(pool) }],
    close: async () => {
      await bus.close();
      await busPool.end();
      await pool.end();
    },
  };
}

/** Drops a test's schemas (the service's and its bus's). */
export async function dropTestSchemas(schema: string): Promise<void> {
  await dropSchema(schema);
  await dropSchema(`${schema}_bus`);
}
