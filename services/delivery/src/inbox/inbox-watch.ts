/**
 * What wakes inbox streams when a document is consigned: the consignment's own process at
 * once (`wake`), other processes through Postgres `NOTIFY delivery_inbox '<recipient>'`
 * (one pooled connection in LISTEN), and, because NOTIFY does not cross connections under
 * PGlite served over a socket (the embedded mode), a poll of the latest consignment order
 * every `pollMs` while any stream is open. A spurious wake costs a stream one empty query.
 */
import type { Pool, PoolClient } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { latestInboxSeq } from '../deliveries/leg-repository.ts';

/** The NOTIFY channel of consignments; the payload is the recipient office. */
export const inboxChannel = 'delivery_inbox';

/** Wakes the streams of an office when its inbox may hold something new. */
export interface InboxWatch {
  /** Calls `onChange` whenever `recipient`'s inbox may have changed; returns the unsubscribe. */
  watch(recipient: string, onChange: () => void): () => void;
  /** Wakes `recipient`'s streams (from the consignment in this process). */
  wake(recipient: string): void;
  close(): Promise<void>;
}

/** Starts the watch on `pool`. */
export function startInboxWatch(pool: Pool, logger: Pick<Logger, 'warn'>, pollMs = 500): InboxWatch {
  const watchers = new Map<string, Set<() => void>>();
  let listener: PoolClient | undefined;
  let lastSeq: number | undefined;
  let closed = false;
  const wake = (recipient: string): void => {
    for (const onChange of watchers.get(recipient) ?? []) onChange();
  };
  const wakeAll = (): void => {
    for (const set of watchers.values()) for (const onChange of set) onChange();
  };

  const listen = async (): Promise<void> => {
    try {
      const client = await pool.connect();
      client.on('notification', (n) => {
        if (n.channel === inboxChannel && n.payload) wake(n.payload);
      });
      client.on('error', (err) => logger.warn({ err }, 'delivery: inbox LISTEN lost; polling only'));
      await client.query(`LISTEN ${inboxChannel}`);
      listener = client;
      if (closed) await unlisten();
    } catch (err) {
      logger.warn({ err }, 'delivery: inbox LISTEN failed; polling only');
    }
  };
  const unlisten = async (): Promise<void> => {
    const client = listener;
    listener = undefined;
    if (client === undefined) return;
    client.removeAllListeners('notification');
    await client.query(`UNLISTEN ${inboxChannel}`).catch(() => {});
    client.release();
  };

  let polling = false;
  const timer = setInterval(() => {
    if (watchers.size === 0 || polling) return;
    polling = true;
    latestInboxSeq(pool)
      .then((seq) => {
        if (lastSeq !== undefined && seq > lastSeq) wakeAll();
        lastSeq = seq;
      })
      .catch((err: unknown) => logger.warn({ err }, 'delivery: inbox poll failed'))
      .finally(() => {
        polling = false;
      });
  }, pollMs);
  timer.unref();
  void listen();

  return {
    watch(recipient, onChange) {
      let set = watchers.get(recipient);
      if (set === undefined) watchers.set(recipient, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        if (set.size === 0) watchers.delete(recipient);
      };
    },
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      watchers.clear();
      await unlisten();
    },
  };
}
