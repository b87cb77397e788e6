/**
 * Directory import: a national directory (the centre, 34 provinces with their offices, 170
 * districts, 3,321 communes) imported into an empty directory through intake's import
 * (`seedDirectory`: the rules, the diff, multi-row upserts and one `directory.changed`
 * event per office in the outbox, one transaction). Baseline: the same offices written by
 * a bare multi-row INSERT … SELECT FROM unnest through pg into a table of the same shape,
 * without checks or events, in the same run. Best of three runs each, fresh schemas.
 */
import { performance } from 'node:perf_hooks';
import { createPool, migrate, withTransaction } from '@lienthong/db';
import { intakeMigrations, seedDirectory } from '@lienthong/intake';
import type { DirectoryInput } from '@lienthong/intake';
import { nationalDirectory } from '../services/intake/test/national-directory.ts';
import { uniqueName } from '../test/support/env.ts';
import type { Benchmark } from './types.ts';

const COMMUNES = 3321;
const RUNS = 3;

async function onFreshSchema(
  databaseUrl: string,
  work: (pool: ReturnType<typeof createPool>) => Promise<void>,
): Promise<number> {
  const schema = uniqueName('bench_directory');
  const pool = createPool({ url: databaseUrl, schema, maxConnections: 2 });
  try {
    await migrate(pool, schema, intakeMigrations);
    const start = performance.now();
    await work(pool);
    return performance.now() - start;
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

async function bareInsert(databaseUrl: string, directory: DirectoryInput): Promise<number> {
  const offices = directory.offices ?? [];
  return onFreshSchema(databaseUrl, (pool) =>
    withTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO office (code, legal_name, abbreviation, level, parent_code)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          offices.map((o) => o.code),
          offices.map((o) => o.name),
          offices.map((o) => o.abbreviation),
          offices.map((o) => o.level),
          offices.map((o) => o.parent ?? null),
        ],
      );
    }),
  );
}

async function directoryImport(databaseUrl: string, directory: DirectoryInput): Promise<number> {
  return onFreshSchema(databaseUrl, async (pool) => {
    const result = await seedDirectory(pool, directory);
    if (result.summary.officesCreated !== (directory.offices ?? []).length)
      throw new Error('not every office was created');
  });
}

const best = async (measure: () => Promise<number>): Promise<number> => {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i += 1) fastest = Math.min(fastest, await measure());
  return fastest;
};

const bench: Benchmark = {
  name: 'directory import (3,321 communes)',
  target: 'report; ≥ 0.2 of a bare multi-row INSERT',
  targetRatio: 0.2,
  async run(env) {
    const databaseUrl = env.LIENTHONG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/lienthong';
    const directory = nationalDirectory(COMMUNES) as unknown as DirectoryInput;
    const offices = (directory.offices ?? []).length;
    const baselineMs = await best(() => bareInsert(databaseUrl, directory));
    const importMs = await best(() => directoryImport(databaseUrl, directory));
    return {
      figure: offices / (importMs / 1000),
      baseline: offices / (baselineMs / 1000),
      unit: 'offices/s',
      baselineName: 'bare INSERT … unnest',
      detail: `${offices} offices (${COMMUNES} communes) and ${directory.groups?.length ?? 0} groups: import ${importMs.toFixed(0)} ms, bare insert ${baselineMs.toFixed(0)} ms; best of ${RUNS}`,
    };
  },
};
export default bench;
