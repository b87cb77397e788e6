/** `/readyz` fails while the archive store is not known to be safe (README "Store self-test"). */
import type { ReadinessCheck } from '@lienthong/service';
import type { StoreGuard } from './store-guard.ts';

/**
 * The readiness check `archive-store`: fails with the guard's reason unless its last verdict
 * is safe. `guardOf` answers the guard once the app has made it (it needs the app's logger),
 * undefined before.
 */
export function storeReadiness(guardOf: () => StoreGuard | undefined): ReadinessCheck {
  return {
    name: 'archive-store',
    check: async () => {
      const guard = guardOf();
      if (guard === undefined) throw new Error('the archive store has not been checked yet');
      guard.assertSafe();
    },
  };
}
