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

/** Where a second S3 implementation is: endpoint and the credentials the store signs with. */
export interface S3TestServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

const versityVariables = [
  'LIENTHONG_TEST_VERSITY_ENDPOINT',
  'LIENTHONG_TEST_VERSITY_ACCESS_KEY',
  'LIENTHONG_TEST_VERSITY_SECRET_KEY',
] as const;

/**
 * Versity S3 Gateway, the second S3 implementation (`infra/local up` starts it and writes these
 * variables). No default: a test that needs it fails with this message rather than skip, so a
 * run without Versity cannot pass for one that tested it.
 */
export function versityTestServer(): S3TestServer {
  const missing = versityVariables.filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: these tests run on Versity S3 Gateway; start it with ` +
        "'infra/local up versity' (npm test runs 'infra/local up') and load .data/infra/env " +
        "('set -a; source .data/infra/env; set +a')",
    );
  }
  return {
    endpoint: env.LIENTHONG_TEST_VERSITY_ENDPOINT ?? '',
    accessKey: env.LIENTHONG_TEST_VERSITY_ACCESS_KEY ?? '',
    secretKey: env.LIENTHONG_TEST_VERSITY_SECRET_KEY ?? '',
  };
}

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
