/**
 * Expired two-step sessions go, with the prepared PDFs that wait for a token's signature in
 * the object store: a session can no longer be completed after its expiry (410), so what it
 * kept (the certificate, the signed attributes, a copy of the document) serves no one. A
 * grace period after the expiry keeps a completion that started just before it safe.
 */
import type { ServiceApp } from '@lienthong/service';
import { isStorageError, type ObjectStore } from '@lienthong/storage';
import type { CaContext } from '../ca/ca-context.ts';
import { twoStepBucket } from './two-step-pdf.ts';
import { deleteExpiredTwoStepSession, expiredTwoStepSessions } from './two-step-repository.ts';

/** How long after its expiry a session is purged. */
export const twoStepPurgeGraceMs = 10 * 60_000;
/** How often the service purges. */
export const twoStepPurgeIntervalMs = 10 * 60_000;
const batchSize = 100;

/** Deletes every session expired more than the grace period ago and its prepared PDF; returns how many. */
export async function purgeExpiredTwoStepSessions(
  ca: Pick<CaContext, 'pool' | 'clock'>,
  store: ObjectStore,
): Promise<number> {
  const before = new Date(ca.clock.now().getTime() - twoStepPurgeGraceMs);
  let purged = 0;
  for (;;) {
    const batch = await expiredTwoStepSessions(ca.pool, before, batchSize);
    for (const session of batch) {
      // The object first: a row without its PDF is harmless, a PDF without its row is never found again.
      if (session.objectKey !== null) {
        await store.delete(twoStepBucket, session.objectKey).catch((error: unknown) => {
          if (!isStorageError(error, 'OBJECT_NOT_FOUND')) throw error;
        });
      }
      if (await deleteExpiredTwoStepSession(ca.pool, session.id, before)) purged += 1;
    }
    if (batch.length < batchSize) return purged;
  }
}

/** The purge as a plugin of the service: when the app starts, then every ten minutes until it closes. */
export async function twoStepPurge(app: ServiceApp, options: { ca: CaContext; store: ObjectStore }): Promise<void> {
  const purge = async (): Promise<void> => {
    const purged = await purgeExpiredTwoStepSessions(options.ca, options.store);
    if (purged > 0) app.log.info(`signing: purged ${purged} expired two-step session(s) and their prepared PDFs`);
  };
  await purge();
  const timer = setInterval(
    () =>
      void purge().catch((error: unknown) =>
        app.log.error({ err: error }, 'signing: purging expired two-step sessions failed; will try again'),
      ),
    twoStepPurgeIntervalMs,
  );
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
