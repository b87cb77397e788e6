import type { EventPublisher } from '@lienthong/bus';
import type { Pool, PoolClient } from 'pg';
import { outboxChannel } from './kit-migrations.ts';
import { silentLogger, type DbLogger } from './logger.ts';
import { deleteRelayed, markRelayed, readBatch, relayBatch } from './outbox-batch.ts';
import { toOutgoingEvent, type OutboxRow } from './outbox.ts';
import { advisoryKey, quoteSchema } from './schema-name.ts';
import { createWakeSignal } from './wake-signal.ts';

export interface OutboxRelayOptions {
  pool: Pool;
  schema: string;
  publisher: EventPublisher;
  /** Rows per publish (default 500). */
  batchSize?: number;
  /** Poll period when no NOTIFY arrives, ms (default 100). */
  pollIntervalMs?: number;
  /** How often a standby relay tries to become the active one, ms (default 1000). */
  standbyIntervalMs?: number;
  /** Pause after a failure (publish or database) before trying again, ms (default 1000). */
  retryDelayMs?: number;
  /** Relayed rows are kept this long after they were written, then deleted, ms (default 7 days). */
  retentionMs?: number;
  /** How often the active relay deletes expired relayed rows, ms (default 1 hour). */
  cleanupIntervalMs?: number;
  logger?: DbLogger;
}

/**
 * Relays active in this process, by database and schema. The session advisory lock does
 * the job across processes; this set does it where that lock cannot (embedded PGlite, one
 * shared session in which advisory locks are re-entrant).
 */
const activeInProcess = new Set<string>();

function relayIdentity(pool: Pool, schema: string): string {
  const o = pool.options;
  return [o.connectionString, o.host, o.port, o.database, schema].map((v) => String(v ?? '')).join('|');
}

/** The relay that carries committed outbox rows to the bus. */
export interface OutboxRelay {
  /** Starts relaying in the background (idempotent). */
  start(): void;
  /** Stops; resolves once the batch in flight is acknowledged and marked, and the lock released. */
  stop(): Promise<void>;
  /** Relays one batch now; 0 when there was nothing to send or another relay is active. */
  relayOnce(): Promise<number>;
}

/**
 * Creates the outbox relay of a schema (transactional outbox, at-least-once). Only one
 * relay per schema is active at a time: it holds a session advisory lock on a dedicated
 * connection; other relays stand by and take over when that connection goes away. The
 * active relay publishes the rows after its watermark in id order, then moves the
 * watermark (`outbox_relayed.up_to`) past them; relayed rows are deleted `retentionMs`
 * after they were written. A crash between publish and mark sends
 * the same events again (same ids): consumers de-duplicate with `handleOnce`. Wakes up on
 * NOTIFY from the outbox insert trigger, and polls every `pollIntervalMs` in any case.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, schema, publisher } = options;
  const quoted = quoteSchema(schema);
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const standbyIntervalMs = options.standbyIntervalMs ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3_600_000;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 3_600_000;
  const relayLockKey = advisoryKey('outbox-relay', schema);
  const identity = relayIdentity(pool, schema);

  const watched = new WeakSet<PoolClient>();
  let running = false;
  let loop: Promise<void> | undefined;
  let leader: PoolClient | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const signal = createWakeSignal();
  const wake = (): void => signal.wake();
  const pause = (ms: number): Promise<void> => (running ? signal.pause(ms) : Promise.resolve());

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  /** Becomes the active relay: the session lock, then the in-process token. */
  async function tryLock(client: PoolClient): Promise<boolean> {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
      relayLockKey,
    ]);
    if (rows[0]?.ok !== true) return false;
    if (!activeInProcess.has(identity)) {
      activeInProcess.add(identity);
      return true;
    }
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [relayLockKey]);
    return false;
  }

  async function unlock(client: PoolClient): Promise<void> {
    activeInProcess.delete(identity);
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [relayLockKey]);
  }

  // The active relay keeps the bus busy: while batch N is in flight it reads N+1 (ids after
  // N's); once N is acknowledged it publishes N+1 at once and marks N while N+1 is in
  // flight. One publish at a time, so the bus gets the rows in id order; a row is marked
  // only after the bus acknowledged it; at most two batches are held in memory.
  let inFlight: { rows: OutboxRow[]; acked: Promise<void> } | undefined;

  function publish(rows: OutboxRow[]): void {
    const acked = publisher.publish(rows.map(toOutgoingEvent));
    acked.catch(() => undefined); // observed by settle() or pipelineStep()
    inFlight = { rows, acked };
  }

  /** Waits for the batch in flight and marks it; rethrows its publish failure. */
  async function settle(client: PoolClient): Promise<number> {
    const batch = inFlight;
    if (!batch) return 0;
    inFlight = undefined;
    await batch.acked;
    await markRelayed(client, quoted, batch.rows);
    return batch.rows.length;
  }

  /** One step of the active relay; the number of rows read (0 when idle). */
  async function pipelineStep(client: PoolClient): Promise<number> {
    const previous = inFlight;
    const rows = await readBatch(client, schema, quoted, batchSize, previous?.rows.at(-1)?.id);
    if (previous) {
      inFlight = undefined;
      await previous.acked;
    }
    if (rows.length > 0) publish(rows);
    if (previous) await markRelayed(client, quoted, previous.rows);
    return rows.length;
  }

  async function lead(client: PoolClient): Promise<void> {
    const onNotification = (msg: { payload?: string | undefined }): void => {
      if (msg.payload === schema) wake();
    };
    client.on('notification', onNotification);
    let lastCleanup = 0;
    try {
      await client.query(`LISTEN ${outboxChannel}`);
      leader = client;
      logger.info({ schema }, 'outbox relay active');
      while (running) {
        const read = await exclusive(() => pipelineStep(client));
        if (Date.now() - lastCleanup >= cleanupIntervalMs) {
          lastCleanup = Date.now();
          const deleted = await exclusive(() => deleteRelayed(client, quoted, retentionMs));
          if (deleted > 0) logger.debug({ schema, deleted }, 'deleted expired relayed outbox rows');
        }
        if (read < batchSize) {
          // Caught up: mark what is in flight now, not after the pause.
          await exclusive(() => settle(client));
          await pause(pollIntervalMs);
        }
      }
      await exclusive(() => settle(client));
    } finally {
      // A relay that takes over must not publish while a publish of ours may still land.
      await inFlight?.acked.catch(() => undefined);
      inFlight = undefined;
      leader = undefined;
      // On failure the caller destroys the connection, which drops the session lock too.
      activeInProcess.delete(identity);
      client.off('notification', onNotification);
    }
    await client.query(`UNLISTEN ${outboxChannel}`);
    await unlock(client);
  }

  async function run(): Promise<void> {
    while (running) {
      let client: PoolClient | undefined;
      let failure: Error | undefined;
      try {
        client = await pool.connect();
        if (!watched.has(client)) {
          // A checked-out client that loses its connection emits 'error'; without a listener that is fatal.
          watched.add(client);
          client.on('error', (err) => logger.warn({ err, schema }, 'outbox relay connection lost'));
        }
        if (await tryLock(client)) {
          await lead(client);
        } else {
          client.release();
          client = undefined;
          await pause(standbyIntervalMs);
        }
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        logger.error({ err, schema }, 'outbox relay failed; retrying');
      } finally {
        // Destroying the connection on failure also drops the session lock.
        client?.release(failure ?? false);
      }
      if (failure) await pause(retryDelayMs * (0.5 + Math.random()));
    }
  }

  async function relayOnce(): Promise<number> {
    if (leader) {
      const client = leader;
      return exclusive(async () => {
        await settle(client);
        return relayBatch(client, schema, quoted, publisher, batchSize);
      });
    }
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      if (!(await tryLock(client))) return 0;
      try {
        return await relayBatch(client, schema, quoted, publisher, batchSize);
      } finally {
        await unlock(client);
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failure ?? false);
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop(): Promise<void> {
      running = false;
      wake();
      await loop;
      loop = undefined;
      await signal.pause(0); // forget a wake-up left over from this run
    },
    relayOnce,
  };
}
