import type { Pool, PoolClient } from 'pg';
import { messageOf } from './errors.ts';
import type { BusLogger } from './logger.ts';

/** A LISTEN connection; `close` gives it back to the pool. */
export interface Listener {
  close(): Promise<void>;
}

const reconnectAfterMs = 5_000;

/**
 * Holds one pooled connection in `LISTEN <channel>` and calls `onTopic` with each
 * notification's payload (a topic). Best effort: when the connection fails it is dropped
 * and retried later; consumers poll meanwhile. (Under PGlite served over a socket, NOTIFY
 * reaches only the notifying connection, so this stays silent and polling does the work.)
 */
export function startListener(
  pool: Pool,
  channel: string,
  onTopic: (topic: string) => void,
  logger: BusLogger,
): Listener {
  let client: PoolClient | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const drop = (err: unknown): void => {
    logger.warn({ err: messageOf(err), channel }, 'bus LISTEN connection lost; polling until it is back');
    const c = client;
    client = undefined;
    c?.release(err instanceof Error ? err : new Error(String(err)));
    if (!closed) retry = setTimeout(() => void connect(), reconnectAfterMs);
  };

  const connect = async (): Promise<void> => {
    try {
      const c = await pool.connect();
      c.on('notification', (n) => {
        if (n.channel === channel && n.payload) onTopic(n.payload);
      });
      c.on('error', drop);
      client = c;
      await c.query(`LISTEN "${channel}"`);
      if (closed) await release();
    } catch (err) {
      drop(err);
    }
  };

  const release = async (): Promise<void> => {
    const c = client;
    client = undefined;
    if (!c) return;
    c.removeAllListeners('notification');
    try {
      await c.query(`UNLISTEN "${channel}"`);
      c.removeListener('error', drop);
      c.release();
    } catch (err) {
      c.release(err instanceof Error ? err : new Error(String(err)));
    }
  };

  void connect();
  return {
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      await release();
    },
  };
}
