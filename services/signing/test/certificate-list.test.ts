/**
 * GET /v1/ca/certificates: who may see which certificates. Anonymous callers see the CA,
 * TSA, OCSP and seal certificates only; an office sees its own signers' certificates too,
 * never another office's; the list pages through everything exactly once.
 */
import t from 'tap';
import { authHeader, testToken } from '../../../test/support/auth.ts';
import { enrolKey, testPin } from './enrolment.ts';
import { signingForFile } from './support.ts';

const { app } = await signingForFile(t);

interface Listed {
  id: string;
  role: string;
  subject: string;
}
interface Page {
  certificates: Listed[];
  nextOffset: number | null;
}

const registryOf = (office: string) => authHeader({ subject: 'person:van-thu', office, roles: ['registry'] });
const adminOf = (office: string) => authHeader({ subject: 'person:quan-tri', office, roles: ['ca-admin'] });
const signersA = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'];
const signersB = ['Phạm Thị Dung', 'Hoàng Văn Em'];

async function enrolPerson(office: string, name: string): Promise<void> {
  await enrolKey(app, { subject: `person:${name.replace(/\s/g, '-')}`, office, name }, { pin: testPin });
}

async function enrolSeal(headers: Record<string, string>): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers, payload: {} });
  if (res.statusCode !== 201) throw new Error(res.body);
}

// Two offices, each with signers and a seal.
for (const name of signersA) await enrolPerson('VPTU-HN', name);
for (const name of signersB) await enrolPerson('VPTU-BL', name);
await enrolSeal(adminOf('VPTU-HN'));
await enrolSeal(adminOf('VPTU-BL'));

async function list(query: string, headers: Record<string, string> = {}): Promise<Page> {
  const res = await app.inject({ method: 'GET', url: `/v1/ca/certificates${query}`, headers });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json<Page>();
}

void t.test('anonymous callers list no person certificate: names and titles of signers stay private', async (t) => {
  const page = await list('');
  t.notOk(
    page.certificates.some((c) => c.role === 'person'),
    'no person certificate',
  );
  const body = JSON.stringify(page);
  for (const name of [...signersA, ...signersB]) t.notOk(body.includes(name), `${name} is not named`);
  const roles = new Set(page.certificates.map((c) => c.role));
  for (const role of ['root', 'issuing-ca', 'tsa', 'ocsp', 'seal']) t.ok(roles.has(role), `${role} is listed`);
  t.equal(page.certificates.filter((c) => c.role === 'seal').length, 2, "both offices' seals");
  t.equal(page.nextOffset, null, 'one page');
});

void t.test("office A's token sees A's signers, not B's", async (t) => {
  for (const [office, own, other] of [
    ['VPTU-HN', 3, 'VPTU-BL'],
    ['VPTU-BL', 2, 'VPTU-HN'],
  ] as const) {
    const page = await list('', registryOf(office));
    const persons = page.certificates.filter((c) => c.role === 'person');
    t.equal(persons.length, own, `${office} sees its ${String(own)} signers`);
    const [mine, theirs] = office === 'VPTU-HN' ? [signersA, signersB] : [signersB, signersA];
    for (const name of mine)
      t.ok(
        persons.some((c) => c.subject.includes(name)),
        `${office} sees ${name}`,
      );
    for (const name of theirs)
      t.notOk(JSON.stringify(page).includes(name), `${office} does not see ${other}'s ${name}`);
  }
  const elsewhere = await list('', registryOf('VPTU-C'));
  t.notOk(
    elsewhere.certificates.some((c) => c.role === 'person'),
    'an office without signers sees none',
  );
});

void t.test('paging walks the whole list exactly once, in order', async (t) => {
  const all = await list('?limit=100', registryOf('VPTU-HN'));
  const publicCount = (await list('?limit=100')).certificates.length;
  t.equal(all.certificates.length, publicCount + signersA.length, "the public ones and A's signers");
  const seen: string[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const page: Page = await list(`?limit=3&offset=${String(offset)}`, registryOf('VPTU-HN'));
    t.ok(page.certificates.length <= 3, 'at most limit per page');
    seen.push(...page.certificates.map((c) => c.id));
    offset = page.nextOffset;
    pages += 1;
  }
  t.same(
    seen,
    all.certificates.map((c) => c.id),
    'every certificate once, in the same order',
  );
  t.equal(new Set(seen).size, seen.length, 'no duplicates');
  t.equal(pages, Math.ceil(all.certificates.length / 3));
  t.equal((await list('', registryOf('VPTU-HN'))).certificates.length, all.certificates.length, 'default limit 50');
});

void t.test('hostile paging and tokens: 4xx problem+json, nothing listed', async (t) => {
  const cases: [string, Record<string, string>, number, string][] = [
    ['?limit=101', {}, 400, 'VALIDATION_FAILED'],
    ['?limit=0', {}, 400, 'VALIDATION_FAILED'],
    ['?offset=-1', {}, 400, 'VALIDATION_FAILED'],
    ['?limit=abc', {}, 400, 'VALIDATION_FAILED'],
    ['?cursor=x', {}, 400, 'VALIDATION_FAILED'],
    ['', { authorization: 'Bearer not-a-token' }, 401, 'UNAUTHENTICATED'],
    [
      '',
      { authorization: `Bearer ${testToken({ office: 'VPTU-HN' }, { aud: 'lienthong-archive' })}` },
      401,
      'TOKEN_WRONG_AUDIENCE',
    ],
  ];
  for (const [query, headers, status, code] of cases) {
    const res = await app.inject({ method: 'GET', url: `/v1/ca/certificates${query}`, headers });
    t.equal(res.statusCode, status, `${query} ${JSON.stringify(headers).slice(0, 40)}`);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    t.equal(res.json<{ code: string }>().code, code);
  }
});

void t.test('the download of one certificate stays public', async (t) => {
  const all = await list('', registryOf('VPTU-HN'));
  const person = all.certificates.find((c) => c.role === 'person')!;
  const res = await app.inject({ method: 'GET', url: `/v1/ca/certificates/${person.id}` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/pkix-cert');
});
