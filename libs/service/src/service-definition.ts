/**
 * A service described once — name, config loader, migrations, `buildApp` — and the two
 * ways to start it: `runDefinedService` for its own process (`server.ts`), and
 * `connectService` to build it connected to the platform inside another process
 * (`npm start` runs all four in one; end-to-end tests do the same).
 */
import type { Migration } from '@lienthong/db';
import type { ServiceApp } from './app.ts';
import type { Env } from './config.ts';
import type { ReadinessCheck } from './health.ts';
import { createLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { connectPlatform } from './platform.ts';
import type { Platform } from './platform.ts';
import { runService } from './server.ts';
import type { ServiceConfig } from './service-config.ts';

/** What a service's `buildApp` receives besides its config. Tests may pass only `checks`. */
export interface ServiceDeps {
  /** The connected database, bus and object store; the app closes it on close. */
  platform?: Platform;
  checks?: ReadinessCheck[];
  logger?: Logger;
}

export interface ServiceDefinition<C extends ServiceConfig> {
  /** Also the name of the service's Postgres schema. */
  name: string;
  version: string;
  loadConfig(env: Env): C;
  migrations: Migration[];
  buildApp(config: C, deps: ServiceDeps): Promise<ServiceApp>;
}

/** Connects the platform for `config` and builds the service on it; `app.close()` disconnects. */
export async function connectService<C extends ServiceConfig>(
  service: ServiceDefinition<C>,
  config: C,
  logger: Logger = createLogger({ name: service.name, level: config.logLevel }),
): Promise<ServiceApp> {
  const platform = await connectPlatform(config, { service: service.name, migrations: service.migrations, logger });
  try {
    return await service.buildApp(config, { platform, logger });
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** The whole of a service's `server.ts`: config from `env`, platform, app, listen, signals. */
export function runDefinedService<C extends ServiceConfig>(service: ServiceDefinition<C>, env: Env): Promise<void> {
  return runService({
    name: service.name,
    version: service.version,
    env,
    loadConfig: (e) => service.loadConfig(e),
    buildApp: (config) => connectService(service, config),
  });
}
