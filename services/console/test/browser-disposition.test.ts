/**
 * Disposal walked in the pages, in real headless Chromium: the archive service on the real
 * PostgreSQL and MinIO, with records of VPTU-DISP whose retention ends seconds after they are
 * written (the ingest never locks for less than a day, so the test writes them as the archive's
 * own disposition test does), and the console in front of it with callers of that office. The
 * archivist proposes two disposals from the due list; the approver (archive-approver, another
 * person) finds them waiting, approves one (its records' objects gone from the store, the
 * certificate shown) and rejects the other with a reason (its record due again). Axe on each
 * page; the approver's page never offers the due list they may not read.
 */
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStorageError } from '@lienthong/storage';
import type { Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { loadConsoleConfig } from '../src/config.ts';
import { chromiumPath, launchChromium, screenshot, seriousViolations } from './browser-support.ts';
import type { Caller } from './browser-support.ts';
import { testToken } from '../../../test/support/auth.ts';
import { packageArchiveForFile, writeTestPackage } from '../../archive/test/package-support.ts';
import type { TestPackage } from '../../archive/test/package-support.ts';

const office = 'VPTU-DISP';
const callerOf = (role: string, subject: string, name: string): Caller => ({
  office,
  role,
  name,
  subject,
  token: testToken({ subject, office, roles: [role], name }),
});
const archivist = callerOf('archivist', 'person:luu-tru', 'Nguyễn Thị Lưu');
const approver = callerOf('archive-approver', 'person:chanh-van-phong', 'Trần Văn Duyệt');
// A token the archive refuses (another issuer's): the pages must go back to the sign-in page.
const refused: Caller = {
  ...callerOf('archivist', 'person:luu-tru-cu', 'Lê Văn Cũ'),
  token: testToken(
    { subject: 'person:luu-tru-cu', office, roles: ['archivist'], name: 'Lê Văn Cũ' },
    { iss: 'another-issuer' },
  ),
};

/** The page reloaded until `ready` holds, at most `tries` times a second apart. */
async function until(page: Page, ready: () => Promise<boolean>, tries = 60): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await ready()) return true;
    await page.waitForTimeout(1000);
    await page.reload();
    await page.locator('#page-title').waitFor();
  }
  return ready();
}

void t.test(
  'propose, approve and reject a disposal, in the pages',
  {
    skip:
      chromiumPath === undefined
        ? 'LIENTHONG_TEST_CHROMIUM is not set (infra/local up installs Debian chromium)'
        : false,
    timeout: 300_000,
  },
  async (t) => {
    const archive = await packageArchiveForFile(t, { s3: true, deps: { permanentHorizonMs: 3_600_000 } });
    const archiveUrl = await archive.app.listen({ host: '127.0.0.1', port: 0 });
    const endsSoon = () => {
      const end = new Date(Date.now() + 5_000);
      return { retentionClass: '5-years', retainUntil: end, lockedUntil: end, legalHold: false };
    };
    const records: TestPackage[] = [];
    for (let i = 0; i < 3; i += 1) records.push(await writeTestPackage(archive, office, [], { retention: endsSoon() }));
    const [a, b, c] = records as [TestPackage, TestPackage, TestPackage];

    const dir = await mkdtemp(join(tmpdir(), 'console-disposition-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const callersFile = join(dir, 'callers.json');
    await writeFile(callersFile, JSON.stringify({ callers: [archivist, approver, refused] }), { mode: 0o600 });
    const app = await buildApp(
      loadConsoleConfig({
        LIENTHONG_LOG_LEVEL: 'warn',
        LIENTHONG_CONSOLE_ARCHIVE_URL: archiveUrl,
        LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: callersFile,
      }),
    );
    t.teardown(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });

    const browser = await launchChromium(t);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const check = async (name: string) => {
      await page.locator('#page-title').waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      await screenshot(page, name);
      t.same(await seriousViolations(page), [], `axe: no serious violation on ${name}`);
    };
    const signInAs = async (who: Caller) => {
      await page.goto(`${url}/#/`);
      if (await page.getByRole('button', { name: 'Đăng xuất' }).isVisible()) {
        await page.getByRole('button', { name: 'Đăng xuất' }).click();
      }
      await page.getByLabel('Văn phòng').selectOption(who.office);
      await page.locator(`button[data-role="${who.role}"]`, { hasText: who.name }).first().click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    };
    const signInAsRefused = async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByLabel('Văn phòng').selectOption(office);
      await page.locator('button[data-role="archivist"]', { hasText: refused.name }).first().click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      await page.goto(`${url}/#/dispositions`);
    };
    const propose = async (chosen: TestPackage[], reason: string) => {
      await page.goto(`${url}/#/dispositions`);
      t.ok(
        await until(page, () => page.locator(`a[href="#/archive/${chosen[0]!.recordId}"]`).isVisible()),
        'the records come due',
      );
      for (const record of chosen) {
        await page
          .getByRole('row')
          .filter({ has: page.locator(`a[href="#/archive/${record.recordId}"]`) })
          .getByRole('checkbox')
          .check();
      }
      await page.getByLabel('Lý do đề nghị tiêu hủy').fill(reason);
      await page.getByRole('button', { name: `Đề nghị tiêu hủy ${chosen.length} hồ sơ` }).click();
      await page.locator('[data-testid="disposition-state"]', { hasText: 'Đang chờ phê duyệt' }).waitFor();
    };

    // The archivist proposes two disposals from the due list.
    await signInAs(archivist);
    await propose([a, b], 'Hết thời hạn bảo quản 5 năm');
    await check('d01-proposed');
    await propose([c], 'Hết thời hạn, đề nghị lần hai');

    // The approver finds both waiting; the due list is not theirs to read, and is not shown.
    await signInAs(approver);
    await page.goto(`${url}/#/dispositions`);
    const waiting = page.locator('[data-testid="proposals-proposed,approved"]');
    await waiting.getByRole('link').first().waitFor();
    t.equal(await waiting.getByRole('row').count(), 3, 'two proposals wait (and the header row)');
    t.notOk(
      await page.getByRole('heading', { name: 'Hồ sơ hết thời hạn bảo quản', exact: true }).isVisible(),
      'the due list is not shown to the approver',
    );
    t.notOk(await page.getByRole('alert').isVisible(), 'no refusal shown to the approver');
    await check('d02-approver-waiting');

    // Approved: both records disposed of, the certificate named.
    await waiting.getByRole('link', { name: 'Hết thời hạn bảo quản 5 năm' }).click();
    await page.getByRole('button', { name: 'Phê duyệt tiêu hủy' }).click();
    await page.locator('[data-testid="disposition-state"]', { hasText: 'Đã tiêu hủy xong' }).waitFor();
    t.equal(await page.getByRole('cell', { name: 'Đã tiêu hủy', exact: true }).count(), 2, 'each record disposed of');
    t.match(await page.locator('dd.hash').last().textContent(), /dispositions\/.*SHA-256 [0-9a-f]{64}/);
    await check('d03-approved');
    for (const record of [a, b])
      for (const o of record.objects) {
        const error = await archive.store.stat(archive.bucket, o.key, { versionId: o.versionId }).then(
          () => undefined,
          (e: unknown) => e,
        );
        t.ok(isStorageError(error, 'OBJECT_NOT_FOUND'), `${o.name} of a disposed record is gone from the store`);
      }

    // Rejected with a reason: its record is due again.
    await page.goto(`${url}/#/dispositions`);
    await waiting.getByRole('link', { name: 'Hết thời hạn, đề nghị lần hai' }).click();
    await page.getByLabel('Lý do từ chối').fill('Hồ sơ còn giá trị tham khảo');
    await page.getByRole('button', { name: 'Từ chối đề nghị' }).click();
    await page.locator('[data-testid="disposition-state"]', { hasText: 'Bị từ chối' }).waitFor();
    t.ok(await page.getByText('Hồ sơ còn giá trị tham khảo').isVisible(), 'the reason is shown');
    await check('d04-rejected');

    await signInAs(archivist);
    await page.goto(`${url}/#/dispositions`);
    await page.locator('[data-testid="proposals-rejected,done"]').getByRole('link').first().waitFor();
    t.equal(await page.locator('[data-testid="proposals-rejected,done"]').getByRole('row').count(), 3, 'both decided');
    t.ok(await page.getByText('Không có đề nghị tiêu hủy nào đang chờ quyết định.').isVisible());
    t.ok(await page.locator(`a[href="#/archive/${c.recordId}"]`).isVisible(), 'the rejected record is due again');
    t.notOk(await page.locator(`a[href="#/archive/${a.recordId}"]`).isVisible(), 'a disposed record is not');
    await check('d05-after');

    // A token the services refuse (401) ends the session: the sign-in page says why.
    await signInAsRefused();
    await page.getByText('Hệ thống không chấp nhận phiên đăng nhập này nữa', { exact: false }).waitFor();
    t.ok(await page.getByLabel('Văn phòng').isVisible(), 'back on the sign-in page');
    t.equal(await page.evaluate('sessionStorage.getItem("lienthong.token")'), null, 'the token forgotten');
    await check('d06-refused');
    t.same(
      problems.filter((p) => !/401/.test(p)),
      [],
      'no page errors (the browser logs the refused call itself)',
    );
  },
);
