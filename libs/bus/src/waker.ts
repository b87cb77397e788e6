import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wakes sleeping consumer loops when a topic gets new rows: directly for publishes from
 * this process, through LISTEN/NOTIFY for other processes. Loops still poll, so a missed
 * wake-up only costs one poll interval.
 */
export class Waker {
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #generations = new Map<string, number>();

  /** A counter of wake-ups for `topic`; read it before looking at the log, pass it to `wait`. */
  generation(topic: string): number {
    return this.#generations.get(topic) ?? 0;
  }

  /** Wakes every loop waiting on `topic`. */
  wake(topic: string): void {
    this.#generations.set(topic, this.generation(topic) + 1);
    const set = this.#waiting.get(topic);
    if (!set) return;
    this.#waiting.delete(topic);
    for (const resolve of set) resolve();
  }

  /** Wakes every loop on every topic (shutdown). */
  wakeAll(): void {
    for (const topic of [...this.#waiting.keys()]) this.wake(topic);
  }

  /**
   * Resolves on a wake-up for `topic`, after `ms`, or when `signal` aborts, whichever is
   * first; at once if a wake-up came since `seen` (no wake-up is lost between a loop's
   * read of the log and its wait).
   */
  async wait(topic: string, ms: number, signal: AbortSignal, seen?: number): Promise<void> {
    if (signal.aborted || (seen !== undefined && seen !== this.generation(topic))) return;
    const timer = new AbortController();
    const woken = new Promise<void>((resolve) => {
      const set = this.#waiting.get(topic) ?? new Set();
      set.add(resolve);
      this.#waiting.set(topic, set);
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      timer.signal.addEventListener('abort', () => {
        set.delete(resolve);
        signal.removeEventListener('abort', onAbort);
      });
    });
    await Promise.race([woken, sleep(ms, undefined, { signal: timer.signal }).catch(() => undefined)]);
    timer.abort();
  }
}
