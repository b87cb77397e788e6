/**
 * Where the real services of the test run are: `npm test` sets these from `infra/local`;
 * the defaults are infra/local's own ports, so `infra/local up` then `npx tap FILE` works too.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

const env = process.env;

export const testEnv = {
  databaseUrl: env.LIENTHONG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/lienthong',
  kafkaBrokers: (env.LIENTHONG_TEST_KAFKA_BROKERS ?? '127.0.0.1:59092').split(','),
  s3: {
    endpoint: env.LIENTHONG_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:59000',
    accessKey: env.LIENTHONG_TEST_S3_ACCESS_KEY ?? 'lienthong',
    secretKey: env.LIENTHONG_TEST_S3_SECRET_KEY ?? 'lienthong-secret',
  },
};

/** A name no other test uses: `prefix_` + 10 hex characters (valid for schemas and topics). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Drops a schema made by a test (with everything in it). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testEnv.databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it returns true, every `intervalMs`, failing after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
