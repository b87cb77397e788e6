/**
 * The console in a real headless Chromium, in front of the suite in embedded mode: the clerk
 * submits, the signer reads the PDF (pdf.js) and signs with the PIN, the clerk issues, the
 * recipient office's clerk accepts (số đến), the archivist finds the record without diacritics
 * and downloads the original. Each page visited passes axe-core with no serious or critical
 * violation and logs no error (a CSP refusal would be one); callers of another office never see
 * the document in any page. Screenshots are kept in .data/test-artefacts/console/.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import {
  chromiumPath,
  launchChromium,
  screenshot,
  seriousViolations,
  startConsole,
  startSuite,
} from './browser-support.ts';
import type { Caller, Suite } from './browser-support.ts';

// Starting the suite and walking every page takes a minute or two alone, more beside other tests.
if (chromiumPath !== undefined) t.setTimeout(900_000);

async function directivePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('CHI THI ve cong tac chuyen doi so', { x: 60, y: 760, size: 16, font });
  page.drawText('Noi dung chi thi (console browser test).', { x: 60, y: 720, size: 12, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Submits, signs and issues a flash directive to HU-KIMSON through the services' APIs (not the pages). */
async function issueThroughApis(suite: Suite, clerk: Caller, signer: Caller, subject: string): Promise<void> {
  const ask = async (url: string, token: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const form = new FormData();
  form.append(
    'metadata',
    JSON.stringify({
      type: 'CT',
      subject,
      recipients: { offices: ['HU-KIMSON'] },
      secrecy: 'ordinary',
      urgency: 'flash',
      signer: { person: signer.subject.replace(/^person:/, ''), authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
      retention: 'permanent',
    }),
  );
  form.append('content', new Blob([await directivePdf()], { type: 'application/pdf' }), 'bao.pdf');
  const { id } = await ask(`${suite.urls.intake}/v1/documents`, clerk.token, { method: 'POST', body: form });
  await ask(`${suite.urls.intake}/v1/documents/${id}/signature`, signer.token, {
    method: 'POST',
    headers: { 'lienthong-pin': suite.pin },
  });
  await ask(`${suite.urls.intake}/v1/documents/${id}/issue`, clerk.token, { method: 'POST' });
}

/** Presses Tab (at most 40 times) until the focused element matches `selector`. */
async function focusByTab(page: Page, selector: string): Promise<boolean> {
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) === true`)) return true;
  }
  return false;
}

/** The bytes the browser saves when the button named `name` is clicked. */
async function downloaded(page: Page, name: string | RegExp): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  return readFile(await download.path());
}

/** A page reloaded until `ready` holds, at most `tries` times one second apart (the suite works in the background). */
async function until(page: Page, ready: () => Promise<boolean>, tries = 120): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await ready()) return true;
    await page.waitForTimeout(1000);
    await page.reload();
    await page.locator('#page-title').waitFor();
  }
  return ready();
}

void t.test(
  'submit → sign → issue → accept → search and download, in the pages',
  {
    skip:
      chromiumPath === undefined
        ? 'LIENTHONG_TEST_CHROMIUM is not set (infra/local up installs Debian chromium)'
        : false,
    timeout: 900_000,
  },
  async (t) => {
    const suite: Suite = await startSuite(t);
    const { url } = await startConsole(t, suite);
    const browser = await launchChromium(t);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      locale: 'vi-VN',
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (process.env.LIENTHONG_TEST_CONSOLE_DEBUG && response.status() >= 400)
        process.stderr.write(`[page http ${response.status()}] ${response.url()}\n`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      if (process.env.LIENTHONG_TEST_CONSOLE_DEBUG)
        process.stderr.write(`[page ${message.type()}] ${message.text()}\n`);
    });

    const caller = (office: string, role: string, subject?: string): Caller => {
      const found = suite.callers.find(
        (c) => c.office === office && c.role === role && (subject === undefined || c.subject === subject),
      );
      if (found === undefined) throw new Error(`no demo caller ${role} of ${office}`);
      return found;
    };
    const checked = new Set<string>();
    const check = async (name: string) => {
      await page.locator('#page-title').waitFor();
      await screenshot(page, name);
      if (checked.has(name)) return;
      checked.add(name);
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

    const subject = `Về việc triển khai chuyển đổi số năm ${Date.now()}`;
    const folded = subject.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

    // The sign-in page, with the chooser of demo callers.
    await page.goto(`${url}/#/`);
    await page.getByRole('heading', { name: 'Người dùng mẫu' }).waitFor();
    await check('01-sign-in');

    // Văn thư of the province office submits.
    const clerk = caller('VPTU-DEMO', 'registry');
    await signInAs(clerk);
    await page.goto(`${url}/#/inbox`);
    await check('02-inbox');
    await page.goto(`${url}/#/outgoing/new`);
    await page.getByLabel('Người ký').locator('option[value="bi-thu"]').waitFor({ state: 'attached' });
    await page.getByLabel('Trích yếu').fill(subject);
    await page.getByLabel('Người ký').selectOption('bi-thu');
    await page.getByRole('checkbox', { name: /\(HU-KIMSON\)/ }).check();
    await page
      .getByLabel('Tệp văn bản (PDF)')
      .setInputFiles({ name: 'chi-thi.pdf', mimeType: 'application/pdf', buffer: await directivePdf() });
    await check('03-submit');
    await page.getByRole('button', { name: 'Trình ký' }).click();
    await page.waitForURL(/#\/documents\/[\w-]+$/);
    const documentId = page.url().split('/').pop() ?? '';
    await page.getByTestId('state').waitFor();
    t.equal(await page.getByTestId('state').textContent(), 'Chờ ký');
    await check('04-document-awaiting');

    // The Bí thư signs in with the keyboard only, reads it in the page and signs with the PIN.
    const signer = caller('VPTU-DEMO', 'signer', 'person:bi-thu');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByLabel('Văn phòng').waitFor();
    t.ok(await focusByTab(page, 'select#demo-office'), 'Tab reaches the office chooser');
    await page.keyboard.type('VPTU-DEMO');
    t.ok(await focusByTab(page, `button[data-role="signer"]`), "Tab reaches a signer's button");
    t.match(await page.evaluate('document.activeElement.textContent'), signer.name);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`${url}/#/sign`);
    await page.getByRole('link', { name: subject }).click();
    await page.getByTestId('pdf-view').waitFor();
    await screenshot(page, '05a-sign-loading');
    await page.getByTestId('signature-preview').waitFor();
    t.match(await page.getByTestId('signature-preview').textContent(), /T\/M BAN THƯỜNG VỤ/);
    // Dark pixels on the first page's canvas: pdf.js drew its text (the page has no DOM types here).
    const drawn: number = await page.evaluate(`(() => {
    const canvas = document.querySelector('canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark += 1;
    return dark;
  })()`);
    t.ok(drawn > 100, 'pdf.js drew the page (dark pixels of its text)');
    await check('05-sign');
    await page.getByLabel('Mã PIN khóa ký').fill('wrong-pin-1');
    await page.getByRole('button', { name: 'Ký số' }).click();
    await page.locator('.sign-panel .error').waitFor();
    await screenshot(page, '05b-sign-wrong-pin');
    t.match(await page.locator('.sign-panel .error').textContent(), /Mã PIN không đúng/, 'a wrong PIN is said plainly');
    await page.getByLabel('Mã PIN khóa ký').fill(suite.pin);
    await page.keyboard.press('Enter');
    await page.getByText('Đã ký văn bản').waitFor({ timeout: 120_000 });
    await screenshot(page, '06-signed');

    // HU-KIMSON's clerk has the inbox open in another browser; it will come in live.
    const watcherContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    t.teardown(() => watcherContext.close());
    const watcher = await watcherContext.newPage();
    await watcher.goto(`${url}/#/`);
    await watcher.getByLabel('Văn phòng').selectOption('HU-KIMSON');
    await watcher.locator('button[data-role="registry"]').first().click();
    await watcher.getByRole('heading', { name: 'Văn bản đến' }).waitFor();

    // The clerk issues it: number, date and seal.
    await signInAs(clerk);
    await page.goto(`${url}/#/documents/${documentId}`);
    await page.getByRole('button', { name: /Ban hành/ }).click();
    await page.getByText(/Đã ban hành: Số \d+-CT\//).waitFor({ timeout: 120_000 });
    await check('07-issued');
    await page.goto(`${url}/#/register`);
    await page.getByRole('link', { name: subject }).waitFor();
    await check('07b-register');

    // A second, flash (Hỏa tốc) document to HU-KIMSON, made through the APIs by the same callers.
    const flashSubject = `Về việc phòng chống bão số ${Date.now()}`;
    await issueThroughApis(suite, clerk, caller('VPTU-DEMO', 'signer', 'person:bi-thu'), flashSubject);

    // It appears in the open inbox without a reload (the inbox's event stream).
    await watcher.getByRole('link', { name: subject }).waitFor({ timeout: 120_000 });
    t.match(await watcher.getByRole('status').first().textContent(), /Văn bản mới đến/);
    await screenshot(watcher, '07c-inbox-live');

    // The district's clerk finds it in the inbox and accepts it.
    await signInAs(caller('HU-KIMSON', 'registry'));
    await page.goto(`${url}/#/inbox`);
    t.ok(
      await until(page, () => page.getByRole('link', { name: subject }).isVisible()),
      'the document arrived in the inbox',
    );
    t.ok(
      await until(page, () => page.getByRole('link', { name: flashSubject }).isVisible()),
      'the flash document arrived too',
    );
    t.match(await page.locator('tbody tr').first().textContent(), flashSubject, 'urgent first');
    t.match(await page.locator('tbody tr').first().getAttribute('class'), /urgent/);
    await check('08-recipient-inbox');
    await page.getByRole('link', { name: subject }).click();
    await page.getByRole('button', { name: 'Tiếp nhận, vào sổ đến' }).click();
    await page.getByText(/Đã tiếp nhận, số đến \d+/).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="incoming"]', { hasText: /^\d+ \(\d{4}\)$/ }).waitFor();
    await check('09-accepted');
    const entryUrl = page.url();
    await page.getByRole('button', { name: 'Đã phân công' }).click();
    await page.locator('[data-testid="status"]', { hasText: 'Đã phân công' }).waitFor();

    // The sender sees the recipient's answer.
    await signInAs(clerk);
    await page.goto(`${url}/#/documents/${documentId}`);
    t.ok(
      await until(page, () =>
        page
          .getByRole('cell', { name: /Số đến \d+/ })
          .first()
          .isVisible(),
      ),
      "the sender sees the recipient's số đến",
    );
    await check('10-recipients');
    const evidence = JSON.parse((await downloaded(page, /bằng chứng gửi nhận/)).toString('utf8')) as {
      evidence?: unknown[];
    };
    t.ok(Array.isArray(evidence.evidence), "the delivery's signed evidence, downloaded from the page");

    // The sender recalls it; the recipient gives it back.
    await page.getByLabel('Lý do thu hồi').fill('Ban hành nhầm đối tượng');
    await page.getByRole('button', { name: 'Thu hồi văn bản' }).click();
    await page.locator('[data-testid="state"]', { hasText: 'Đã thu hồi' }).waitFor();
    await signInAs(caller('HU-KIMSON', 'registry'));
    await page.goto(entryUrl);
    t.ok(
      await until(page, () => page.getByRole('button', { name: 'Đồng ý thu hồi' }).isVisible()),
      'the recipient is asked to give it back',
    );
    await check('10b-recall-asked');
    await page.getByRole('button', { name: 'Đồng ý thu hồi' }).click();
    await page.locator('[data-testid="status"]', { hasText: 'Đồng ý thu hồi' }).waitFor();

    // The flash document is refused with a reason, and the sender reads it.
    await page.goto(`${url}/#/inbox`);
    await page.getByRole('link', { name: flashSubject }).click();
    await page.getByLabel('Lý do từ chối').fill('Gửi nhầm nơi nhận');
    await page.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    await page.locator('[data-testid="status"]', { hasText: 'Từ chối tiếp nhận' }).waitFor();
    await check('10c-refused');
    await signInAs(clerk);
    await page.goto(`${url}/#/outgoing`);
    await page.getByRole('link', { name: flashSubject }).click();
    t.ok(
      await until(page, () => page.getByRole('cell', { name: 'Gửi nhầm nơi nhận', exact: true }).isVisible()),
      "the sender reads the refusal's reason",
    );

    // Another office sees nothing of it, in any page.
    await signInAs(caller('HU-YENMO', 'registry'));
    for (const path of ['#/inbox', '#/outgoing']) {
      await page.goto(`${url}/${path}`);
      await page.getByRole('table').or(page.getByText('Không có văn bản.')).first().waitFor();
      t.notOk(await page.getByText(subject).isVisible(), `HU-YENMO's ${path} does not show it`);
    }
    await page.goto(`${url}/#/documents/${documentId}`);
    await page.getByRole('alert').waitFor();
    t.notOk(await page.getByText(subject).isVisible(), "HU-YENMO cannot open the document's page");
    await screenshot(page, '11-other-office');
    await signInAs(caller('HU-YENMO', 'archivist'));
    await page.goto(`${url}/#/archive`);
    await page.getByLabel(/Trích yếu/).fill(folded);
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.getByText('Không tìm thấy hồ sơ nào.').waitFor();

    // The province office's archivist finds it without diacritics and downloads the original.
    await signInAs(caller('VPTU-DEMO', 'archivist'));
    await page.goto(`${url}/#/archive`);
    await check('12-archive-search');
    const found = await until(
      page,
      async () => {
        await page.getByLabel(/Trích yếu/).fill(folded);
        await page.getByRole('button', { name: 'Tìm' }).click();
        await page.getByRole('table').or(page.getByText('Không tìm thấy hồ sơ nào.')).first().waitFor();
        return page.getByRole('link', { name: subject }).isVisible();
      },
      90,
    );
    t.ok(found, 'the archive found it by its words without diacritics');
    await screenshot(page, '13-archive-found');
    await page.getByRole('link', { name: subject }).click();
    await page.getByRole('button', { name: 'Tải bản gốc (PDF)' }).waitFor();
    await page.getByTestId('verdict').waitFor();
    t.ok(
      (await page
        .getByRole('row')
        .filter({ hasText: /Chữ ký \(/ })
        .count()) >= 2,
      "the record's page lists the signer's signature and the seal from signing's report",
    );
    await check('14-record');
    const original = await downloaded(page, 'Tải bản gốc (PDF)');
    t.equal(original.subarray(0, 5).toString('latin1'), '%PDF-', 'the original is a PDF');
    const bag = await downloaded(page, /BagIt/);
    t.equal(bag.subarray(257, 262).toString('latin1'), 'ustar', 'the BagIt export is a ustar');
    t.ok(bag.includes('bagit.txt'), 'with its bag declaration');
    await page.goto(`${url}/#/dispositions`);
    await page
      .getByText(/Không có hồ sơ nào hết thời hạn bảo quản|Hết hạn/)
      .first()
      .waitFor();
    await check('14b-dispositions');
    await page.goBack();

    // The tablet width keeps every page usable (no sideways scrolling of the page itself).
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.reload();
    await page.locator('#page-title').waitFor();
    t.ok(
      await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'),
      'the record fits a tablet',
    );
    await screenshot(page, '15-record-tablet');
    await signInAs(clerk);

    // A subject written as markup is shown as text, never run.
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const hostile = `<img src=x onerror="window.__xss=1">Thử <script>window.__xss=2</script> ${Date.now()}`;
    await page.goto(`${url}/#/outgoing/new`);
    await page.getByLabel('Người ký').locator('option[value="bi-thu"]').waitFor({ state: 'attached' });
    await page.getByLabel('Trích yếu').fill(hostile);
    await page.getByRole('checkbox', { name: /\(HU-KIMSON\)/ }).check();
    await page
      .getByLabel('Tệp văn bản (PDF)')
      .setInputFiles({ name: 'x.pdf', mimeType: 'application/pdf', buffer: await directivePdf() });
    await page.getByRole('button', { name: 'Trình ký' }).click();
    await page.locator('#page-title', { hasText: hostile }).or(page.locator('.error')).first().waitFor();
    await page.goto(`${url}/#/outgoing`);
    await page.getByRole('table').or(page.locator('.error')).first().waitFor();
    t.equal(await page.evaluate('window.__xss'), undefined, 'the markup in a subject never runs');
    t.equal(await page.locator('main img').count(), 0, 'nor becomes an element');

    for (const [path, name] of [
      ['#/inbox', 'inbox'],
      ['#/outgoing', 'outgoing'],
      ['#/outgoing/new', 'submit'],
      [`#/documents/${documentId}`, 'document'],
      ['#/register', 'register'],
    ]) {
      await page.goto(`${url}/${path}`);
      await page.locator('#page-title').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      t.ok(
        await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'),
        `${name} fits a tablet`,
      );
      await screenshot(page, `16-tablet-${name}`);
    }

    t.same(
      problems.filter((p) => !/status of 4\d\d/.test(p)),
      [],
      'no page error and no CSP refusal',
    );
  },
);
