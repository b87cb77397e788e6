export { buildApp } from './app.ts';
export type { SigningDeps } from './app.ts';
export { signingConfigSchema, loadSigningConfig } from './config.ts';
export type { SigningConfig } from './config.ts';
export { signingService } from './service.ts';
export { signingMigrations } from './migrations.ts';
export { signingErrors } from './errors.ts';
