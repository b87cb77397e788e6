/**
 * The incoming register (số đến): per office per local year, from 1, gapless under
 * concurrency; the same document accepted by two offices gets a number in each; accepted
 * twice by one office, its first number; bad input refused before a number is spent.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import { registerIncoming } from '../src/registers/incoming-register.ts';
import type { IncomingRequest } from '../src/registers/incoming-register.ts';
import { intakeForFile } from './support.ts';
import { oneTo, seedRegisterOffices } from './register-support.ts';

const { pool } = await intakeForFile(t);
await seedRegisterOffices(pool);

const incoming = (office: string, overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  office,
  documentId: randomUUID(),
  date: new Date('2026-06-01T03:00:00Z'),
  documentType: 'CT',
  subject: 'Chỉ thị về công tác tổ chức đại hội',
  symbol: '05-CT/TW',
  by: 'person:van-thu',
  ...overrides,
});
const register = (req: IncomingRequest) => withTransaction(pool, (c) => registerIncoming(c, req), { retries: 0 });

await t.test('per office per year, gapless under concurrency; one document, one number per office', async (t) => {
  const shared = randomUUID();
  const requests = [
    ...oneTo(100).map(() => incoming('HU-A1')),
    ...['HU-A1', 'HU-B1', 'TU-B'].map((office) => incoming(office, { documentId: shared })),
  ];
  const answers = await Promise.all([...requests, requests[100]!].map(register));
  t.equal(answers.filter((a) => a.isNew).length, 103, 'the repeat took no number');
  const { rows } = await pool.query<{ office: string; numbers: number[] }>(
    "SELECT office, array_agg(number ORDER BY number) AS numbers FROM register_entry WHERE register = 'incoming' GROUP BY 1 ORDER BY 1",
  );
  t.same(rows, [
    { office: 'HU-A1', numbers: oneTo(101) },
    { office: 'HU-B1', numbers: [1] },
    { office: 'TU-B', numbers: [1] },
  ]);
  const newYear = await register(incoming('HU-B1', { date: new Date('2026-12-31T17:00:00Z') }));
  t.match(newYear.entry, { series: 'incoming', period: '2027', number: 1, symbol: '05-CT/TW', state: 'issued' });
});

await t.test('refused before a number is spent', async (t) => {
  for (const bad of [
    incoming('TU-A', { documentId: 'x' }),
    incoming('TU-A', { symbol: 'Số: 05-CT/TW' }),
    incoming('TU-A', { subject: ' ' }),
    incoming('TU-A', { date: new Date('x') }),
  ])
    await t.rejects(register(bad), { code: 'BAD_REQUEST' });
  t.equal((await register(incoming('TU-A'))).entry.number, 1);
});
