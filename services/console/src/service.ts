/**
 * The console as one definition: what `server.ts` runs and what `npm start` may embed. It is not
 * a libs/service `ServiceDefinition`: that one connects a database, a bus and an object store,
 * and the console has none (it only serves pages and passes calls on).
 */
import type { FastifyInstance } from 'fastify';
import type { Env } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import type { ConsoleDeps } from './app.ts';
import { loadConsoleConfig } from './config.ts';
import type { ConsoleConfig } from './config.ts';

/** A service without platform: name, config loader and app. */
export interface ConsoleDefinition {
  name: string;
  version: string;
  loadConfig(env: Env): ConsoleConfig;
  buildApp(config: ConsoleConfig, deps?: ConsoleDeps): Promise<FastifyInstance>;
}

export const consoleService: ConsoleDefinition = {
  name: 'console',
  version: pkg.version,
  loadConfig: loadConsoleConfig,
  buildApp,
};
