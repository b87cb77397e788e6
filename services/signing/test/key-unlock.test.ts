/**
 * Unlocking a key locked by wrong PINs: a CA administrator of the office does it for someone
 * else, with a reason; the owner gets fresh attempts and still needs the PIN. Everybody else,
 * and every malformed request, is refused without touching the lock.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { enrolKey, testPin, type TestSigner } from './enrolment.ts';
import { signingForFile } from './support.ts';

const { app, pool } = await signingForFile(t);

const nhung = authHeader({
  subject: 'person:nhung',
  office: 'VPTU-CM',
  roles: ['signer'],
  name: 'Nguyễn Thị Hồng Nhung',
});
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const adminSigner = authHeader({
  subject: 'person:chanh-vp',
  office: 'VPTU-CM',
  roles: ['signer', 'ca-admin'],
  name: 'Lê Minh Chánh',
});
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const otherAdmin = authHeader({ subject: 'person:admin', office: 'VPTU-HN', roles: ['ca-admin'] });

const pin = testPin;
const digest = createHash('sha256').update('Công văn số 12-CV/VPTU').digest().toString('base64');
type Summary = { id: string; owner: string; locked: boolean; failedPinAttempts: number };

const enrol = (who: TestSigner): Promise<Summary> =>
  enrolKey<Summary>(app, { title: 'Chánh Văn phòng', ...who }, { pin });
const nhungSigner = { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' };
const adminAsSigner = { subject: 'person:chanh-vp', office: 'VPTU-CM', name: 'Lê Minh Chánh' };

const sign = (id: string, headers: Record<string, string>, p = pin) =>
  app.inject({ method: 'POST', url: `/v1/keys/${id}/signatures`, headers, payload: { pin: p, digest } });

async function lock(id: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 5; i++) await sign(id, headers, '000000');
}

const unlock = (
  id: string,
  headers: Record<string, string>,
  payload: unknown = { reason: 'Chủ khóa xác nhận trực tiếp đã gõ nhầm mã PIN.' },
) => app.inject({ method: 'POST', url: `/v1/keys/${id}/unlock`, headers, payload: payload as Record<string, unknown> });

const lockState = async (id: string) =>
  (
    await pool.query<{ failed_pin_attempts: number; locked_at: Date | null }>(
      'SELECT failed_pin_attempts, locked_at FROM signing_key WHERE id = $1',
      [id],
    )
  ).rows[0];

void t.test(
  "a CA administrator unlocks someone else's key: fresh attempts, the PIN still needed, the reason logged",
  async (t) => {
    const key = await enrol(nhungSigner);
    await lock(key.id, nhung);
    t.equal((await sign(key.id, nhung)).statusCode, 423, 'locked: the right PIN does not help');

    const listed = (await app.inject({ method: 'GET', url: '/v1/keys', headers: admin })).json<{ keys: Summary[] }>();
    t.match(
      listed.keys.find((k) => k.id === key.id),
      { owner: 'person:nhung', locked: true, failedPinAttempts: 5 },
      "the administrator sees the office's locked key",
    );
    t.equal((await sign(key.id, admin)).statusCode, 404, 'seeing is not using');

    const res = await unlock(key.id, admin);
    t.equal(res.statusCode, 200, res.body);
    t.match(res.json(), { id: key.id, locked: false, failedPinAttempts: 0 });
    t.equal(
      (await sign(key.id, nhung, '111111')).json<{ attemptsLeft: number }>().attemptsLeft,
      4,
      'a wrong PIN is still refused and counted afresh',
    );
    t.equal((await sign(key.id, nhung)).statusCode, 201, 'the owner signs with the right PIN');

    const { rows } = await pool.query<{ action: string; subject: string; detail: string | null }>(
      "SELECT action, subject, detail FROM signing_log WHERE key_id = $1 AND action = 'unlock'",
      [key.id],
    );
    t.equal(rows.length, 1);
    t.equal(rows[0]?.subject, 'person:admin', 'the log names who unlocked');
    t.match(
      rows[0]?.detail ?? '',
      /^locked since \d{4}-.*: Chủ khóa xác nhận trực tiếp/,
      'and since when it was locked, and why',
    );
    t.equal(
      (await unlock(key.id, admin)).json<{ code: string }>().code,
      'SIGNING_KEY_NOT_LOCKED',
      'a key that is not locked: 409',
    );
  },
);

void t.test(
  'nobody else unlocks, and a refused unlock leaves the lock as it was (logged when it was one of the office)',
  async (t) => {
    const key = await enrol(nhungSigner);
    await lock(key.id, nhung);
    const own = await enrol(adminAsSigner);
    await lock(own.id, adminSigner);
    const before = await lockState(key.id);
    const {
      rows: [{ n: logBefore } = { n: '0' }],
    } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM signing_log');

    const cases: Array<[string, () => ReturnType<typeof unlock>, number, string]> = [
      ['the owner', () => unlock(key.id, nhung), 403, 'FORBIDDEN'],
      ['the registry', () => unlock(key.id, registry), 403, 'FORBIDDEN'],
      ['an administrator of another office', () => unlock(key.id, otherAdmin), 404, 'SIGNING_KEY_NOT_FOUND'],
      ['an administrator for their own key', () => unlock(own.id, adminSigner), 403, 'SIGNING_KEY_UNLOCK_REFUSED'],
      ['no reason', () => unlock(key.id, admin, {}), 400, 'VALIDATION_FAILED'],
      ['a blank reason', () => unlock(key.id, admin, { reason: '   ' }), 400, 'VALIDATION_FAILED'],
      [
        'a reason of 501 characters',
        () => unlock(key.id, admin, { reason: 'x'.repeat(501) }),
        400,
        'VALIDATION_FAILED',
      ],
      ['an unknown field', () => unlock(key.id, admin, { reason: 'ok', pin: testPin }), 400, 'VALIDATION_FAILED'],
      ['a reason that is a number', () => unlock(key.id, admin, { reason: 5 }), 400, 'VALIDATION_FAILED'],
      ['not a uuid', () => unlock('not-a-uuid', admin), 400, 'VALIDATION_FAILED'],
      ['an unknown key', () => unlock('7b0c6f8e-2d7a-4f4e-9a53-0d6c1f7e9b21', admin), 404, 'SIGNING_KEY_NOT_FOUND'],
      [
        'malformed JSON',
        () =>
          app.inject({
            method: 'POST',
            url: `/v1/keys/${key.id}/unlock`,
            headers: { ...admin, 'content-type': 'application/json' },
            payload: '{"reason": ',
          }),
        400,
        'MALFORMED_BODY',
      ],
      [
        'no token',
        () => app.inject({ method: 'POST', url: `/v1/keys/${key.id}/unlock`, payload: { reason: 'x' } }),
        401,
        'UNAUTHENTICATED',
      ],
    ];
    for (const [what, call, status, code] of cases) {
      const res = await call();
      t.equal(res.statusCode, status, `${what}: ${res.body}`);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`);
      t.match(res.json(), { code }, what);
    }
    t.same(await lockState(key.id), before, 'the key is as locked as before');
    t.match(await lockState(own.id), { failed_pin_attempts: 5 }, "the administrator's own key stays locked");
    const { rows: logged } = await pool.query<{ action: string; key_id: string; subject: string; outcome: string }>(
      'SELECT action, key_id, subject, outcome FROM signing_log ORDER BY id OFFSET $1',
      [Number(logBefore)],
    );
    t.same(
      logged.map((r) => [r.action, r.key_id, r.subject, r.outcome]),
      [['unlock-refused', own.id, 'person:chanh-vp', 'SIGNING_KEY_UNLOCK_REFUSED']],
      "only the office's administrator's refused unlock is logged (with its code); nothing else",
    );
  },
);

void t.test('a seal has no PIN and is never unlocked', async (t) => {
  const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  t.equal(seal.statusCode, 201, seal.body);
  const res = await unlock(seal.json<{ keyId: string }>().keyId, admin);
  t.equal(res.statusCode, 403);
  t.match(res.json(), { code: 'SIGNING_KEY_UNLOCK_REFUSED', detail: /seal has no PIN/ });
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/keys', headers: registry })).json<{ keys: Summary[] }>().keys.length,
    1,
    'the registry still lists only the seal',
  );
});

void t.test('unlocks are capped: ten wrong PINs in 24 hours, whatever the unlocks, then no PIN is tried', async (t) => {
  const key = await enrol(nhungSigner);
  await lock(key.id, nhung);
  t.equal((await unlock(key.id, admin)).statusCode, 200, 'first unlock');
  await lock(key.id, nhung);
  t.equal((await unlock(key.id, admin)).statusCode, 200, 'second unlock');
  const capped = await sign(key.id, nhung);
  t.equal(capped.statusCode, 429, `even the right PIN is not tried: ${capped.body}`);
  t.match(capped.json(), { code: 'SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED' });
  const retry = capped.json<{ retryAfterSeconds: number }>().retryAfterSeconds;
  t.ok(retry > 23 * 3600 && retry <= 24 * 3600, `retryAfterSeconds: ${retry}`);
  t.match(await lockState(key.id), { failed_pin_attempts: 0, locked_at: null }, 'the refusal counts nothing');
  const actions = async () =>
    (
      await pool.query<{ action: string; outcome: string | null }>(
        'SELECT action, outcome FROM signing_log WHERE key_id = $1 ORDER BY id',
        [key.id],
      )
    ).rows.map((r) => r.action);
  const wrong = ['pin-refused', 'pin-refused', 'pin-refused', 'pin-refused', 'locked'];
  t.same(
    await actions(),
    ['request', 'approve', ...wrong, 'unlock', ...wrong, 'unlock', 'pin-capped'],
    'every attempt is in the log, the capped one too (never a PIN)',
  );
  // A day later by the log's clock, the window has passed.
  await pool.query("UPDATE signing_log SET at = at - interval '25 hours' WHERE key_id = $1", [key.id]);
  t.equal((await sign(key.id, nhung)).statusCode, 201, 'the right PIN works again');
  t.same((await actions()).slice(-2), ['pin-accepted', 'sign']);
});
