/** A pause that a wake-up cuts short; a wake-up that comes before the pause is kept. */
export interface WakeSignal {
  wake(): void;
  /** Resolves after `ms`, on `wake()`, or at once if woken since the last pause. */
  pause(ms: number): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let wakeUp: (() => void) | undefined;
  let woken = false;
  return {
    wake(): void {
      woken = true;
      wakeUp?.();
    },
    pause(ms: number): Promise<void> {
      return new Promise((resolve) => {
        if (woken) {
          woken = false;
          resolve();
          return;
        }
        const done = (): void => {
          clearTimeout(timer);
          wakeUp = undefined;
          woken = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakeUp = done;
      });
    },
  };
}
