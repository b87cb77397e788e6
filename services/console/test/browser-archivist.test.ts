/**
 * The archivist's and the sender's next pages in a real headless Chromium, in front of the
 * suite in embedded mode: a directive (retention 10 years) sent to two district offices, one
 * accepting it (số đến) and one refusing it (a reason), through the services' APIs; the sender
 * reads each recipient's signed evidence in the document's page; the province's archivist places
 * a legal hold with a reason on its record and releases it, the record's hold, lock and history
 * shown after each act; the disposition pages (nothing is due in the demo: an ingested record is
 * locked for at least a day and its class lasts years, so a proposal of it is refused, said
 * plainly, and an archivist without archive-approver is refused a decision); a caller of another
 * office sees none of it. axe-core on each new page state; screenshots in
 * .data/test-artefacts/console/.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
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

if (chromiumPath !== undefined) t.setTimeout(900_000);

async function directivePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('CHI THI ve cong tac luu tru', { x: 60, y: 760, size: 16, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A call to a service with a caller's token; the status and the JSON body. */
async function ask<T = Record<string, unknown>>(
  url: string,
  token: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T };
}

/** Submits, signs and issues a directive of `retention` to `offices` through the APIs; its id. */
async function issueThroughApis(suite: Suite, clerk: Caller, signer: Caller, subject: string, offices: string[]) {
  const form = new FormData();
  form.append(
    'metadata',
    JSON.stringify({
      type: 'CT',
      subject,
      recipients: { offices },
      secrecy: 'ordinary',
      urgency: 'ordinary',
      signer: { person: signer.subject.replace(/^person:/, ''), authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
      retention: '10-years',
    }),
  );
  form.append('content', new Blob([await directivePdf()], { type: 'application/pdf' }), 'chi-thi.pdf');
  const made = await ask(`${suite.urls.intake}/v1/documents`, clerk.token, { method: 'POST', body: form });
  if (made.status !== 201 && made.status !== 200)
    throw new Error(`submit: ${made.status} ${JSON.stringify(made.body)}`);
  const id = String(made.body.id);
  const signed = await ask(`${suite.urls.intake}/v1/documents/${id}/signature`, signer.token, {
    method: 'POST',
    headers: { 'lienthong-pin': suite.pin },
  });
  if (signed.status >= 300) throw new Error(`sign: ${signed.status} ${JSON.stringify(signed.body)}`);
  const issued = await ask(`${suite.urls.intake}/v1/documents/${id}/issue`, clerk.token, { method: 'POST' });
  if (issued.status >= 300) throw new Error(`issue: ${issued.status} ${JSON.stringify(issued.body)}`);
  return id;
}

/** Asks `probe` once a second, at most `tries` times, until it answers something. */
async function eventually<T>(probe: () => Promise<T | undefined>, tries = 180): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('never came');
}

/** The recipient's inbox entry of `documentId`, once consigned. */
async function entryOf(suite: Suite, clerk: Caller, documentId: string): Promise<string> {
  return eventually(async () => {
    const { body } = await ask<{ entries?: { id: string; documentId: string }[] }>(
      `${suite.urls.delivery}/v1/inbox`,
      clerk.token,
    );
    return (body.entries ?? []).find((e) => e.documentId === documentId)?.id;
  });
}

/** A page reloaded until `ready` holds, at most `tries` times one second apart. */
async function until(page: Page, ready: () => Promise<boolean>, tries = 120): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await ready()) return true;
    // The page's later sections (the evidence) load after its title: give them a second
    // before asking again, and only then load the page anew.
    await page.waitForTimeout(1000);
    if (await ready()) return true;
    await page.reload();
    await page.locator('#page-title').waitFor();
  }
  await page.waitForTimeout(1000);
  return ready();
}

void t.test(
  'legal hold, disposition and per-recipient evidence, in the pages',
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
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      if (process.env.LIENTHONG_TEST_CONSOLE_DEBUG)
        process.stderr.write(`[page ${message.type()}] ${message.text()}\n`);
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    const caller = (office: string, role: string): Caller => {
      const found = suite.callers.find((c) => c.office === office && c.role === role);
      if (found === undefined) throw new Error(`no demo caller ${role} of ${office}`);
      return found;
    };
    const check = async (name: string) => {
      await page.locator('#page-title').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
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

    const clerk = caller('VPTU-DEMO', 'registry');
    const archivist = caller('VPTU-DEMO', 'archivist');
    const subject = `Về công tác lưu trữ năm ${Date.now()}`;
    const documentId = await issueThroughApis(suite, clerk, caller('VPTU-DEMO', 'signer'), subject, [
      'HU-KIMSON',
      'HU-NHOQUAN',
    ]);

    // One recipient accepts it (số đến), the other refuses it with a reason.
    const kimson = caller('HU-KIMSON', 'registry');
    const accepted = await ask(
      `${suite.urls.delivery}/v1/inbox/${await entryOf(suite, kimson, documentId)}/acceptance`,
      kimson.token,
      { method: 'POST' },
    );
    t.equal(accepted.status, 200, 'HU-KIMSON accepts it');
    const nhoquan = caller('HU-NHOQUAN', 'registry');
    const refusal = 'Không thuộc thẩm quyền <b>xử lý</b>';
    const refused = await ask(
      `${suite.urls.delivery}/v1/inbox/${await entryOf(suite, nhoquan, documentId)}/refusal`,
      nhoquan.token,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: refusal }) },
    );
    t.equal(refused.status, 200, 'HU-NHOQUAN refuses it with a reason');

    // The sender reads each recipient's evidence in the page: the acts, sealed by whose office.
    await signInAs(clerk);
    await page.goto(`${url}/#/documents/${documentId}`);
    const kimsonEvidence = page.getByTestId('evidence-HU-KIMSON');
    const nhoquanEvidence = page.getByTestId('evidence-HU-NHOQUAN');
    t.ok(
      await until(
        page,
        async () =>
          (await kimsonEvidence
            .getByRole('row')
            .filter({ hasText: /Đã tiếp nhận.*Số đến: \d+.*Đã đóng dấu/ })
            .count()) === 1 &&
          (await nhoquanEvidence
            .getByRole('row')
            .filter({ hasText: /Từ chối tiếp nhận.*Đã đóng dấu/ })
            .count()) === 1,
      ),
      'the acceptance (với số đến) and the refusal are shown, sealed',
    );
    t.match(await nhoquanEvidence.textContent(), `Lý do: ${refusal}`, 'the refusal reason, as text');
    t.equal(await page.locator('main b').count(), 0, 'the reason’s markup is never an element');
    t.match(await kimsonEvidence.textContent(), /Nơi gửi chuyển đi.*VPTU-DEMO/, 'the submission heads each chain');
    t.match(await kimsonEvidence.textContent(), /Đã chuyển vào hộp đến/, 'the consignment');
    const acceptRow = kimsonEvidence.getByRole('row').filter({ hasText: 'Đã tiếp nhận' });
    t.match(await acceptRow.textContent(), /HU-KIMSON/, "the acceptance is sealed by the recipient's office");
    t.ok(
      await until(
        page,
        // Three acts shown (an empty table would have no row 'not yet stamped' either), none unstamped.
        async () =>
          (await kimsonEvidence.getByRole('row').filter({ hasText: 'Đã gắn' }).count()) >= 3 &&
          (await kimsonEvidence.getByRole('row').filter({ hasText: 'Chưa gắn' }).count()) === 0,
      ),
      'every act time-stamped (the batch stamped by the TSA)',
    );
    t.ok(
      await page
        .getByRole('button', { name: /Tải bằng chứng gửi nhận \(JSON\)/ })
        .waitFor({ timeout: 30_000 })
        .then(
          () => true,
          () => false,
        ),
      'the JSON download kept',
    );
    await check('a01-sender-evidence');
    const fitsTablet = async (name: string) => {
      await page.setViewportSize({ width: 820, height: 1180 });
      t.ok(
        await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'),
        `${name} fits a tablet`,
      );
      await screenshot(page, `${name}-tablet`);
      await page.setViewportSize({ width: 1280, height: 800 });
    };
    await fitsTablet('a01-sender-evidence');

    // The province's archivist: the record's hold, placed and released, its history after each.
    const recordId = documentId.toLowerCase();
    await eventually(async () => {
      const { status } = await ask(`${suite.urls.archive}/v1/records/${recordId}/package`, archivist.token);
      return status === 200 ? true : undefined;
    });
    await signInAs(archivist);
    await page.goto(`${url}/#/archive/${recordId}`);
    await page.getByTestId('hold-state').waitFor();
    t.match(await page.getByTestId('hold-state').textContent(), 'Không phong tỏa');
    await check('a02-record-unheld');
    const holdReason = 'Phục vụ thanh tra năm 2026';
    await page.getByLabel('Lý do phong tỏa').fill(holdReason);
    await page.getByRole('button', { name: 'Phong tỏa hồ sơ' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã phong tỏa pháp lý' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('hold-state').filter({ hasText: 'Đang phong tỏa' }).waitFor();
    t.equal(await page.getByTestId('legal-hold').textContent(), 'Có', 'the package says held');
    t.match(await page.getByTestId('locked-until').textContent(), /\d/, 'the store lock shown');
    await page
      .getByTestId('record-history')
      .getByText(`Phong tỏa pháp lý (${archivist.subject}): Lý do: ${holdReason}`, { exact: false })
      .waitFor();
    await check('a03-record-held');
    await page.getByRole('button', { name: 'Gỡ phong tỏa' }).click();
    await page
      .getByTestId('hold-state')
      .filter({ hasText: 'Không phong tỏa' })
      .or(page.locator('.error'))
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'a04-record-released');
    t.equal(await page.locator('.error').count(), 0, 'the release is not refused');
    t.equal(await page.getByTestId('legal-hold').textContent(), 'Không', 'released');
    await page.getByTestId('record-history').getByText('Gỡ phong tỏa pháp lý').waitFor();
    await check('a04-record-released');
    await fitsTablet('a04-record-released');
    // A hold without a reason is refused by the form, nothing sent.
    await page.getByRole('button', { name: 'Phong tỏa hồ sơ' }).click();
    t.equal(await page.getByTestId('legal-hold').textContent(), 'Không', 'no reason, no hold');

    // Dispositions: nothing due in the demo; a proposal of this record is refused, said plainly.
    await page.goto(`${url}/#/dispositions`);
    await page.getByText('Không có hồ sơ nào hết thời hạn bảo quản.').waitFor();
    await check('a05-dispositions-none-due');
    const viaConsole = (path: string, who: Caller, init: RequestInit = {}) =>
      ask(`${url}/api/archive${path}`, who.token, init);
    const json = (body: unknown): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const proposal = await viaConsole(
      '/v1/dispositions',
      archivist,
      json({ recordIds: [recordId], reason: 'Hết hạn' }),
    );
    t.equal(proposal.status, 409);
    t.equal(proposal.body.code, 'DISPOSITION_RECORDS_NOT_DUE', 'a record not due cannot be proposed');
    const decision = await viaConsole(`/v1/dispositions/${randomUUID()}/approve`, archivist, json({}));
    t.equal(decision.status, 403, 'an archivist without archive-approver decides nothing');
    // An unknown proposal opened by its id: said plainly.
    await page.getByLabel('Mã đề nghị tiêu hủy').fill(randomUUID());
    await page.getByRole('button', { name: 'Mở đề nghị' }).click();
    await page.getByRole('alert').filter({ hasText: 'Văn phòng không có đề nghị tiêu hủy này' }).waitFor();
    await check('a06-disposition-not-found');

    // Another office's archivist and clerk see none of it.
    const yenmoArchivist = caller('HU-YENMO', 'archivist');
    await signInAs(yenmoArchivist);
    await page.goto(`${url}/#/archive/${recordId}`);
    await page.getByRole('alert').filter({ hasText: 'Văn phòng không có hồ sơ này' }).first().waitFor();
    t.equal(await page.getByTestId('hold-state').count(), 0, 'no hold form for a record of another office');
    await check('a07-other-office-record');
    const foreignHold = await viaConsole(`/v1/records/${recordId}/hold`, yenmoArchivist, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    });
    t.equal(foreignHold.status, 404, "another office's archivist cannot hold it");
    const yenmoClerk = caller('HU-YENMO', 'registry');
    await signInAs(yenmoClerk);
    await page.goto(`${url}/#/documents/${documentId}`);
    await page.getByRole('alert').first().waitFor();
    t.equal(await page.getByTestId('evidence-HU-KIMSON').count(), 0, "no evidence shown to another office's clerk");
    const { deliveries } = (await ask(`${suite.urls.delivery}/v1/deliveries?document=${documentId}`, clerk.token))
      .body as { deliveries: { id: string }[] };
    const foreignEvidence = await ask(
      `${url}/api/delivery/v1/deliveries/${deliveries[0]!.id}/evidence`,
      yenmoClerk.token,
    );
    t.equal(foreignEvidence.status, 404, "another office's clerk cannot read the evidence");
    // The record stayed unheld through all of it.
    const pkg = await ask<{ package?: { legalHold: boolean }; legalHold?: boolean }>(
      `${suite.urls.archive}/v1/records/${recordId}/package`,
      archivist.token,
    );
    t.equal((pkg.body.package ?? pkg.body).legalHold, false);

    t.same(
      problems.filter((p) => !/status of 4\d\d/.test(p)),
      [],
      'no page error and no CSP refusal',
    );
  },
);
