/**
 * The directory consumer never holds up the CA (issue 16): with its bus unreachable, the
 * signing service still starts and answers (OCSP, CRLs and time-stamps must), says that the
 * consumer could not start, and keeps trying; closing the app ends it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createKafkaBus } from '@lienthong/bus';
import { buildApp } from '../src/app.ts';
import { freePort } from '../../../test/support/transports.ts';
import { uniqueName, waitFor } from '../../../test/support/env.ts';
import { capturingLogger, connectTestPlatform, dropTestSchemas, testConfig, writeTestOffices } from './support.ts';

void t.test('an unreachable bus: the app starts, answers, and says the consumer waits', async (t) => {
  const schema = uniqueName('signing_test');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-signing-'));
  const { logger, lines } = capturingLogger();
  const platform = await connectTestPlatform(schema, logger, dir);
  // A Kafka bus whose broker is a port nothing listens on.
  const down = createKafkaBus({ brokers: [`127.0.0.1:${await freePort()}`], clientId: 'signing-bus-down' });
  const app = await buildApp(testConfig(dir, { LIENTHONG_SIGNING_OFFICES_FILE: await writeTestOffices(dir) }), {
    platform: { ...platform, bus: down, close: async () => (await down.close(), platform.close()) },
    logger,
  });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  const crl = await app.inject({ method: 'GET', url: '/v1/ca/crl' });
  t.equal(crl.statusCode, 200, 'the CA answers');
  await waitFor('the warning', () => lines.some((l) => l.includes('the directory consumer could not start')));
  t.ok(lines.some((l) => /could not start .*trying again in 5000 ms/.test(l)));
});
