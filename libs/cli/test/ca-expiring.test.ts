/**
 * `lienthong ca expiring` against a real signing app (real PostgreSQL, 127.0.0.1): the
 * certificates of the caller's office and of the CA ending within the window, sorted by end
 * date, exit 1 for cron; another office's seals and people never listed; a renewed seal not
 * listed; more than one page; --json; bad command lines and configurations (exit 2); a
 * hostile signing's answers (exit 2).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { authHeader, testToken } from '../../../test/support/auth.ts';
import { enrolKey, testPin } from '../../../services/signing/test/enrolment.ts';
import { signingForFile } from '../../../services/signing/test/support.ts';
import { lienthongAsync } from './helpers/cli.ts';

const signing = await signingForFile(t);
const { app } = signing;
await app.listen({ port: 0, host: '127.0.0.1' });
const signingUrl = `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`;
const dir = mkdtempSync(join(tmpdir(), 'lienthong-ca-expiring-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const adminOf = (office: string) => authHeader({ subject: 'person:quan-tri', office, roles: ['ca-admin'] });

async function seal(office: string, validityDays: number): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: adminOf(office),
    payload: { validityDays },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
}

function configFor(name: string, office: string, endpoint = signingUrl): string {
  const path = join(dir, name);
  const token = testToken({ subject: 'person:van-thu', office, roles: ['registry'] });
  writeFileSync(path, JSON.stringify({ endpoints: { signing: endpoint }, token }));
  return path;
}

interface Answer {
  office: string;
  within: number;
  until: string;
  certificates: Array<{ id: string; role: string; subject: string; notAfter: string; daysLeft: number }>;
}

const hn = configFor('hn.json', 'VPTU-HN');
const bl = configFor('bl.json', 'VPTU-BL');

await t.test('nothing ends soon: exit 0', async (t) => {
  const r = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /no certificate of the CA or of VPTU-HN ends within 30 days/);
});

await t.test("the office's seal and people ending soon, sorted by end date; not another office's", async (t) => {
  await seal('VPTU-HN', 20);
  await seal('VPTU-HN', 5);
  await seal('VPTU-BL', 3);
  await enrolKey(
    app,
    { subject: 'person:an', office: 'VPTU-HN', name: 'Nguyễn Văn An' },
    { pin: testPin, validityDays: 10 },
  );
  await enrolKey(
    app,
    { subject: 'person:dung', office: 'VPTU-BL', name: 'Phạm Thị Dung' },
    { pin: testPin, validityDays: 2 },
  );
  const r = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn, '--json']);
  t.equal(r.code, 1, 'exit 1: something ends within the window');
  const answer = JSON.parse(r.stdout) as Answer;
  t.equal(answer.office, 'VPTU-HN');
  t.equal(answer.within, 30);
  t.same(
    answer.certificates.map((c) => [c.role, c.daysLeft]),
    [
      ['seal', 4],
      ['person', 9],
      ['seal', 19],
    ],
    "HN's seals and person, by end date, none of BL's",
  );
  t.notOk(r.stdout.includes('Phạm Thị Dung'), "BL's person is not listed");
  const text = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn]);
  t.equal(text.code, 1);
  t.match(text.stdout, /^3 certificate\(s\) of the CA or of VPTU-HN end within 30 days:\n {2}\S+ +4 d {2}seal/);
  const narrow = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn, '--within', '7', '--json']);
  t.equal(narrow.code, 0, '--within 7: nothing lapses uncovered');
  t.same(
    (JSON.parse(narrow.stdout) as Answer).certificates,
    [],
    'the 5-day seal has a successor past 7 days (the 20-day one); the person ends in 10',
  );
  const other = await lienthongAsync(dir, ['ca', 'expiring', '--config', bl, '--within', '2', '--json']);
  t.equal(other.code, 1);
  t.same(
    (JSON.parse(other.stdout) as Answer).certificates.map((c) => c.role),
    ['person'],
    'BL sees its person (ending in under 2 days), and its 3-day seal only with a wider window',
  );
});

await t.test('renewed seals are not listed; a revoked certificate neither', async (t) => {
  await seal('VPTU-HN', 400);
  const r = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn, '--json']);
  t.equal(r.code, 1, r.stderr);
  const left = (JSON.parse(r.stdout) as Answer).certificates;
  t.same(
    left.map((c) => c.role),
    ['person'],
    'the 5- and 20-day seals have a successor of the same subject',
  );
  const revoke = await app.inject({
    method: 'POST',
    url: `/v1/ca/certificates/${left[0]!.id}/revocation`,
    headers: adminOf('VPTU-HN'),
    payload: { reason: 'superseded' },
  });
  t.ok(revoke.statusCode < 300, revoke.body);
  const after = await lienthongAsync(dir, ['ca', 'expiring', '--config', hn]);
  t.equal(after.code, 0, after.stdout + after.stderr);
});

await t.test('more than one page of certificates (a signing that pages by 100)', async (t) => {
  const now = Date.now();
  const all = Array.from({ length: 250 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    role: 'person',
    subject: `CN=Người ${String(i)}`,
    serial: i.toString(16),
    notBefore: new Date(now - 86_400_000).toISOString(),
    // The 10th, 120th and 240th end within the window, in reverse order of listing.
    notAfter: new Date(
      now + (i === 240 ? 3 : i === 120 ? 5 : i === 10 ? 7 : 400) * 86_400_000 + 3_600_000,
    ).toISOString(),
    issuerId: null,
    revokedAt: null,
  }));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset'));
    const page = all.slice(offset, offset + limit);
    const nextOffset = offset + limit < all.length ? offset + limit : null;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ certificates: page, nextOffset }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const config = configFor('paged.json', 'VPTU-HN', url);
  const r = await lienthongAsync(dir, ['ca', 'expiring', '--config', config, '--json']);
  t.equal(r.code, 1, r.stderr);
  t.same(
    (JSON.parse(r.stdout) as Answer).certificates.map((c) => [c.subject, c.daysLeft]),
    [
      ['CN=Người 240', 3],
      ['CN=Người 120', 5],
      ['CN=Người 10', 7],
    ],
    'found across three pages, sorted by end date',
  );
  const text = await lienthongAsync(dir, ['ca', 'expiring', '--config', config]);
  t.match(text.stderr, /certificates read: 250/, 'progress on stderr');
});

await t.test('bad command lines and configurations: exit 2', async (t) => {
  const noOffice = join(dir, 'no-office.json');
  writeFileSync(noOffice, JSON.stringify({ endpoints: { signing: signingUrl }, token: 'not.a-jwt.at-all' }));
  const noSigning = join(dir, 'no-signing.json');
  writeFileSync(noSigning, JSON.stringify({ endpoints: { intake: signingUrl }, token: 'x.y.z' }));
  const cases: Array<[string[], RegExp]> = [
    [['ca', 'expiring', '--config', hn, '--within', '0'], /USAGE: --within 0/],
    [['ca', 'expiring', '--config', hn, '--within', '3651'], /USAGE: --within 3651/],
    [['ca', 'expiring', '--config', hn, '--within', '1e3'], /USAGE/],
    [['ca', 'expiring', '--config', hn, 'extra'], /USAGE/],
    [['ca', 'expiring'], /CONFIG_MISSING/],
    [['ca', 'expiring', '--config', noOffice], /CONFIG_INVALID: .*names no office/],
    [['ca', 'expiring', '--config', noSigning], /CONFIG_INVALID/],
    [['ca', 'expiring', '--config', configFor('down.json', 'VPTU-HN', 'http://127.0.0.1:9')], /SERVICE_UNREACHABLE/],
  ];
  for (const [args, message] of cases) {
    const r = await lienthongAsync(dir, args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
});

await t.test("a hostile signing's answers: exit 2, no loop", async (t) => {
  const answers: Array<[string, string]> = [
    ['a page that does not move on', JSON.stringify({ certificates: [], nextOffset: 0 })],
    ['not a list', JSON.stringify({ certificates: 'x', nextOffset: null })],
    [
      'a certificate without an end date',
      JSON.stringify({ certificates: [{ id: 'a', role: 'seal', subject: 's', serial: '01' }], nextOffset: null }),
    ],
    ['no JSON', 'hello'],
  ];
  for (const [what, body] of answers) {
    const server: Server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    const r = await lienthongAsync(dir, ['ca', 'expiring', '--config', configFor('hostile.json', 'VPTU-HN', url)]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    t.equal(r.code, 2, what);
    t.match(r.stderr, /SERVICE_UNREACHABLE/, what);
  }
});
