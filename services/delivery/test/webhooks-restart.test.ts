/**
 * Webhook deliveries survive a restart (real PostgreSQL): one waiting for its retry when
 * its dispatcher stops, one claimed by a process that died before the answer; a new
 * dispatcher, its clock an hour later (past the backoff and the lease, no waiting), sends
 * both with their ids unchanged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '@lienthong/service';
import type { WebhookConfig } from '../src/config.ts';
import { deliveryMigrations } from '../src/migrations.ts';
import { createSecretBox, newWebhookSecret } from '../src/webhooks/secret-box.ts';
import { startWebhookDispatcher } from '../src/webhooks/webhook-dispatcher.ts';
import { claimDue, enqueueWebhookDeliveries, upsertWebhook } from '../src/webhooks/webhook-repository.ts';
import { uniqueName, waitFor } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';
import { startReceiver } from './webhook-receiver.ts';

const schema = uniqueName('delivery_webhooks');
const dir = await mkdtemp(join(tmpdir(), 'lienthong-webhooks-'));
const logger = createLogger({ name: 'delivery', level: 'warn' });
const platform = await connectTestPlatform(schema, deliveryMigrations, logger, dir);
const receiver = await startReceiver();
t.teardown(async () => {
  await receiver.close();
  await platform.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestSchemas(schema);
});
const { pool } = platform;
const box = createSecretBox('restart-test-key-of-at-least-32-characters');
const config: WebhookConfig = {
  key: undefined,
  allowHttp: false,
  allowPrivate: true,
  timeoutMs: 5000,
  retryMinMs: 600_000,
  retryMaxMs: 600_000,
  maxAttempts: 5,
  maxAgeSeconds: 86_400,
  concurrency: 4,
  rotationGraceSeconds: 0,
  pollMs: 20,
};

const secret = newWebhookSecret();
receiver.secrets.set('/r', [secret]);
await upsertWebhook(pool, {
  office: 'HU-A1',
  url: receiver.url('/r'),
  events: ['inbox.document-arrived'],
  secret: box.seal('HU-A1', secret),
  at: new Date(),
});
const event = (n: number) => ({
  office: 'HU-A1',
  type: 'inbox.document-arrived',
  occurredAt: new Date(),
  data: { symbol: `${n}-CT/TU`, status: '01' },
});
const rows = async () =>
  (
    await pool.query<{ id: string; state: string; attempts: number; data: { symbol: string } }>(
      'SELECT id, state, attempts, data FROM webhook_delivery ORDER BY created_at, id',
    )
  ).rows;

await t.test(
  'a retry waiting when the dispatcher stops, a claim of a process that died: both sent after',
  async (t) => {
    receiver.answers.set('/r', [500]);
    await enqueueWebhookDeliveries(pool, [event(1)], new Date());
    const first = startWebhookDispatcher({ pool, config, box, logger });
    await waitFor(
      'the first attempt recorded',
      async () => (await rows())[0]?.attempts === 1 && receiver.received.length === 1,
    );
    await waitFor('recorded as pending', async () => (await rows())[0]!.state === 'pending');
    await first.close();
    t.equal(receiver.received.length, 1, 'one attempt, the retry ten minutes away');

    // Another process claims the second and dies before any answer: its lease holds it.
    await enqueueWebhookDeliveries(pool, [event(2)], new Date());
    const now = new Date();
    const claimed = await claimDue(pool, now, new Date(now.getTime() + 35_000), 10, 4, new Map());
    t.equal(claimed.length, 1);

    const anHourLater = () => new Date(Date.now() + 3_600_000);
    receiver.now = anHourLater; // the same clock at both ends: the signatures' timestamps are fresh
    const later = startWebhookDispatcher({ pool, config, box, logger, now: anHourLater });
    t.teardown(() => later.close());
    await waitFor('both delivered', async () => (await rows()).every((r) => r.state === 'delivered'));
    const [one, two] = await rows();
    const seen = receiver.received.map((r) => `${String(r.headers['webhook-id'])} ${r.answered}`);
    t.equal(seen[0], `${one!.id} 500`);
    t.same(seen.slice(1).sort(), [`${one!.id} 200`, `${two!.id} 200`].sort(), 'the same ids after the restart');
    t.same([...receiver.events.keys()].sort(), [one!.id, two!.id].sort());
  },
);
