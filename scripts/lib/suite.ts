/**
 * The whole suite in one process: the four services, each on its own port, with the demo
 * directory, the demo callers' tokens and `lienthong` client configurations, the demo
 * directive and the recipient offices' seals (lib/demo.ts, lib/demo-callers.ts). `npm start`
 * runs it in embedded mode (scripts/start.ts); end-to-end tests run it in either mode
 * inside the test's own process (test/e2e).
 *
 * Embedded mode: PGlite (persisted under <dataDir>/postgres) served on a loopback port to
 * the services' ordinary `pg` pools, objects under <dataDir>/objects, events on the
 * Postgres-backed log. Real mode: the PostgreSQL database, Kafka brokers and S3 given (each
 * service in its own schema of that database, as in a deployment).
 *
 * <dataDir> keeps the secrets (suite-secrets.ts), tokens.json (the demo office's callers by
 * role and the signer's PIN, 0600), offices.json (the offices the signing service certifies,
 * written once) and cli/<office>/<role>.json.
 */
import type { JsonWebKey } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@lienthong/db';
import { consoleService } from '@lienthong/console';
import { connectService, publicJwks } from '@lienthong/service';
import type { Env, ServiceApp, ServiceConfig, ServiceDefinition } from '@lienthong/service';
import { archiveService } from '@lienthong/archive';
import { deliveryService } from '@lienthong/delivery';
import { intakeService } from '@lienthong/intake';
import { signingService } from '@lienthong/signing';
import { demoOffice, ensureDemoDocument, ensureDemoSeals } from './demo.ts';
import { demoCallerTokens, seedDemoDirectory, writeCallerConfigs } from './demo-callers.ts';
import type { DemoCallerToken } from './demo-callers.ts';
import { suiteSecrets } from './suite-secrets.ts';
import type { SuiteSecrets } from './suite-secrets.ts';

/** The four services, in the order of their ports (8081–8084 for `npm start`). */
export const suiteServices: ReadonlyArray<ServiceDefinition<ServiceConfig>> = [
  intakeService,
  signingService,
  archiveService,
  deliveryService,
];

/** The names of the suite's services. */
export type SuiteServiceName = 'intake' | 'signing' | 'archive' | 'delivery';

/** Where real mode's PostgreSQL, Kafka and S3 are. */
export interface RealPlatform {
  /** The database the services make their schemas in. */
  databaseUrl: string;
  /** Comma-separated host:port. */
  kafkaBrokers: string;
  s3: { endpoint: string; accessKey: string; secretKey: string };
}

/** How to start the suite. */
export interface SuiteOptions {
  mode: 'embedded' | 'real';
  /** Real mode only: the platform. */
  real?: RealPlatform;
  /** Where secrets, tokens, client configurations, the demo directive (and embedded data) are kept. */
  dataDir: string;
  /** The address the services listen on. */
  host: string;
  ports: Record<SuiteServiceName, number>;
  /** The web console's port (services/console); without it no console is started. */
  consolePort?: number;
  logLevel: string;
  /** Further variables for every service (e.g. a service's own option). */
  env?: Env;
  /**
   * Public JWKs (each with its `kid`) the services also accept access tokens from, besides the
   * embedded issuer's: an identity provider's, as a test of the console's login has one.
   */
  extraAuthKeys?: readonly JsonWebKey[];
}

/** A running suite. */
export interface Suite {
  /** Base URL of each service, as a client on this machine reaches it. */
  endpoints: Record<SuiteServiceName, string>;
  /** The web console's URL, when one was asked for. */
  console?: string;
  /** The database URL (in embedded mode, the loopback port PGlite is served on). */
  databaseUrl: string;
  /** Every demo caller with their token (valid 12 hours). */
  callers: DemoCallerToken[];
  /** The demo office's callers' tokens, by role. */
  tokens: Record<string, string>;
  /** The demo signer's PIN. */
  pin: string;
  /** <dataDir>/cli: the client configuration of each caller is <office>/<role>.json. */
  cliDir: string;
  /** What the set-up of the demo said, one line each (directory, first document, seals). */
  lines: string[];
  /** Closes the services, then (embedded) the database. */
  close(): Promise<void>;
}

/** Demo tokens live 12 hours, so the services take tokens up to that long (a deployment keeps one hour). */
const demoTokenLifetimeSeconds = 12 * 3600;

/** The demo signer's PIN. */
export const demoPin = 'demo-246810';

/** How a client on this machine reaches a listening address: loopback for a wildcard, brackets for IPv6. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The JWK set the services trust: the embedded issuer's public key, and the extra keys given. */
function authJwks(issuerKey: string, extra: readonly JsonWebKey[]): string {
  const embedded = publicJwks(issuerKey, 'embedded');
  if (extra.length === 0) return embedded;
  return JSON.stringify({ keys: [...(JSON.parse(embedded) as { keys: JsonWebKey[] }).keys, ...extra] });
}

/** The variables of `service` in the suite. */
function serviceEnv(
  service: SuiteServiceName,
  options: SuiteOptions,
  context: { databaseUrl: string; endpoints: Record<SuiteServiceName, string>; secrets: SuiteSecrets; offices: string },
): Env {
  const { secrets, endpoints } = context;
  const platform: Env =
    options.mode === 'real' && options.real !== undefined
      ? {
          LIENTHONG_KAFKA_BROKERS: options.real.kafkaBrokers,
          LIENTHONG_S3_ENDPOINT: options.real.s3.endpoint,
          LIENTHONG_S3_ACCESS_KEY: options.real.s3.accessKey,
          LIENTHONG_S3_SECRET_KEY: options.real.s3.secretKey,
        }
      : {
          // Delivery and the archive read the issued PDFs where intake keeps them (one S3 for all in real mode).
          LIENTHONG_STORAGE_DIR: join(
            options.dataDir,
            'objects',
            service === 'delivery' || service === 'archive' ? 'intake' : service,
          ),
        };
  const own: Record<SuiteServiceName, Env> = {
    intake: { LIENTHONG_INTAKE_SIGNING_URL: endpoints.signing },
    // Certificates issued here point at this signing service for their CRL, OCSP and issuer.
    signing: {
      LIENTHONG_SIGNING_KEK: secrets.signingKek,
      LIENTHONG_SIGNING_OFFICES_FILE: context.offices,
      LIENTHONG_SIGNING_PUBLIC_URL: endpoints.signing,
      LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(secrets.evidenceKey, 'delivery-evidence'),
      LIENTHONG_SIGNING_ARCHIVE_JWKS: publicJwks(secrets.archiveKey, 'archive-service'),
    },
    // The archive keeps each issued document with signing's validation report, asked with its own key.
    archive: {
      LIENTHONG_ARCHIVE_SIGNING_URL: endpoints.signing,
      LIENTHONG_ARCHIVE_SERVICE_KEY: secrets.archiveKey,
      LIENTHONG_ARCHIVE_SERVICE_KEY_ID: 'archive-service',
    },
    // Delivery enters accepted documents in the incoming register through intake, on behalf of the
    // caller, and seals the evidence of each step through signing with its own key.
    delivery: {
      LIENTHONG_DELIVERY_INTAKE_URL: endpoints.intake,
      LIENTHONG_DELIVERY_SIGNING_URL: endpoints.signing,
      LIENTHONG_DELIVERY_EVIDENCE_KEY: secrets.evidenceKey,
      LIENTHONG_DELIVERY_EVIDENCE_KEY_ID: 'delivery-evidence',
    },
  };
  return {
    LIENTHONG_MODE: options.mode,
    LIENTHONG_HOST: options.host,
    LIENTHONG_PORT: String(options.ports[service]),
    LIENTHONG_LOG_LEVEL: options.logLevel,
    LIENTHONG_DATABASE_URL: context.databaseUrl,
    LIENTHONG_AUTH_JWKS: authJwks(secrets.issuerKey, options.extraAuthKeys ?? []),
    LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: String(demoTokenLifetimeSeconds),
    ...platform,
    ...own[service],
    ...options.env,
  };
}

/** Writes tokens.json (anew, 0600) and offices.json (once, then the operator's to edit); returns the latter's path. */
async function writeDemoFiles(dataDir: string, tokens: Record<string, string>): Promise<string> {
  const tokensFile = join(dataDir, 'tokens.json');
  await writeFile(tokensFile, `${JSON.stringify({ office: demoOffice.code, tokens, signerPin: demoPin }, null, 2)}\n`, {
    mode: 0o600,
  });
  await chmod(tokensFile, 0o600);
  const officesFile = join(dataDir, 'offices.json');
  await writeFile(officesFile, `${JSON.stringify({ offices: [demoOffice] }, null, 2)}\n`, { flag: 'wx' }).catch(
    (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    },
  );
  return officesFile;
}

/**
 * Starts the four services and sets up the demo on them. Throws (after closing what was
 * started) when a service cannot start; a demo step that fails is said in `lines` instead.
 */
export async function startSuite(options: SuiteOptions): Promise<Suite> {
  const { dataDir } = options;
  if (options.mode === 'real' && options.real === undefined) throw new Error('real mode needs the platform (real)');
  await mkdir(join(dataDir, 'objects'), { recursive: true });
  const secrets = await suiteSecrets(dataDir);
  const callers = demoCallerTokens({
    privateKey: secrets.issuerKey,
    kid: 'embedded',
    services: suiteServices.map((service) => service.name),
    lifetimeSeconds: demoTokenLifetimeSeconds,
  });
  const tokens = Object.fromEntries(callers.filter((c) => c.office === demoOffice.code).map((c) => [c.role, c.token]));
  const offices = await writeDemoFiles(dataDir, tokens);

  const database =
    options.mode === 'embedded'
      ? await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), host: '127.0.0.1' })
      : undefined;
  const databaseUrl = database?.url ?? options.real?.databaseUrl ?? '';
  const host = reachableHost(options.host);
  const endpoints = Object.fromEntries(
    suiteServices.map((s) => [s.name, `http://${host}:${options.ports[s.name as SuiteServiceName]}`]),
  ) as Record<SuiteServiceName, string>;
  const apps: Array<Pick<ServiceApp, 'close'>> = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const app of apps.reverse()) await app.close().catch((error: unknown) => console.error(error));
    await database?.stop().catch((error: unknown) => console.error(error));
  };
  try {
    for (const service of suiteServices) {
      const name = service.name as SuiteServiceName;
      const config = service.loadConfig(serviceEnv(name, options, { databaseUrl, endpoints, secrets, offices }));
      const app = await connectService(service, config);
      apps.push(app);
      await app.listen({ host: config.host, port: config.port, listenTextResolver: () => '' });
    }
  } catch (error) {
    await close();
    throw error;
  }
  let consoleUrl: string | undefined;
  if (options.consolePort !== undefined) {
    try {
      consoleUrl = await startConsole(options, options.consolePort, endpoints, callers, apps);
    } catch (error) {
      await close();
      throw error;
    }
  }

  const cliDir = await writeCallerConfigs(dataDir, callers, endpoints);
  const lines = [
    `  directory: the demo tree (Tỉnh ủy Demo, 16 offices) in intake; client configs in ${cliDir}/<office>/<role>.json`,
  ];
  try {
    await seedDemoDirectory(endpoints.intake, tokens['directory-admin']!);
  } catch (error) {
    lines[0] = `  directory: could not be seeded (${error instanceof Error ? error.message : String(error)})`;
  }
  try {
    lines.push(...(await ensureDemoDocument({ dataDir, signingUrl: endpoints.signing, tokens, pin: demoPin })));
  } catch (error) {
    lines.push(`  first document: could not be made (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    lines.push(await ensureDemoSeals(endpoints.signing, callers));
  } catch (error) {
    lines.push(`  seals: could not be made (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    endpoints,
    ...(consoleUrl === undefined ? {} : { console: consoleUrl }),
    databaseUrl,
    callers,
    tokens,
    pin: demoPin,
    cliDir,
    lines,
    close,
  };
}

/**
 * The web console on `port`, passing calls on to the four services; its sign-in chooser lists
 * the demo callers, whose tokens it reads from console-callers.json (0600, anew at each start).
 */
async function startConsole(
  options: SuiteOptions,
  port: number,
  endpoints: Record<SuiteServiceName, string>,
  callers: DemoCallerToken[],
  apps: Array<Pick<ServiceApp, 'close'>>,
): Promise<string> {
  const file = join(options.dataDir, 'console-callers.json');
  const listed = callers.map(({ office, role, name, subject, token }) => ({ office, role, name, subject, token }));
  await writeFile(file, `${JSON.stringify({ callers: listed })}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  const config = consoleService.loadConfig({
    LIENTHONG_HOST: options.host,
    LIENTHONG_PORT: String(port),
    LIENTHONG_LOG_LEVEL: options.logLevel,
    LIENTHONG_CONSOLE_INTAKE_URL: endpoints.intake,
    LIENTHONG_CONSOLE_SIGNING_URL: endpoints.signing,
    LIENTHONG_CONSOLE_ARCHIVE_URL: endpoints.archive,
    LIENTHONG_CONSOLE_DELIVERY_URL: endpoints.delivery,
    LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: file,
  });
  const app = await consoleService.buildApp(config);
  apps.push(app);
  await app.listen({ host: config.host, port: config.port, listenTextResolver: () => '' });
  return `http://${reachableHost(options.host)}:${port}/`;
}
