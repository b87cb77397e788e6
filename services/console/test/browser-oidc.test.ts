/**
 * The identity provider's login in a real headless Chromium: the suite in embedded mode (in
 * this process, its services also trusting the test provider's key), a small real OpenID
 * Connect provider (support-idp.ts) and the console configured with it, without demo callers,
 * as a deployment has it. The sign-in page sends the browser to the provider, which signs in
 * HU-KIMSON's clerk; back at the console the code is exchanged with the PKCE verifier and the
 * inbox opens for that office with the provider's token. A state changed on the way is
 * refused before any exchange; a refusal at the provider (access_denied, or another error with
 * markup in its description), the token endpoint's refusal (a PKCE verifier that does not
 * match) and a forged callback are said plainly, and an expired token brings the sign-in page back. axe-core on the
 * sign-in page; no page error (a CSP refusal would be one).
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConsoleConfig } from '../src/config.ts';
import { startSuite } from '../../../scripts/lib/suite.ts';
import { portBase } from '../../../test/support/npm-start.ts';
import { chromiumPath, launchChromium, screenshot, seriousViolations } from './browser-support.ts';
import { startTestIdp } from './support-idp.ts';

if (chromiumPath !== undefined) t.setTimeout(600_000);

const clientId = 'lienthong-console';

void t.test(
  'sign-in page → provider → back: the inbox of the office; tampered state, access_denied, expiry said plainly',
  {
    skip:
      chromiumPath === undefined
        ? 'LIENTHONG_TEST_CHROMIUM is not set (infra/local up installs Debian chromium)'
        : false,
    timeout: 600_000,
  },
  async (t) => {
    const idp = await startTestIdp(t, {
      person: { sub: 'person:idp-van-thu', office: 'HU-KIMSON', roles: ['registry'], name: 'Lê Thị Xác Thực' },
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-console-oidc-'));
    const base = await portBase();
    const suite = await startSuite({
      mode: 'embedded',
      dataDir,
      host: '127.0.0.1',
      ports: { intake: base, signing: base + 1, archive: base + 2, delivery: base + 3 },
      logLevel: 'warn',
      extraAuthKeys: [idp.jwk],
    });
    t.teardown(async () => {
      await suite.close();
      await rm(dataDir, { recursive: true, force: true });
    });
    const app = await buildApp(
      loadConsoleConfig({
        LIENTHONG_LOG_LEVEL: 'warn',
        LIENTHONG_CONSOLE_INTAKE_URL: suite.endpoints.intake,
        LIENTHONG_CONSOLE_SIGNING_URL: suite.endpoints.signing,
        LIENTHONG_CONSOLE_ARCHIVE_URL: suite.endpoints.archive,
        LIENTHONG_CONSOLE_DELIVERY_URL: suite.endpoints.delivery,
        LIENTHONG_CONSOLE_OIDC_ISSUER: idp.issuer,
        LIENTHONG_CONSOLE_OIDC_CLIENT_ID: clientId,
      }),
    );
    t.teardown(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    idp.register(clientId, `${url}/oidc/callback`);

    const browser = await launchChromium(t);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      if (process.env.LIENTHONG_TEST_CONSOLE_DEBUG)
        process.stderr.write(`[page ${message.type()}] ${message.text()}\n`);
    });
    const loginButton = page.getByRole('button', { name: 'Đăng nhập qua hệ thống xác thực' });
    const alert = page.locator('#main [role="alert"]');
    /** From the sign-in page to the provider's login page. */
    const toProvider = async () => {
      await loginButton.click();
      await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/authorize?`));
      await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    };
    const stored = (key: string) => page.evaluate((k) => sessionStorage.getItem(k), key);

    // The sign-in page offers the provider's login (and no demo chooser: none is configured).
    await page.goto(`${url}/#/`);
    await loginButton.waitFor();
    t.equal(await page.getByRole('heading', { name: 'Người dùng mẫu' }).count(), 0, 'no demo chooser');
    await screenshot(page, 'o01-sign-in');
    t.same(await seriousViolations(page), [], 'axe: no serious violation on the sign-in page');

    // The provider's request: the console's client, its redirect URI, PKCE S256, state and nonce.
    await toProvider();
    const asked = new URL(page.url()).searchParams;
    t.equal(asked.get('client_id'), clientId);
    t.equal(asked.get('redirect_uri'), `${url}/oidc/callback`);
    t.equal(asked.get('response_type'), 'code');
    t.equal(asked.get('scope'), 'openid');
    t.equal(asked.get('code_challenge_method'), 'S256');
    t.match(asked.get('code_challenge'), /^[\w-]{43}$/);
    t.ok((asked.get('state') ?? '').length >= 20 && (asked.get('nonce') ?? '').length >= 20, 'a state and a nonce');
    t.equal(asked.get('code_verifier'), null, 'the verifier stays in the browser');

    // Signed in: the inbox of HU-KIMSON, with the provider's token; the code is in no URL.
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.waitForURL(`${url}/#/inbox`);
    await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
    await page.locator('#main table, #main p:has-text("Không có văn bản.")').first().waitFor();
    t.equal(await alert.count(), 0, 'the inbox answered the provider’s token');
    t.match(await page.locator('.who').textContent(), 'Lê Thị Xác Thực · HU-KIMSON');
    t.same(
      idp.tokenRequests.map((r) => r.outcome),
      ['ok'],
      'one exchange, its PKCE verifier and redirect URI accepted',
    );
    const kept = (await stored('lienthong.token')) ?? '';
    t.match(JSON.parse(Buffer.from(kept.split('.')[0] ?? '', 'base64url').toString()), { kid: 'test-idp' });
    t.equal(await stored('lienthong.oidc'), null, 'the verifier, state and nonce are gone');
    t.notMatch(page.url(), /code=|state=/);
    await screenshot(page, 'o02-inbox');
    // Back from the inbox: the callback with its code is not in the history.
    await page.goBack();
    t.notMatch(page.url(), /oidc\/callback|code=/, 'the callback URL was replaced, not pushed');

    // A state changed on the way back is refused before the code is exchanged.
    await page.goto(`${url}/#/inbox`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await toProvider();
    await page.evaluate("document.querySelector('input[name=state]').value = 'tampered-state'");
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await alert.waitFor();
    t.match(await alert.textContent(), /state sai/);
    t.equal(idp.tokenRequests.length, 1, 'no exchange of the code');
    t.equal(await stored('lienthong.token'), null, 'not signed in');
    t.equal(await stored('lienthong.oidc'), null, 'the round trip forgotten');
    t.equal(new URL(page.url()).pathname, '/', 'the callback URL replaced');
    await screenshot(page, 'o03-bad-state');

    // The person refuses at the provider: access_denied, said plainly.
    await toProvider();
    await page.getByRole('button', { name: 'Từ chối' }).click();
    await alert.waitFor();
    t.match(await alert.textContent(), /access_denied/);
    t.equal(await stored('lienthong.token'), null);
    await screenshot(page, 'o04-denied');
    t.same(await seriousViolations(page), [], 'axe: no serious violation on the sign-in page with its message');

    // The provider's other refusals: said with its words, as text (markup in them never runs).
    idp.refusal = { error: 'temporarily_unavailable', error_description: '<img src=x onerror="window.pwned=1">' };
    await toProvider();
    await page.getByRole('button', { name: 'Từ chối' }).click();
    await alert.waitFor();
    t.match(await alert.textContent(), /temporarily_unavailable.*<img src=x onerror="window.pwned=1">/);
    t.equal(await page.locator('#main img').count(), 0, 'the description is text');
    t.equal(await page.evaluate('window.pwned'), undefined);
    idp.refusal = { error: 'access_denied' };

    // The token endpoint refuses (here a verifier that does not match the challenge, changed at
    // the provider): said plainly, not signed in.
    await toProvider();
    await page.evaluate("document.querySelector('input[name=code_challenge]').value = 'A'.repeat(43)");
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await alert.waitFor();
    t.match(await alert.textContent(), /từ chối cấp mã truy cập \(invalid_grant\): PKCE verifier does not match/);
    t.same(idp.tokenRequests.at(-1)?.outcome, 'invalid_grant');
    t.equal(await stored('lienthong.token'), null);
    await screenshot(page, 'o05-token-refused');

    // A callback this tab never asked for (a link with someone's code): refused, nothing exchanged.
    await page.goto(`${url}/oidc/callback?code=forged&state=forged&iss=${encodeURIComponent(idp.issuer)}`);
    await alert.waitFor();
    t.match(await alert.textContent(), /Không có yêu cầu đăng nhập nào đang chờ/);
    t.equal(idp.tokenRequests.length, 2, 'only the exchanges above');
    t.notMatch(page.url(), /forged/);

    // Back from the provider's page without signing in: the button works again.
    await toProvider();
    await page.goBack();
    await loginButton.waitFor();
    t.ok(await loginButton.isEnabled(), 'the login can be started again');

    // A token that expires: the sign-in page comes back, saying why.
    idp.lifetimeSeconds = 3;
    await toProvider();
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await page.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor({ timeout: 60_000 });
    await loginButton.waitFor();
    t.equal(await stored('lienthong.token'), null, 'the expired token is forgotten');
    await screenshot(page, 'o06-expired');

    t.same(
      problems.filter((p) => !/status of 4\d\d/.test(p)),
      [],
      'no page error, no CSP refusal',
    );
  },
);
