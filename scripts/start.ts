/**
 * `npm start`: the whole suite in embedded mode, in one process. PGlite (Postgres in
 * WebAssembly, persisted under .data/embedded/postgres) is served on a loopback port to
 * the services' ordinary `pg` pools; objects go to .data/embedded/objects; events travel
 * on the Postgres-backed log. Each service listens on its own port (8081–8084 by default).
 * Ctrl-C (or SIGTERM) closes the services, then the database, and exits 0.
 *
 * The signing service's key-encryption passphrase is made once (32 random bytes, base64url)
 * and kept in <data folder>/signing.kek, mode 0600; it is never printed. So is the embedded
 * access-token issuer's key (auth-issuer.pem): the services trust its public key, and
 * tokens.json holds a token for each demo caller of the demo office (valid 12 hours), and
 * cli/<office>/<role>.json a `lienthong` client configuration for every caller of intake's
 * demo directory, which is imported at each start (lib/demo-callers.ts). The demo office is
 * the one the signing service certifies (offices.json, written once). On the first start the
 * demo directive is signed through the services (demo/, see lib/demo.ts).
 *
 * The suite itself (services, secrets, demo set-up) is lib/suite.ts's `startSuite`.
 *
 * The web console (services/console) listens just below the services, on 8080 by default, with a
 * chooser of the demo callers as its sign-in.
 *
 * Variables: LIENTHONG_EMBEDDED_DIR (data folder), LIENTHONG_PORT_BASE (first port; the console's
 * is the one before it, or LIENTHONG_CONSOLE_PORT),
 * LIENTHONG_HOST, LIENTHONG_LOG_LEVEL (default warn), and the services' LIENTHONG_OTEL_TRACES_EXPORTER
 * (`console` prints each span, `otlp` sends them to LIENTHONG_OTEL_ENDPOINT), started once for the
 * process: the four services' spans then make one trace per document, as in a deployment.
 */
import { join } from 'node:path';
import { ConfigError, loadConfig, startTelemetry, Type } from '@lienthong/service';
import type { Telemetry } from '@lienthong/service';
import { demoOffice } from './lib/demo.ts';
import { startSuite, suiteServices } from './lib/suite.ts';
import type { Suite, SuiteServiceName } from './lib/suite.ts';

const root = join(import.meta.dirname, '..');

const startSchema = Type.Object({
  LIENTHONG_EMBEDDED_DIR: Type.String({ minLength: 1, default: join(root, '.data', 'embedded') }),
  LIENTHONG_PORT_BASE: Type.Integer({ minimum: 2, maximum: 65532, default: 8081 }),
  LIENTHONG_CONSOLE_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  LIENTHONG_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LIENTHONG_LOG_LEVEL: Type.String({ minLength: 1, default: 'warn' }),
  LIENTHONG_OTEL_TRACES_EXPORTER: Type.Union([Type.Literal('none'), Type.Literal('console'), Type.Literal('otlp')], {
    default: 'none',
  }),
  LIENTHONG_OTEL_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
});

let settings;
try {
  settings = loadConfig(startSchema, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const dataDir = settings.LIENTHONG_EMBEDDED_DIR;

let suite: Suite | undefined;
let telemetry: Telemetry | undefined;
let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('lienthong: stopping');
  await suite?.close();
  await telemetry?.shutdown().catch((error: unknown) => console.error(error));
  process.exit(code);
}
// A signal during the start stops the suite once it is up (see below).
let stopAsked = false;
function onSignal(): void {
  if (suite === undefined) stopAsked = true;
  else void stop(0);
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

const started = Date.now();
console.log(`lienthong: embedded mode, data in ${dataDir}`);
try {
  telemetry = await startTelemetry({
    serviceName: 'lienthong',
    tracesExporter: settings.LIENTHONG_OTEL_TRACES_EXPORTER,
    metricsExporter: 'none',
    ...(settings.LIENTHONG_OTEL_ENDPOINT === undefined ? {} : { endpoint: settings.LIENTHONG_OTEL_ENDPOINT }),
  });
  suite = await startSuite({
    mode: 'embedded',
    dataDir,
    host: settings.LIENTHONG_HOST,
    ports: Object.fromEntries(
      suiteServices.map((service, index) => [service.name, settings.LIENTHONG_PORT_BASE + index]),
    ) as Record<SuiteServiceName, number>,
    consolePort: settings.LIENTHONG_CONSOLE_PORT ?? settings.LIENTHONG_PORT_BASE - 1,
    logLevel: settings.LIENTHONG_LOG_LEVEL,
  });
} catch (error) {
  console.error(`lienthong: could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
if (stopAsked) await stop(0);
const tokensFile = join(dataDir, 'tokens.json');

console.log('');
if (suite?.console !== undefined)
  console.log(`  console   ${suite.console}   web console (choose a demo caller to sign in)`);
for (const [index, service] of suiteServices.entries()) {
  const url = `http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + index}`;
  console.log(`  ${service.name.padEnd(9)} ${url}   API docs ${url}/docs   health ${url}/healthz`);
}
console.log(`\n  API calls need an access token: demo tokens (office ${demoOffice.code}) are in ${tokensFile}, e.g.`);
console.log(
  `    curl -H "Authorization: Bearer $(node -p "require('${tokensFile}').tokens.signer")" http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + 1}/v1/keys`,
);
console.log('');
for (const line of suite?.lines ?? []) console.log(line);
// The event log is in the embedded database, on a port chosen at each start.
console.log(`  dead letters: bin/lienthong dlq list TOPIC --database-url ${suite?.databaseUrl ?? ''}`);
console.log(`\nlienthong: ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops it.`);
