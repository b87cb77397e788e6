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
 * Variables: LIENTHONG_EMBEDDED_DIR (data folder), LIENTHONG_PORT_BASE (first port),
 * LIENTHONG_HOST, LIENTHONG_LOG_LEVEL (default warn).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@lienthong/db';
import { ConfigError, connectService, loadConfig, publicJwks, Type } from '@lienthong/service';
import type { ServiceApp, ServiceConfig, ServiceDefinition } from '@lienthong/service';
import { archiveService } from '@lienthong/archive';
import { deliveryService } from '@lienthong/delivery';
import { intakeService } from '@lienthong/intake';
import { signingService } from '@lienthong/signing';
import { demoOffice as demoRegisteredOffice, ensureDemoDocument, ensureDemoSeals } from './lib/demo.ts';
import { demoCallerTokens, seedDemoDirectory, writeCallerConfigs } from './lib/demo-callers.ts';

const root = join(import.meta.dirname, '..');
const services: Array<ServiceDefinition<ServiceConfig>> = [
  intakeService,
  signingService,
  archiveService,
  deliveryService,
];

const startSchema = Type.Object({
  LIENTHONG_EMBEDDED_DIR: Type.String({ minLength: 1, default: join(root, '.data', 'embedded') }),
  LIENTHONG_PORT_BASE: Type.Integer({ minimum: 1, maximum: 65532, default: 8081 }),
  LIENTHONG_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LIENTHONG_LOG_LEVEL: Type.String({ minLength: 1, default: 'warn' }),
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
await mkdir(join(dataDir, 'objects'), { recursive: true });

/** A secret kept in the data folder: read it, or make it and write it there (0600) on the first start. */
async function keptSecret(file: string, make: () => string, isValid: (kept: string) => boolean): Promise<string> {
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (isValid(kept)) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 'wx': two starts at once do not overwrite each other's secret.
  await writeFile(file, `${make()}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}
const signingKek = await keptSecret(
  join(dataDir, 'signing.kek'),
  () => randomBytes(32).toString('base64url'),
  (kept) => kept.length >= 32,
);
// The embedded token issuer: an Ed25519 key whose public half the services trust.
const issuerKey = await keptSecret(
  join(dataDir, 'auth-issuer.pem'),
  () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  (kept) => kept.startsWith('-----BEGIN PRIVATE KEY-----'),
);
const authJwks = publicJwks(issuerKey, 'embedded');
// Delivery's own key for sealing evidence through signing (services/delivery README, "Evidence"):
// signing trusts its public half on its evidence route only, never as an access token.
const evidenceKey = await keptSecret(
  join(dataDir, 'delivery-evidence.pem'),
  () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  (kept) => kept.startsWith('-----BEGIN PRIVATE KEY-----'),
);
const evidenceJwks = publicJwks(evidenceKey, 'delivery-evidence');
// The archive's own key for asking signing the validation report of each record it keeps
// (services/archive README, "Ingest"): signing takes it on /v1/verify/pdf and /v1/tsa only.
const archiveKey = await keptSecret(
  join(dataDir, 'archive-service.pem'),
  () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  (kept) => kept.startsWith('-----BEGIN PRIVATE KEY-----'),
);
const archiveJwks = publicJwks(archiveKey, 'archive-service');

/**
 * Demo callers of the demo office, one per role, with tokens for every service (written to
 * tokens.json, 0600, anew at each start). They live 12 hours, so the embedded services take
 * tokens up to that long; a real deployment keeps the one-hour default.
 */
const demoTokenLifetimeSeconds = 12 * 3600;
const demoOffice = demoRegisteredOffice.code;
const callers = demoCallerTokens({
  privateKey: issuerKey,
  kid: 'embedded',
  services: services.map((service) => service.name),
  lifetimeSeconds: demoTokenLifetimeSeconds,
});
// tokens.json keeps the demo office's callers by role, as the walkthrough's curl lines use them.
const tokens = Object.fromEntries(callers.filter((c) => c.office === demoOffice).map((c) => [c.role, c.token]));
const demoPin = 'demo-246810';
await writeFile(
  join(dataDir, 'tokens.json'),
  `${JSON.stringify({ office: demoOffice, tokens, signerPin: demoPin }, null, 2)}\n`,
  { mode: 0o600 },
);
await chmod(join(dataDir, 'tokens.json'), 0o600);
// The offices the signing service certifies (LIENTHONG_SIGNING_OFFICES_FILE): the demo office,
// written on the first start and then left for the operator to edit.
const officesFile = join(dataDir, 'offices.json');
await writeFile(officesFile, `${JSON.stringify({ offices: [demoRegisteredOffice] }, null, 2)}\n`, { flag: 'wx' }).catch(
  (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  },
);

const started = Date.now();
console.log(`lienthong: embedded mode, data in ${dataDir}`);
const database = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), host: '127.0.0.1' });
const apps: ServiceApp[] = [];

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('lienthong: stopping');
  for (const app of apps.reverse()) await app.close().catch((error: unknown) => console.error(error));
  await database.stop().catch((error: unknown) => console.error(error));
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

/** How a client on this machine reaches a listening address: loopback for a wildcard, brackets for IPv6. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

try {
  for (const [index, service] of services.entries()) {
    const config = service.loadConfig({
      LIENTHONG_MODE: 'embedded',
      LIENTHONG_HOST: settings.LIENTHONG_HOST,
      LIENTHONG_PORT: String(settings.LIENTHONG_PORT_BASE + index),
      LIENTHONG_LOG_LEVEL: settings.LIENTHONG_LOG_LEVEL,
      LIENTHONG_DATABASE_URL: database.url,
      // Delivery and the archive read the issued PDFs where intake keeps them (one S3 for all in real mode).
      LIENTHONG_STORAGE_DIR: join(
        dataDir,
        'objects',
        service.name === 'delivery' || service.name === 'archive' ? 'intake' : service.name,
      ),
      LIENTHONG_AUTH_JWKS: authJwks,
      LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: String(demoTokenLifetimeSeconds),
      // Certificates issued here point at this signing service for their CRL, OCSP and issuer.
      ...(service.name === 'signing'
        ? {
            LIENTHONG_SIGNING_KEK: signingKek,
            LIENTHONG_SIGNING_OFFICES_FILE: officesFile,
            LIENTHONG_SIGNING_PUBLIC_URL: `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + index}`,
            LIENTHONG_SIGNING_EVIDENCE_JWKS: evidenceJwks,
            LIENTHONG_SIGNING_ARCHIVE_JWKS: archiveJwks,
          }
        : {}),
      // Intake signs and seals documents through the signing service, on behalf of the caller.
      ...(service.name === 'intake'
        ? {
            LIENTHONG_INTAKE_SIGNING_URL: `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + services.indexOf(signingService)}`,
          }
        : {}),
      // The archive keeps each issued document with signing's validation report, asked with its own key.
      ...(service.name === 'archive'
        ? {
            LIENTHONG_ARCHIVE_SIGNING_URL: `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + services.indexOf(signingService)}`,
            LIENTHONG_ARCHIVE_SERVICE_KEY: archiveKey,
            LIENTHONG_ARCHIVE_SERVICE_KEY_ID: 'archive-service',
          }
        : {}),
      // Delivery enters accepted documents in the incoming register through intake, on behalf of the caller.
      ...(service.name === 'delivery'
        ? {
            LIENTHONG_DELIVERY_INTAKE_URL: `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + services.indexOf(intakeService)}`,
            // and seals the evidence of each step through signing with its own key.
            LIENTHONG_DELIVERY_SIGNING_URL: `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + services.indexOf(signingService)}`,
            LIENTHONG_DELIVERY_EVIDENCE_KEY: evidenceKey,
            LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-evidence',
          }
        : {}),
    });
    const app = await connectService(service, config);
    apps.push(app);
    await app.listen({ host: config.host, port: config.port, listenTextResolver: () => '' });
  }
} catch (error) {
  console.error(`lienthong: could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

const endpointOf = (index: number): string =>
  `http://${reachableHost(settings.LIENTHONG_HOST)}:${settings.LIENTHONG_PORT_BASE + index}`;
const cliDir = await writeCallerConfigs(
  dataDir,
  callers,
  Object.fromEntries(services.map((service, index) => [service.name, endpointOf(index)])),
);
let directoryLine = `  directory: the demo tree (Tỉnh ủy Demo, 16 offices) in intake; client configs in ${cliDir}/<office>/<role>.json`;
try {
  await seedDemoDirectory(endpointOf(services.indexOf(intakeService)), tokens['directory-admin']!);
} catch (error) {
  directoryLine = `  directory: could not be seeded (${error instanceof Error ? error.message : String(error)})`;
}

let demoLines: string[];
try {
  demoLines = await ensureDemoDocument({
    dataDir,
    signingUrl: `http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + 1}`,
    tokens,
    pin: demoPin,
  });
} catch (error) {
  demoLines = [`  first document: could not be made (${error instanceof Error ? error.message : String(error)})`];
}
try {
  demoLines.push(
    await ensureDemoSeals(`http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + 1}`, callers),
  );
} catch (error) {
  demoLines.push(`  seals: could not be made (${error instanceof Error ? error.message : String(error)})`);
}

console.log('');
for (const [index, service] of services.entries()) {
  const url = `http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + index}`;
  console.log(`  ${service.name.padEnd(9)} ${url}   API docs ${url}/docs   health ${url}/healthz`);
}
console.log(
  `\n  API calls need an access token: demo tokens (office ${demoOffice}) are in ${join(dataDir, 'tokens.json')}, e.g.`,
);
console.log(
  `    curl -H "Authorization: Bearer $(node -p "require('${join(dataDir, 'tokens.json')}').tokens.signer")" http://${settings.LIENTHONG_HOST}:${settings.LIENTHONG_PORT_BASE + 1}/v1/keys`,
);
console.log('');
console.log(directoryLine);
for (const line of demoLines) console.log(line);
// The event log is in the embedded database, on a port chosen at each start.
console.log(`  dead letters: bin/lienthong dlq list TOPIC --database-url ${database.url}`);
console.log(`\nlienthong: ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops it.`);
