/**
 * Revocation in one transaction: the office's claim, the certificate's state and the
 * revocation are decided under the certificate's row lock, so two revocations at once give
 * one revocation and one 409, and a revocation that fails midway leaves the certificate good.
 */
import t from 'tap';
import { signingForFile } from './support.ts';
import { authHeader } from '../../../test/support/auth.ts';

const admin = authHeader({ subject: 'person:ca-admin', office: 'VPTU-CM', roles: ['ca-admin'] });

const signing = await signingForFile(t);
const { app, pool } = signing;

async function newSeal(): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  return res.json<{ id: string }>().id;
}

const revoke = (id: string, reason: string) =>
  app.inject({ method: 'POST', url: `/v1/ca/certificates/${id}/revocation`, headers: admin, payload: { reason } });

async function stored(id: string): Promise<{ revoked_at: Date | null; revocation_reason: number | null }> {
  const { rows } = await pool.query<{ revoked_at: Date | null; revocation_reason: number | null }>(
    'SELECT revoked_at, revocation_reason FROM certificate WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

void t.test('two revocations of one certificate at once: one revokes it, the other gets 409', async (t) => {
  const id = await newSeal();
  const answers = await Promise.all([revoke(id, 'keyCompromise'), revoke(id, 'superseded')]);
  const codes = answers.map((r) => r.statusCode).sort();
  t.same(codes, [200, 409], answers.map((r) => r.body).join('\n'));
  const winner = answers.find((r) => r.statusCode === 200)!;
  t.match(answers.find((r) => r.statusCode === 409)!.json(), { code: 'CERTIFICATE_ALREADY_REVOKED' });
  const row = await stored(id);
  t.equal(
    row.revoked_at?.toISOString(),
    winner.json<{ revokedAt: string }>().revokedAt,
    'the table holds the revocation that was answered',
  );
  t.equal(row.revocation_reason, winner === answers[0] ? 1 : 4, 'with its reason (keyCompromise 1, superseded 4)');
});

void t.test('revoking a revoked certificate is a 409 that keeps the first revocation', async (t) => {
  const id = await newSeal();
  t.equal((await revoke(id, 'cessationOfOperation')).statusCode, 200);
  const first = await stored(id);
  const again = await revoke(id, 'keyCompromise');
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'CERTIFICATE_ALREADY_REVOKED' });
  t.same(await stored(id), first, 'time and reason unchanged');
});

void t.test(
  'a revocation that fails midway leaves the certificate good, and the one waiting for it then revokes',
  async (t) => {
    const id = await newSeal();
    const client = await pool.connect();
    try {
      // A revocation underway on another connection: the row locked and marked, not committed.
      await client.query('BEGIN');
      await client.query('SELECT id FROM certificate WHERE id = $1 FOR UPDATE', [id]);
      await client.query('UPDATE certificate SET revoked_at = now(), revocation_reason = 1 WHERE id = $1', [id]);
      // inject starts on then(): start it now, so that it meets the lock.
      const waiting = revoke(id, 'superseded').then((res) => res);
      let waited = false;
      for (let i = 0; i < 100 && !waited; i++) {
        // Asked on another connection: inside a transaction pg_stat_activity keeps its first snapshot.
        const { rows } = await pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%certificate%'",
        );
        waited = Number(rows[0]!.n) > 0;
        if (!waited) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      t.ok(waited, 'the revocation waits for the row');
      await client.query('ROLLBACK');
      const res = await waiting;
      t.equal(res.statusCode, 200, res.body);
      t.equal((await stored(id)).revocation_reason, 4, 'the waiting revocation, not the failed one');
    } finally {
      client.release();
    }
  },
);
