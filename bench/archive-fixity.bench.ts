/**
 * Archive fixity throughput: a fixity run (services/archive `startFixityRun`: leases in
 * batches, each object read through the store and the byte budget, hashed, compared, its
 * outcome recorded in a transaction) over 200 objects of 1 MiB in the real MinIO, against raw
 * reads of the same objects in the same run (minio-js `getObject` by version, SHA-256 of the
 * stream, nothing recorded). The budget is set far above the machine's speed, so the ratio is
 * the cost of fixity itself; in service the budget (20 MB/s by default) is the limit. The
 * objects are put unlocked in a versioned bucket of their own, removed at the end with the
 * schema. First run (s27-fixity, shared machine): 51.6 MB/s vs 100.4 MB/s raw, ratio 0.51; the
 * difference is per object (the store's get by version, a transaction recording each outcome),
 * so larger objects come closer to the raw reads; far above the default budget either way.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createPool, migrate } from '@lienthong/db';
import { createLogger } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import { startFixityRun } from '../services/archive/src/fixity/fixity-run.ts';
import { createTokenBucket } from '../services/archive/src/fixity/token-bucket.ts';
import { archiveMigrations } from '../services/archive/src/migrations.ts';
import { rawMinio, removeBucket } from '../services/delivery/test/remove-bucket.ts';
import { dropSchema, testEnv, uniqueName } from '../test/support/env.ts';
import type { Benchmark } from './types.ts';

const objectCount = 200;
const objectBytes = 1024 * 1024;

const bench: Benchmark = {
  name: 'archive fixity run, 200 x 1 MiB in MinIO',
  target: 'report (MB/s vs raw reads)',
  async run() {
    const schema = uniqueName('bench_fixity');
    const bucket = uniqueName('lt-bench-fixity').replaceAll('_', '-');
    const pool = createPool({ url: testEnv.databaseUrl, schema });
    const store = createS3Store(testEnv.s3);
    try {
      await migrate(pool, schema, archiveMigrations, createLogger({ name: 'bench', level: 'warn' }));
      await store.ensureBucket(bucket, { versioning: true });
      const objects: Array<{ recordId: string; key: string; versionId: string; sha256: string }> = [];
      for (let i = 0; i < objectCount; i += 1) {
        const recordId = randomUUID();
        const key = `records/${recordId}/document.pdf`;
        const put = await store.put(bucket, key, randomBytes(objectBytes));
        objects.push({ recordId, key, versionId: put.versionId, sha256: put.sha256 });
      }
      await pool.query(
        `INSERT INTO package (record_id, bucket, manifest_key, manifest_version_id, manifest_sha256, retention_class,
           retain_until, locked_until, legal_hold, validation_indication, source_event_id, ingested_at)
         SELECT u.id, $2, u.key, u.v, u.sha, '10-years', now(), now(), false, 'TOTAL_PASSED', u.id::text, now()
         FROM unnest($1::uuid[], $3::text[], $4::text[], $5::text[]) AS u (id, key, v, sha)`,
        [
          objects.map((o) => o.recordId),
          bucket,
          objects.map((o) => o.key),
          objects.map((o) => o.versionId),
          objects.map((o) => o.sha256),
        ],
      );
      await pool.query(
        `INSERT INTO archived_object (record_id, name, bucket, key, version_id, sha256, size, media_type, added_at)
         SELECT record_id, 'document.pdf', bucket, manifest_key, manifest_version_id, manifest_sha256, $1,
           'application/pdf', now() FROM package`,
        [objectBytes],
      );
      const client = rawMinio();
      const raw = async () => {
        const start = performance.now();
        for (const o of objects) {
          const stream = await client.getObject(bucket, o.key, { versionId: o.versionId });
          const hash = createHash('sha256');
          for await (const chunk of stream) hash.update(chunk as Buffer);
          if (hash.digest('hex') !== o.sha256) throw new Error(`raw read of ${o.key} hashed otherwise`);
        }
        return performance.now() - start;
      };
      const fixity = async () => {
        const start = performance.now();
        const run = await startFixityRun(
          {
            pool,
            location: { name: 'primary', store },
            budget: createTokenBucket({ ratePerSecond: 1e12 }),
            topic: 'bench.lienthong.archive.fixity-failed.v1',
            holder: 'bench',
            leaseMs: 600_000,
            batchSize: 20,
          },
          { office: null, requestedBy: null },
        );
        const error = await run.done;
        if (error !== null) throw new Error(`fixity run stopped: ${error}`);
        const { rows } = await pool.query<{ checked: number; failed: number }>(
          'SELECT checked, failed FROM fixity_run WHERE id = $1',
          [run.id],
        );
        if (rows[0]?.checked !== objectCount || rows[0].failed !== 0)
          throw new Error(`run: ${JSON.stringify(rows[0])}`);
        return performance.now() - start;
      };
      await raw(); // warm-up: MinIO's caches and the connections
      const rawMs = await raw();
      const fixityMs = await fixity();
      const mb = (objectCount * objectBytes) / 1e6;
      return {
        figure: mb / (fixityMs / 1000),
        baseline: mb / (rawMs / 1000),
        unit: 'MB/s',
        baselineName: 'raw minio getObject + sha256',
        detail: `${objectCount} objects of ${objectBytes} B; fixity ${fixityMs.toFixed(0)} ms, raw ${rawMs.toFixed(0)} ms`,
      };
    } finally {
      await pool.end();
      await removeBucket(bucket).catch(() => {});
      await dropSchema(schema);
    }
  },
};

export default bench;
