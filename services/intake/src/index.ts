export { buildApp } from './app.ts';
export type { IntakeDeps } from './app.ts';
export { intakeConfigSchema, loadIntakeConfig } from './config.ts';
export type { IntakeConfig } from './config.ts';
export { intakeService } from './service.ts';
export { intakeMigrations } from './migrations.ts';
