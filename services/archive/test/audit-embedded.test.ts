/**
 * The audit log on embedded PGlite (what `npm start` runs): the migration's plpgsql trigger
 * refuses UPDATE and DELETE there too, and concurrent appends through the multiplexer still
 * make one chain per office.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '@lienthong/evidence';
import { createPool, migrate, startEmbeddedPostgres, withTransaction } from '@lienthong/db';
import t from 'tap';
import { appendAudit, readAudit } from '../src/audit/audit-log.ts';
import { archiveMigrations } from '../src/migrations.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-archive-pglite-'));
const embedded = await startEmbeddedPostgres({ dataDir });
const pool = createPool({ url: embedded.url, schema: 'archive', maxConnections: 4 });
t.teardown(async () => {
  await pool.end();
  await embedded.stop();
  await rm(dataDir, { recursive: true, force: true });
});
await migrate(pool, 'archive', archiveMigrations);

await t.test('concurrent appends make one chain per office, and the table refuses rewrites', async (t) => {
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      withTransaction(pool, (c) =>
        appendAudit(c, { office: i % 2 === 0 ? 'VPTU-A' : 'HU-B', actor: `person:p${i}`, action: 'record.read' }),
      ),
    ),
  );
  for (const office of ['VPTU-A', 'HU-B']) {
    const { entries } = await readAudit(pool, office, 0, 1000);
    t.same(
      entries.map((e) => e.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    t.equal(verifyAuditChain(entries, { office }).valid, true, `${office}: the chain holds`);
  }
  for (const sql of ["UPDATE audit_entry SET actor = 'person:forger'", 'DELETE FROM audit_entry WHERE seq = 3'])
    await t.rejects(pool.query(sql), { message: /append-only/ }, sql);
});
