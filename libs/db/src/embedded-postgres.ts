import { PGlite } from '@electric-sql/pglite';
import { silentLogger, type DbLogger } from './logger.ts';
import { PgliteMultiplexer } from './pglite-multiplexer.ts';

export interface EmbeddedPostgresOptions {
  /** Folder of the persistent PGlite cluster; created on first start. */
  dataDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (the default) lets the OS choose. */
  port?: number;
  logger?: DbLogger;
}

/** A running embedded Postgres. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@host:port/postgres`, for `DatabaseConfig.url`. */
  url: string;
  /** Closes every connection, then the database (flushed to `dataDir`). */
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres 17 compiled to WebAssembly, one single-user backend) persisted
 * in `dataDir` and serves it over TCP so `pg` pools reach it like a PostgreSQL server.
 * Embedded mode only (`npm start`). Connections share the one backend and take turns
 * per statement or transaction (see pglite-multiplexer.ts). `search_path` is kept per
 * connection and notifications go to the connections that LISTEN on their channel, but
 * other session state is shared: session advisory locks never block another connection.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const db = await PGlite.create({ dataDir: options.dataDir });
  const server = new PgliteMultiplexer(db, options.logger ?? silentLogger);
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop(): Promise<void> {
      await server.close();
      await db.close();
    },
  };
}
