/** Test helpers: an app with captured log lines, and a complete real-mode environment. */
import { createLogger, createServiceApp } from '../src/index.ts';
import type { ServiceApp, ServiceAppOptions } from '../src/index.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';

/** Enough variables for real mode; tests override one at a time. */
export const realEnv: Record<string, string> = {
  LIENTHONG_DATABASE_URL: 'postgres://postgres@127.0.0.1:56432/lienthong',
  LIENTHONG_KAFKA_BROKERS: '127.0.0.1:59192',
  LIENTHONG_S3_ENDPOINT: 'http://127.0.0.1:59100',
  LIENTHONG_S3_ACCESS_KEY: 'lienthong',
  LIENTHONG_S3_SECRET_KEY: 'lienthong-secret',
  ...testAuthEnv,
};

export interface TestApp {
  app: ServiceApp;
  /** Parsed log lines written so far. */
  logs: Record<string, unknown>[];
}

/** Builds a kit app named `test` at level `info`, logging into memory. */
export async function buildTestApp(options: Partial<ServiceAppOptions> = {}): Promise<TestApp> {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    name: 'test',
    level: 'info',
    destination: {
      write: (line: string) => {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  const app = await createServiceApp({
    name: 'test',
    version: '0.0.0',
    config: { logLevel: 'info' },
    logger,
    ...options,
  });
  return { app, logs };
}
