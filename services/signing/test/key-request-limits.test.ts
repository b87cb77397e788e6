/**
 * Pending key requests are capped: each holds a generated key under its requester's PIN
 * until a CA administrator decides, so a signer (or a stolen signer token) cannot pile them
 * up. The request over the limit is refused with KEY_REQUESTS_PENDING, stores nothing, and
 * is logged; once a request is decided the signer may ask again.
 */
import t from 'tap';
import { pendingKeyRequestLimits } from '../src/keys/key-request-filing.ts';
import { headersOf, raAdminOf, registerPerson, requestKey, type TestSigner } from './enrolment.ts';
import { signingForFile } from './support.ts';

const { app, pool } = await signingForFile(t);
const pin = 'pin-246810';
const lan: TestSigner = {
  subject: 'person:lan',
  office: 'VPTU-CM',
  name: 'Phạm Thị Lan',
  title: 'Phó Chánh Văn phòng',
};
const tuan: TestSigner = { subject: 'person:tuan', office: 'VPTU-CM', name: 'Vũ Anh Tuấn', title: 'Trưởng phòng' };

const pendingOf = async (subject: string): Promise<number> =>
  (
    await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM key_request WHERE requester = $1 AND state = 'pending'",
      [subject],
    )
  ).rows[0]?.n ?? 0;

void t.test('a signer has at most three pending key requests', async (t) => {
  const requests = [];
  for (let i = 0; i < pendingKeyRequestLimits.perRequester; i++)
    requests.push(await requestKey(app, lan, { pin, keyType: 'p-256' }));
  t.equal(await pendingOf(lan.subject), 3, 'three requests pending');

  await registerPerson(app, lan);
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: headersOf(lan),
    payload: { pin, keyType: 'p-256' },
  });
  t.equal(refused.statusCode, 409, refused.body);
  t.equal(refused.json<{ code: string }>().code, 'KEY_REQUESTS_PENDING');
  t.match(refused.json<{ detail: string }>().detail, /3 pending key requests/);
  t.equal(await pendingOf(lan.subject), 3, 'no fourth request stored');
  const logged = await pool.query<{ detail: string }>(
    "SELECT detail FROM signing_log WHERE subject = $1 AND action = 'request-refused'",
    [lan.subject],
  );
  t.equal(logged.rows.length, 1, 'the refusal is logged');

  const other = await requestKey(app, tuan, { pin, keyType: 'p-256' });
  t.equal(other.state, 'pending', 'another signer of the office is not held back');

  const first = requests[0];
  if (first === undefined) throw new Error('no request');
  const refusal = await app.inject({
    method: 'POST',
    url: `/v1/key-requests/${first.id}/refusal`,
    headers: raAdminOf('VPTU-CM'),
    payload: { reason: 'trùng yêu cầu' },
  });
  t.equal(refusal.statusCode, 200, refusal.body);
  const again = await requestKey(app, lan, { pin, keyType: 'p-256' });
  t.equal(again.state, 'pending', 'once one is decided the signer may ask again');
});

void t.test('requests at once cannot slip past the limit together', async (t) => {
  const minh: TestSigner = { subject: 'person:minh', office: 'VPTU-CM', name: 'Đặng Văn Minh', title: 'Chuyên viên' };
  await registerPerson(app, minh);
  const answers = await Promise.all(
    Array.from({ length: 6 }, () =>
      app.inject({ method: 'POST', url: '/v1/keys', headers: headersOf(minh), payload: { pin, keyType: 'p-256' } }),
    ),
  );
  t.same(answers.map((a) => a.statusCode).sort(), [202, 202, 202, 409, 409, 409], 'three filed, three refused');
  t.equal(await pendingOf(minh.subject), 3);
});
