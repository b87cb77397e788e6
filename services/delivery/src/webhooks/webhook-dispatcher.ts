/**
 * The dispatcher: takes due rows of `webhook_delivery` (claimed with a lease, so that several
 * processes share the work and a process that dies mid-request loses nothing), signs and
 * sends each, and records the outcome: 2xx delivered; 410 Gone turns the office's webhook
 * off; anything else is tried again after an exponential backoff with jitter (from
 * `retryMinMs` up to `retryMaxMs`) until `maxAttempts` or `maxAgeSeconds`, then failed.
 * At most `concurrency` requests per office are in flight in this process.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import type { WebhookConfig } from '../config.ts';
import type { SecretBox } from './secret-box.ts';
import { claimDue, disableWebhook, findWebhook, recordAttempt } from './webhook-repository.ts';
import type { WebhookDeliveryRow } from './webhook-repository.ts';
import { sendWebhook } from './webhook-sender.ts';
import type { SendOutcome } from './webhook-sender.ts';
import { signWebhook } from './webhook-signature.ts';

/** Requests in flight in one process, all offices together. */
const maxInFlight = 64;

/** The running dispatcher. */
export interface WebhookDispatcher {
  /** Looks for due deliveries now (after a commit that wrote some). */
  wake(): void;
  /** Stops taking new work and waits for the requests in flight. */
  close(): Promise<void>;
}

/** The wait before attempt `attempt + 1`: exponential from `min` to `max`, the upper half jittered. */
export function backoffMs(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const full = Math.min(max, min * 2 ** Math.min(attempt - 1, 40));
  return Math.round(full / 2 + (random() * full) / 2);
}

/** What one attempt leads to. */
export function judgeAttempt(
  row: Pick<WebhookDeliveryRow, 'attempts' | 'retry_since'>,
  outcome: SendOutcome,
  config: Pick<WebhookConfig, 'maxAttempts' | 'maxAgeSeconds' | 'retryMinMs' | 'retryMaxMs'>,
  now: Date,
): { state: 'pending' | 'delivered' | 'failed'; next?: Date; gone?: boolean } {
  const { status } = outcome;
  if (status !== null && status >= 200 && status < 300) return { state: 'delivered' };
  if (status === 410) return { state: 'failed', gone: true };
  if (outcome.permanent) return { state: 'failed' };
  const next = new Date(now.getTime() + backoffMs(row.attempts, config.retryMinMs, config.retryMaxMs));
  const tooOld = next.getTime() - row.retry_since.getTime() > config.maxAgeSeconds * 1000;
  if (row.attempts >= config.maxAttempts || tooOld) return { state: 'failed' };
  return { state: 'pending', next };
}

/** Starts the dispatcher on `pool`. */
export function startWebhookDispatcher(deps: {
  pool: Pool;
  config: WebhookConfig;
  box: SecretBox;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => Date;
}): WebhookDispatcher {
  const { pool, config, box, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const busy = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let running = false;
  let again = false;

  const attempt = async (row: WebhookDeliveryRow): Promise<void> => {
    const webhook = await findWebhook(pool, row.office);
    const at = now();
    if (webhook === undefined || !webhook.enabled) return; // the lease runs out; the delete or 410 decided already
    let secrets: string[];
    try {
      secrets = [box.open(row.office, webhook.secret)];
      if (webhook.previous_secret !== null && webhook.previous_until !== null && webhook.previous_until > at)
        secrets.push(box.open(row.office, webhook.previous_secret));
    } catch {
      logger.error(
        { office: row.office },
        'delivery: a webhook secret does not open with LIENTHONG_DELIVERY_WEBHOOK_KEY',
      );
      await recordAttempt(pool, row.id, { state: 'failed', status: null, error: 'secret cannot be opened' }, at);
      return;
    }
    const body = JSON.stringify({
      id: row.id,
      type: row.type,
      occurredAt: row.occurred_at.toISOString(),
      data: row.data,
    });
    const headers = signWebhook({ id: row.id, at, body, secrets });
    const outcome = await sendWebhook(webhook.url, { ...headers }, body, { ...config });
    const done = now();
    const verdict = judgeAttempt(row, outcome, config, done);
    await withTransaction(pool, async (client) => {
      await recordAttempt(
        client,
        row.id,
        {
          state: verdict.state,
          status: outcome.status,
          error: outcome.error ?? (verdict.gone ? 'the receiver answered 410 Gone: webhook disabled' : null),
          ...(verdict.next === undefined ? {} : { next: verdict.next }),
        },
        done,
      );
      if (verdict.gone) await disableWebhook(client, row.office, 'the receiver answered 410 Gone', done);
    });
  };

  const start = (row: WebhookDeliveryRow): void => {
    busy.set(row.office, (busy.get(row.office) ?? 0) + 1);
    const task = attempt(row)
      .catch((err: unknown) => logger.warn({ err, id: row.id }, 'delivery: webhook attempt not recorded'))
      .finally(() => {
        const n = (busy.get(row.office) ?? 1) - 1;
        if (n === 0) busy.delete(row.office);
        else busy.set(row.office, n);
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
  };

  const round = async (): Promise<void> => {
    const room = maxInFlight - inFlight.size;
    if (room <= 0) return;
    const at = now();
    const lease = new Date(at.getTime() + config.timeoutMs + 30_000);
    for (const row of await claimDue(pool, at, lease, room, config.concurrency, busy)) start(row);
  };

  const wake = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    round()
      .catch((err: unknown) => logger.warn({ err }, 'delivery: webhook dispatch round failed'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          wake();
        }
      });
  };

  const timer = setInterval(wake, config.pollMs);
  timer.unref();
  wake();
  return {
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      while (running || inFlight.size > 0) await Promise.race([...inFlight, new Promise((r) => setTimeout(r, 10))]);
    },
  };
}
