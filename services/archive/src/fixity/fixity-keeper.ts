/**
 * Fixity as the app runs it: one byte budget for the process, the schedule (a tick every
 * `tickMs` starts a run of every record at the location when some object was last checked
 * more than a cycle ago, unless one is going), the runs archivists ask for (one at a time per
 * office), and their stop when the app closes.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Pool } from '@lienthong/db';
import type { ObjectStore } from '@lienthong/storage';
import type { FixityResult, ObjectToCheck } from './check-object.ts';
import { anyDue, seedChecks } from './fixity-repository.ts';
import { startFixityRun } from './fixity-run.ts';
import { createTokenBucket } from './token-bucket.ts';

/** How fixity runs in this process (README "Fixity", configuration). */
export interface FixitySettings {
  /** The location's name (`primary`). */
  location: string;
  bytesPerSecond: number;
  /** Every object is checked again once it was last checked this long ago. */
  cycleMs: number;
  /** Between two looks of the schedule for due objects. */
  tickMs: number;
  leaseMs?: number;
  batchSize?: number;
}

/** What the keeper needs. */
export interface FixityKeeperDeps {
  pool: Pool;
  store: ObjectStore;
  settings: FixitySettings;
  /** The outbox topic of `archive.fixity-failed`. */
  topic: string;
  logger: { info(o: object, m: string): void; error(o: object, m: string): void };
  onChecked?: (object: ObjectToCheck, result: FixityResult) => void;
  now?: () => Date;
}

/** The fixity of one process. */
export interface FixityKeeper {
  /**
   * Starts a run of `office`'s records (every record when null) asked by `requestedBy`, each
   * of its objects checked once; undefined while a run of that scope is going in this process.
   */
  requestRun(
    office: string | null,
    requestedBy: string | null,
  ): Promise<{ id: string; done: Promise<unknown> } | undefined>;
  /** Starts the schedule. */
  start(): void;
  /** Stops the schedule and the runs (between two objects) and waits for them. */
  stop(): Promise<void>;
}

/** A keeper for `deps`; its schedule waits for `start()`. */
export function createFixityKeeper(deps: FixityKeeperDeps): FixityKeeper {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  const budget = createTokenBucket({ ratePerSecond: settings.bytesPerSecond });
  const abort = new AbortController();
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  const runDeps = {
    pool: deps.pool,
    location: { name: settings.location, store: deps.store },
    budget,
    topic: deps.topic,
    holder,
    leaseMs: settings.leaseMs ?? 15 * 60_000,
    batchSize: settings.batchSize ?? 20,
    now,
    signal: abort.signal,
    ...(deps.onChecked === undefined ? {} : { onChecked: deps.onChecked }),
  };

  const requestRun = async (office: string | null, requestedBy: string | null, checkedBefore?: Date) => {
    const scope = office ?? '*';
    if (running.has(scope) || abort.signal.aborted) return undefined;
    // Held before the first await, so two requests at once start one run.
    let release!: () => void;
    running.set(scope, new Promise<void>((resolve) => (release = resolve)));
    try {
      const run = await startFixityRun(runDeps, {
        office,
        requestedBy,
        ...(checkedBefore === undefined ? {} : { checkedBefore }),
      });
      const done = run.done.then((error) => {
        if (error !== null) deps.logger.error({ runId: run.id, error }, 'fixity run stopped before its end');
        else deps.logger.info({ runId: run.id, office }, 'fixity run ended');
        return error;
      });
      running.set(scope, done);
      void done.finally(() => {
        running.delete(scope);
        release();
      });
      return { id: run.id, done };
    } catch (error) {
      running.delete(scope);
      release();
      throw error;
    }
  };

  const tick = async () => {
    const at = now();
    const checkedBefore = new Date(at.getTime() - settings.cycleMs);
    if (running.has('*')) return;
    await seedChecks(deps.pool, settings.location);
    if (!(await anyDue(deps.pool, settings.location, checkedBefore, at))) return;
    await requestRun(null, null, checkedBefore);
  };

  return {
    requestRun: (office, requestedBy) => requestRun(office, requestedBy),
    start() {
      if (timer !== undefined || abort.signal.aborted) return;
      timer = setInterval(() => {
        tick().catch((error: unknown) => deps.logger.error({ err: error }, 'fixity schedule: no run started'));
      }, settings.tickMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      abort.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}
