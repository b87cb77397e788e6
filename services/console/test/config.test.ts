/** The console's configuration: defaults, the services' origins, and refusals named by variable. */
import t from 'tap';
import { ConfigError } from '@lienthong/service';
import { loadConsoleConfig } from '../src/config.ts';

void t.test('defaults: port 8080 on loopback, no service, 64 MiB bodies, no demo callers', async (t) => {
  const config = loadConsoleConfig({});
  t.equal(config.port, 8080);
  t.equal(config.host, '127.0.0.1');
  t.same(config.upstreams, {});
  t.equal(config.maxBodyBytes, 64 * 1024 * 1024);
  t.equal(config.demoCallersFile, undefined);
  t.equal(config.oidc, undefined, 'no identity provider (its settings: oidc.test.ts)');
});

void t.test("the services' origins, a trailing slash trimmed", async (t) => {
  const config = loadConsoleConfig({
    LIENTHONG_CONSOLE_INTAKE_URL: 'http://127.0.0.1:8081/',
    LIENTHONG_CONSOLE_ARCHIVE_URL: 'https://archive.example',
  });
  t.same(config.upstreams, { intake: 'http://127.0.0.1:8081', archive: 'https://archive.example' });
});

void t.test('refused: a path, a query, credentials, another scheme, a port out of range', async (t) => {
  for (const [name, value] of [
    ['LIENTHONG_CONSOLE_INTAKE_URL', 'http://127.0.0.1:8081/v1'],
    ['LIENTHONG_CONSOLE_SIGNING_URL', 'http://h/?x=1'],
    ['LIENTHONG_CONSOLE_DELIVERY_URL', 'http://user:pw@h'],
    ['LIENTHONG_CONSOLE_ARCHIVE_URL', 'file:///etc/passwd'],
    ['LIENTHONG_PORT', '70000'],
    ['LIENTHONG_CONSOLE_MAX_BODY_BYTES', '10'],
  ] as const) {
    t.throws(() => loadConsoleConfig({ [name]: value }), ConfigError, name);
    t.throws(() => loadConsoleConfig({ [name]: value }), { message: new RegExp(name) }, name);
  }
});
