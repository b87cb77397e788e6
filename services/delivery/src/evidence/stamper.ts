/**
 * The stamper: sealed rows in no batch become one batch (up to 2^16 rows: an RFC 6962 Merkle
 * tree over each CMS's SHA-256, libs/evidence `buildBatch`), stored with every row's proof
 * in one transaction; then each batch waiting for its token asks the TSA for one RFC 3161
 * time-stamp of its root. A TSA that fails (down, refusing, answering a token for another
 * root) leaves the batch waiting with an exponential backoff; delivery goes on, new sealed
 * rows form batches of their own, and every waiting batch is stamped once the TSA is back.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { buildBatch, evidenceDigest, rootOfToken, timeStampRequestFor } from '@lienthong/evidence';
import { PkiStatus, readTimeStampResponse } from '@lienthong/pki';
import type { Logger } from '@lienthong/service';
import { backoffMs } from '../webhooks/webhook-dispatcher.ts';
import { claimDueBatches, claimUnbatched, deferBatch, insertBatch, storeToken } from './evidence-repository.ts';
import { EvidenceCallFailure } from './signing-client.ts';
import type { EvidenceSigner } from './signing-client.ts';

/** Most rows of one batch. */
export const maxBatchRows = 2 ** 16;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Makes one batch of the sealed rows in none (up to `limit`); returns its id and size, or undefined when none waits. */
export async function formBatch(
  pool: Pool,
  now: Date,
  limit = maxBatchRows,
): Promise<{ id: string; size: number } | undefined> {
  return withTransaction(pool, async (client) => {
    const rows = await claimUnbatched(client, limit);
    if (rows.length === 0) return undefined;
    const { root, proofs } = buildBatch(rows.map((r) => evidenceDigest(r.cms)));
    const id = randomUUID();
    await insertBatch(
      client,
      { id, root, createdAt: now, sealedFrom: rows[0]!.sealed_at, office: rows[0]!.acting_office },
      rows.map((r) => r.id),
      proofs.map((p) => ({ index: p.index, size: p.size, path: p.path.map(hex) })),
    );
    return { id, size: rows.length };
  });
}

/** The token of a TSA's answer for `root`, or why it is not one: granted, a token, its imprint the root. */
export function tokenOfResponse(response: Uint8Array, root: Uint8Array): { token: Uint8Array } | { problem: string } {
  let parsed;
  try {
    parsed = readTimeStampResponse(response);
  } catch (error) {
    return { problem: `not a TimeStampResp (${(error as Error).message})` };
  }
  if (parsed.status !== PkiStatus.granted && parsed.status !== PkiStatus.grantedWithMods)
    return {
      problem: `not granted (status ${parsed.status}: ${[...parsed.failures, ...parsed.statusStrings].join(', ')})`,
    };
  const token = parsed.token?.der;
  if (token === undefined) return { problem: 'granted without a token' };
  const stamped = rootOfToken(token);
  if (stamped === undefined || !Buffer.from(stamped).equals(Buffer.from(root)))
    return { problem: 'the token stamps another value than the batch root' };
  return { token };
}

/** What stamping needs. */
export interface StamperDeps {
  pool: Pool;
  signer: EvidenceSigner;
  timeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  now?: () => Date;
}

/** Stamps the batches due now (up to `limit`); returns how many were stamped and the failures. */
export async function stampDue(
  deps: StamperDeps,
  limit = 16,
): Promise<{ stamped: number; failures: Array<{ batch: string; error: string }> }> {
  const now = deps.now ?? (() => new Date());
  const at = now();
  // A process that dies mid-request leaves the batch due again after the lease.
  const lease = new Date(at.getTime() + deps.timeoutMs + 30_000);
  const due = await claimDueBatches(deps.pool, at, lease, limit);
  const failures: Array<{ batch: string; error: string }> = [];
  let stamped = 0;
  for (const batch of due) {
    let outcome: { token: Uint8Array } | { problem: string };
    try {
      outcome = tokenOfResponse(await deps.signer.stamp(timeStampRequestFor(batch.root), batch.office), batch.root);
    } catch (error) {
      outcome = { problem: error instanceof EvidenceCallFailure ? error.message : String(error) };
    }
    if ('token' in outcome) {
      await storeToken(deps.pool, batch.id, outcome.token, now());
      stamped++;
    } else {
      failures.push({ batch: batch.id, error: outcome.problem });
      const next = new Date(now().getTime() + backoffMs(batch.attempts, deps.retryMinMs, deps.retryMaxMs));
      await deferBatch(deps.pool, batch.id, next, outcome.problem);
    }
  }
  return { stamped, failures };
}

/** A running stamper. */
export interface Stamper {
  wake(): void;
  close(): Promise<void>;
}

/** Starts the loop: on a wake (rows sealed) or every `pollMs`, forms batches of what was sealed, then stamps the due ones. */
export function startStamper(
  deps: StamperDeps & {
    pollMs: number;
    logger: Pick<Logger, 'warn' | 'info'>;
    /** Called after a round that stamped batches (the handoff to the archive takes them). */
    stamped?: () => void;
  },
): Stamper {
  const now = deps.now ?? (() => new Date());
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failing: string | undefined;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        while (!closed && (await formBatch(deps.pool, now())) !== undefined);
        let round = await stampDue(deps);
        const failures = [...round.failures];
        let stamped = round.stamped;
        while (!closed && round.stamped > 0) {
          round = await stampDue(deps);
          failures.push(...round.failures);
          stamped += round.stamped;
        }
        if (stamped > 0) deps.stamped?.();
        // Logged once per change of state: a TSA down for an hour is one line, and one when it is back.
        const state = failures[0]?.error;
        if (state !== undefined) {
          if (state !== failing)
            deps.logger.warn(
              { failures: failures.slice(0, 5) },
              'delivery: evidence time-stamping failed; batches wait',
            );
          failing = state;
        } else if (stamped > 0 && failing !== undefined) {
          deps.logger.info('delivery: evidence time-stamping works again');
          failing = undefined;
        }
      } catch (error) {
        deps.logger.warn({ err: error }, 'delivery: evidence stamping round failed');
      }
    } while (again && !closed);
  };
  const wake = (): void => {
    if (closed) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(wake, deps.pollMs);
  timer.unref();
  return {
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
