/**
 * `POST /v1/registers/incoming`: the office is the token's, never the body's; the same
 * document again keeps its number (200, not 201); hostile input and wrong roles get a
 * problem+json 4xx and take no number.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { intakeForFile } from './support.ts';
import { callerOf, seedRegisterOffices } from './register-support.ts';

const { app, pool } = await intakeForFile(t);
await seedRegisterOffices(pool);

const body = (overrides: Record<string, unknown> = {}) => ({
  documentId: randomUUID(),
  documentType: 'CT',
  symbol: '05-CT/TW',
  subject: 'Chỉ thị về công tác tổ chức đại hội',
  ...overrides,
});
const post = (payload: unknown, headers: Record<string, string>, contentType = 'application/json') =>
  app.inject({
    method: 'POST',
    url: '/v1/registers/incoming',
    headers: { ...headers, 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
const numbers = async () =>
  (
    await pool.query<{ office: string; number: number }>(
      "SELECT office, number FROM register_entry WHERE register = 'incoming' ORDER BY office, number",
    )
  ).rows;

await t.test('numbers per office, the office from the token; a repeat keeps its number', async (t) => {
  const doc = body();
  const first = await post(doc, callerOf('HU-A1', 'registry'));
  t.equal(first.statusCode, 201, first.body);
  t.match(first.json(), { series: 'incoming', number: 1, symbol: '05-CT/TW', documentId: doc.documentId });
  const again = await post(doc, callerOf('HU-A1', 'office-system'));
  t.equal(again.statusCode, 200, 'registered before');
  t.equal(again.json<{ number: number }>().number, 1, 'the same number');
  const other = await post({ ...doc, office: 'HU-A1' }, callerOf('HU-B1', 'registry'));
  t.equal(other.statusCode, 400, 'an office in the body is refused, not obeyed');
  const next = await post(doc, callerOf('HU-B1', 'registry'));
  t.equal(next.statusCode, 201);
  t.equal(next.json<{ number: number }>().number, 1, "the other office's own register");
  t.same(await numbers(), [
    { office: 'HU-A1', number: 1 },
    { office: 'HU-B1', number: 1 },
  ]);
});

await t.test('hostile input and wrong callers: problem+json, no number taken', async (t) => {
  const before = await numbers();
  const cases: Array<[string, unknown, Record<string, string>, number, string?]> = [
    ['no token', body(), {}, 401],
    ['a signer', body(), callerOf('HU-A1', 'signer'), 403],
    ['an inactive office', body(), callerOf('DU-OLD', 'registry'), 422, 'REGISTER_OFFICE_UNKNOWN'],
    ['an office not in the directory', body(), callerOf('NOWHERE', 'registry'), 422, 'REGISTER_OFFICE_UNKNOWN'],
    ['not a UUID', body({ documentId: 'x' }), callerOf('HU-A1', 'registry'), 400],
    ['a bad symbol', body({ symbol: 'Số: 05-CT/TW' }), callerOf('HU-A1', 'registry'), 400, 'BAD_REQUEST'],
    ['a blank subject', body({ subject: ' ' }), callerOf('HU-A1', 'registry'), 400, 'BAD_REQUEST'],
    ['a missing subject', { ...body(), subject: undefined }, callerOf('HU-A1', 'registry'), 400],
    ['malformed JSON', '{"documentId":', callerOf('HU-A1', 'registry'), 400],
    ['an array', [], callerOf('HU-A1', 'registry'), 400],
  ];
  for (const [what, payload, headers, status, code] of cases) {
    const res = await post(payload, headers);
    t.equal(res.statusCode, status, `${what}: ${res.body}`);
    t.match(res.headers['content-type'], /application\/problem\+json/, what);
    if (code !== undefined) t.equal(res.json<{ code: string }>().code, code, what);
  }
  const wrongType = await post('documentId=x', callerOf('HU-A1', 'registry'), 'application/x-www-form-urlencoded');
  t.equal(wrongType.statusCode, 415);
  t.same(await numbers(), before, 'no number was taken');
});

await t.test('the OpenAPI document lists the route', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  t.ok(res.json<{ paths: Record<string, { post?: unknown }> }>().paths['/v1/registers/incoming']?.post);
});
