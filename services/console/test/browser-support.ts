/**
 * What the console's browser tests share: the suite started as `npm start` starts it (embedded
 * mode, a child process), the console in this process in front of it with the suite's demo
 * callers, and Debian's Chromium driven by playwright-core (`LIENTHONG_TEST_CHROMIUM`; browser
 * downloads are not used), with axe-core run in each page and screenshots kept under
 * `.data/test-artefacts/console/`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { loadConsoleConfig } from '../src/config.ts';
import { portBase } from '../../../test/support/npm-start.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** Where screenshots are kept (git-ignored with the rest of .data). */
export const artefactsDir = join(root, '.data', 'test-artefacts', 'console');

/** Debian's chromium, as infra's tools install it; undefined when absent (the test is skipped). */
export const chromiumPath = process.env.LIENTHONG_TEST_CHROMIUM;

type Teardown = { teardown(fn: () => unknown): void };

/** A demo caller as the console's chooser lists them. */
export interface Caller {
  office: string;
  role: string;
  name: string;
  subject: string;
  token: string;
}

/** The running suite: its callers (from its client configurations) and the demo signer's PIN. */
export interface Suite {
  callers: Caller[];
  pin: string;
  urls: { intake: string; signing: string; archive: string; delivery: string };
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Starts scripts/start.ts on a fresh folder and waits until it is ready (at most 3 minutes). */
export async function startSuite(t: Teardown): Promise<Suite> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-console-'));
  const base = await portBase();
  const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts', 'start.ts')], {
    env: {
      ...process.env,
      LIENTHONG_EMBEDDED_DIR: dataDir,
      LIENTHONG_PORT_BASE: String(base),
      LIENTHONG_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the suite was not ready within 180 s:\n${output}`)), 180_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready in')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the suite exited with ${String(code)}:\n${output}`));
    });
  });
  const callers: Caller[] = [];
  const cli = join(dataDir, 'cli');
  for (const office of await readdir(cli)) {
    for (const file of await readdir(join(cli, office))) {
      const { token } = JSON.parse(await readFile(join(cli, office, file), 'utf8')) as { token: string };
      const c = claims(token);
      callers.push({ office, role: file.replace(/\.json$/, ''), name: String(c.name), subject: String(c.sub), token });
    }
  }
  const { signerPin } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as { signerPin: string };
  const at = (i: number) => `http://127.0.0.1:${base + i}`;
  return { callers, pin: signerPin, urls: { intake: at(0), signing: at(1), archive: at(2), delivery: at(3) } };
}

/** The console in front of the suite, with its demo callers, listening on a free loopback port. */
export async function startConsole(t: Teardown, suite: Suite): Promise<{ app: FastifyInstance; url: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'console-callers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'callers.json');
  await writeFile(file, JSON.stringify({ callers: suite.callers }), { mode: 0o600 });
  const app = await buildApp(
    loadConsoleConfig({
      LIENTHONG_LOG_LEVEL: 'warn',
      LIENTHONG_CONSOLE_INTAKE_URL: suite.urls.intake,
      LIENTHONG_CONSOLE_SIGNING_URL: suite.urls.signing,
      LIENTHONG_CONSOLE_ARCHIVE_URL: suite.urls.archive,
      LIENTHONG_CONSOLE_DELIVERY_URL: suite.urls.delivery,
      LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: file,
    }),
  );
  t.teardown(() => app.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/** Chromium, headless, from `chromiumPath`. */
export async function launchChromium(t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  await mkdir(artefactsDir, { recursive: true });
  return browser;
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/** An axe-core violation, as much as the tests report. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core (WCAG 2 A and AA rules) in the page as it is now; returns the serious and
 * critical violations. Evaluated through the DevTools protocol, so the page's CSP stays on.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations: AxeViolation[] = await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))",
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot of the whole page as `<name>.png` in the artefacts folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artefactsDir, `${name}.png`), fullPage: true });
}
