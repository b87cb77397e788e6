/** The archive service as one definition: what `server.ts` runs and `npm start` embeds. */
import type { ServiceDefinition } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadArchiveConfig } from './config.ts';
import type { ArchiveConfig } from './config.ts';
import { archiveMigrations } from './migrations.ts';

export const archiveService: ServiceDefinition<ArchiveConfig> = {
  name: 'archive',
  version: pkg.version,
  loadConfig: loadArchiveConfig,
  migrations: archiveMigrations,
  buildApp,
};
