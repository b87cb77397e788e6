/**
 * The four services, each built from its definition: the shared kit answers (health,
 * readiness, docs), and in real mode each connects to the real PostgreSQL (its own schema,
 * migrated), Kafka and MinIO, reports them ready, and serves the platform gauges (outbox;
 * delivery's consumer lag and dead letters on Kafka) on /metrics.
 */
import t from 'tap';
import { testAuthEnv } from '../support/auth.ts';
import pg from 'pg';
import { archiveService } from '@lienthong/archive';
import { deliveryService } from '@lienthong/delivery';
import { intakeService } from '@lienthong/intake';
import { signingService } from '@lienthong/signing';
import { connectService } from '@lienthong/service';
import type { ServiceConfig, ServiceDefinition } from '@lienthong/service';
import { testEnv } from '../support/env.ts';

// Only the signing service reads it; the others ignore variables they do not declare.
const testKek = 'apps-test-key-encryption-passphrase-0123456789';

const services: Array<[ServiceDefinition<ServiceConfig>, number]> = [
  [intakeService, 8081],
  [signingService, 8082],
  [archiveService, 8083],
  [deliveryService, 8084],
];

for (const [service, port] of services) {
  void t.test(`${service.name}: kit routes with injected checks`, async (t) => {
    const config = service.loadConfig({
      ...testAuthEnv,
      LIENTHONG_MODE: 'embedded',
      LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
      LIENTHONG_STORAGE_DIR: '/nonexistent',
      LIENTHONG_LOG_LEVEL: 'silent',
      LIENTHONG_SIGNING_KEK: testKek,
    });
    t.equal(config.port, port, `default port ${port}`);
    const app = await service.buildApp(config, { checks: [{ name: 'db', check: async () => {} }] });
    t.teardown(() => app.close());
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    t.equal(health.statusCode, 200);
    t.same(health.json(), { status: 'ok' });
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    t.equal(docs.statusCode, 200);
    t.match(docs.json(), { openapi: '3.1.0', info: { title: `lienthong ${service.name}` } });

    const failing = await service.buildApp(config, {
      checks: [{ name: 'db', check: () => Promise.reject(new Error('down')) }],
    });
    t.teardown(() => failing.close());
    const res = await failing.inject({ method: 'GET', url: '/readyz' });
    t.equal(res.statusCode, 503);
    t.match(res.json(), { code: 'NOT_READY', checks: [{ name: 'db', status: 'fail', detail: 'down' }] });
  });

  void t.test(`${service.name}: connects to real PostgreSQL, Kafka and MinIO`, async (t) => {
    const config = service.loadConfig({
      ...testAuthEnv,
      LIENTHONG_MODE: 'real',
      LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
      LIENTHONG_KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      LIENTHONG_S3_ENDPOINT: testEnv.s3.endpoint,
      LIENTHONG_S3_ACCESS_KEY: testEnv.s3.accessKey,
      LIENTHONG_S3_SECRET_KEY: testEnv.s3.secretKey,
      LIENTHONG_LOG_LEVEL: 'silent',
      LIENTHONG_SIGNING_KEK: testKek,
    });
    const app = await connectService(service, config);
    t.teardown(() => app.close());
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(ready.statusCode, 200, ready.body);
    const { checks } = ready.json<{ checks: Array<{ name: string }> }>();
    // The archive also reports its store self-test (services/archive README, "Store self-test").
    const own = service.name === 'archive' ? ['archive-store'] : [];
    t.same(
      checks.map((c) => c.name),
      ['database', 'events', 'objects', ...own],
      'database, events and objects are checked',
    );
    // The platform's gauges, read from the service's schema and Kafka at the scrape.
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    t.equal(metrics.statusCode, 200);
    t.match(metrics.body, new RegExp(`^lienthong_outbox_pending\\{service="${service.name}"\\} \\d+$`, 'm'));
    t.match(metrics.body, /^lienthong_outbox_oldest_pending_seconds\{/m);
    if (service.name === 'delivery') {
      // Its consumers subscribed as it was built: their lag on Kafka, from committed offsets and watermarks.
      t.match(
        metrics.body,
        /^lienthong_bus_consumer_lag\{topic="lienthong\.delivery\.sent\.v1",group="[^"]+",service="delivery"\} \d+$/m,
      );
      t.match(
        metrics.body,
        /^lienthong_bus_dead_letters\{topic="lienthong\.delivery\.sent\.v1",service="delivery"\} \d+$/m,
      );
    }
    const client = new pg.Client({ connectionString: testEnv.databaseUrl });
    await client.connect();
    t.teardown(() => client.end());
    const tables = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [service.name],
    );
    t.ok(
      tables.rows.some((r) => r.table_name === 'outbox'),
      `schema ${service.name} holds its outbox`,
    );
  });
}
