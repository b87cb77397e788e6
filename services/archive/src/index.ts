export { buildApp } from './app.ts';
export type { ArchiveDeps } from './app.ts';
export { archiveConfigSchema, loadArchiveConfig } from './config.ts';
export type { ArchiveConfig } from './config.ts';
export { archiveService } from './service.ts';
export { archiveMigrations } from './migrations.ts';
