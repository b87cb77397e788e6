import type { Subscription } from './types.ts';

/**
 * The subscriptions a bus has handed out, so that `close()` can stop them all; a
 * subscription stopped by its owner leaves the set.
 */
export interface SubscriptionSet {
  /** Wraps a running subscription so that stopping it also forgets it. */
  track(subscription: Subscription): Subscription;
  /** Stops every tracked subscription (failures are ignored: the bus is closing). */
  stopAll(): Promise<void>;
}

export function createSubscriptionSet(): SubscriptionSet {
  const live = new Set<Subscription>();
  return {
    track(subscription) {
      const tracked: Subscription = {
        stop: async () => {
          live.delete(tracked);
          await subscription.stop();
        },
      };
      live.add(tracked);
      return tracked;
    },
    async stopAll() {
      await Promise.allSettled([...live].map((s) => s.stop()));
    },
  };
}
