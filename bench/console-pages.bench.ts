/**
 * Issue 20's "no page slower than 1 s on the demo data": the suite in embedded mode in this
 * process (scripts/lib/suite.ts, with the console), the demo directory and callers, a few
 * directives issued from VPTU-DEMO to HU-KIMSON and two left waiting for the Bí thư's
 * signature; then headless Chromium (playwright-core, Debian's chromium from
 * LIENTHONG_TEST_CHROMIUM) opens each main page as its caller and the time from navigation
 * to the page's content being shown (a selector the page renders once its data is in) is
 * taken: the median of several visits, each in a new tab of a profile that has opened the
 * page once (the first visit, with an empty cache, is printed too).
 *
 * Figure: the slowest page's time. Baseline: the API calls that same page makes, in the
 * same order and grouping, made directly to the services with fetch in the same run, so
 * the ratio is what the console (index.html and its built modules, the proxy, rendering,
 * pdf.js and its worker) adds. Every page's time and its calls' time are in the detail. No
 * infrastructure is needed: run it alone with a one-line runner that imports it and awaits
 * `run({})` (bench/run.ts starts infra/local first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDemoDirective } from '../scripts/lib/demo-document.ts';
import { startSuite } from '../scripts/lib/suite.ts';
import type { Suite, SuiteServiceName } from '../scripts/lib/suite.ts';
import type { Benchmark, BenchResult } from './types.ts';

/** Directives issued to HU-KIMSON, and drafts left waiting for the signer. */
const issuedCount = 6;
const waitingCount = 2;
/** Visits per page after the first (which warms the browser's cache and the services). */
const visits = 5;
const searchWords = 'chuyen doi so';

type Call = { service: SuiteServiceName; path: string; bytes?: boolean };
/** What a page asks the services for: groups made one after the other, the calls of a group at once. */
type Calls = Call[][];

interface PageCase {
  name: string;
  hash: string;
  token: string;
  /** Shown once the page's data is in. */
  selector: string;
  /** What the user does before the content shows (the archive's search form). */
  act?: (page: Page) => Promise<void>;
  calls: Calls;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** A JSON call to a service as `token`; throws with the answer when it is not 2xx. */
async function ask<T>(url: string, token: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls `ready` every half second for up to `ms`; throws `what` when it never holds. */
async function waitFor(what: string, ready: () => Promise<boolean>, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what}: not within ${ms / 1000} s`);
}

interface DemoData {
  issued: string[];
  waiting: string[];
  recordId: string;
}

/** Submits (and, but for the last `waitingCount`, signs and issues) directives through intake's API. */
async function makeDemoData(suite: Suite): Promise<DemoData> {
  const caller = (office: string, role: string) => {
    const found = suite.callers.find((c) => c.office === office && c.role === role);
    if (found === undefined) throw new Error(`no demo caller ${role} of ${office}`);
    return found;
  };
  const clerk = caller('VPTU-DEMO', 'registry');
  const signer = caller('VPTU-DEMO', 'signer');
  const intake = suite.endpoints.intake;
  const pdf = buildDemoDirective();
  const issued: string[] = [];
  const waiting: string[] = [];
  for (let i = 0; i < issuedCount + waitingCount; i += 1) {
    const form = new FormData();
    form.append(
      'metadata',
      JSON.stringify({
        type: 'CT',
        subject: `Về tăng cường chuyển đổi số trong các cơ quan đảng, đợt ${i + 1}`,
        recipients: { offices: ['HU-KIMSON'] },
        secrecy: 'ordinary',
        urgency: i % 3 === 0 ? 'flash' : 'urgent',
        signer: { person: signer.subject.replace(/^person:/, ''), authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
        retention: 'permanent',
      }),
    );
    form.append('content', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'chi-thi.pdf');
    const { id } = await ask<{ id: string }>(`${intake}/v1/documents`, clerk.token, { method: 'POST', body: form });
    if (i >= issuedCount) {
      waiting.push(id);
      continue;
    }
    await ask(`${intake}/v1/documents/${id}/signature`, signer.token, {
      method: 'POST',
      headers: { 'lienthong-pin': suite.pin },
    });
    await ask(`${intake}/v1/documents/${id}/issue`, clerk.token, { method: 'POST' });
    issued.push(id);
  }
  // Delivery and the archive take the issued documents in the background.
  const recipient = caller('HU-KIMSON', 'registry');
  await waitFor('every directive in HU-KIMSON inbox', async () => {
    const { entries } = await ask<{ entries: unknown[] }>(`${suite.endpoints.delivery}/v1/inbox`, recipient.token);
    return entries.length >= issuedCount;
  });
  const last = issued.at(-1)!;
  await waitFor('the delivery of the last directive', async () => {
    const { deliveries } = await ask<{ deliveries: unknown[] }>(
      `${suite.endpoints.delivery}/v1/deliveries?document=${last}`,
      clerk.token,
    );
    return deliveries.length > 0;
  });
  const archivist = caller('VPTU-DEMO', 'archivist');
  let recordId = '';
  await waitFor('every directive archived with its verification report', async () => {
    const { records } = await ask<{ records: { id: string }[] }>(
      `${suite.endpoints.archive}/v1/records?q=${encodeURIComponent(searchWords)}`,
      archivist.token,
    );
    if (records.length < issuedCount) return false;
    recordId = records[0]!.id;
    const pkg = await ask<{ package?: { objects?: { name: string }[] }; objects?: { name: string }[] }>(
      `${suite.endpoints.archive}/v1/records/${recordId}/package`,
      archivist.token,
    );
    return ((pkg.package ?? pkg).objects ?? []).some((o) => o.name === 'validation.json');
  });
  return { issued, waiting, recordId };
}

/** The main pages, each as its caller, with the calls it makes (services/console/public/pages). */
function pageCases(suite: Suite, data: DemoData): PageCase[] {
  const token = (office: string, role: string) =>
    suite.callers.find((c) => c.office === office && c.role === role)!.token;
  const clerk = token('VPTU-DEMO', 'registry');
  const document = data.issued.at(-1)!;
  const pending = data.waiting[0]!;
  const record = `/v1/records/${data.recordId}`;
  return [
    {
      name: 'inbox',
      hash: '#/inbox',
      token: token('HU-KIMSON', 'registry'),
      selector: 'table.list tbody tr',
      calls: [[{ service: 'delivery', path: '/v1/inbox' }]],
    },
    {
      name: 'outgoing',
      hash: '#/outgoing',
      token: clerk,
      selector: 'table.list tbody tr',
      calls: [[{ service: 'intake', path: '/v1/documents' }]],
    },
    {
      name: 'document',
      hash: `#/documents/${document}`,
      token: clerk,
      selector: '[data-testid="state"]',
      calls: [
        [
          { service: 'intake', path: `/v1/documents/${document}` },
          { service: 'intake', path: `/v1/documents/${document}/transitions` },
        ],
        [{ service: 'delivery', path: `/v1/deliveries?document=${document}` }],
        [{ service: 'delivery', path: `/v1/deliveries/{delivery}` }],
      ],
    },
    {
      name: 'sign-list',
      hash: '#/sign',
      token: token('VPTU-DEMO', 'signer'),
      selector: 'table.list tbody tr',
      calls: [[{ service: 'intake', path: '/v1/documents?state=awaiting-signature' }]],
    },
    {
      name: 'sign-pdf',
      hash: `#/sign/${pending}`,
      token: token('VPTU-DEMO', 'signer'),
      // Drawn by pdf.js, with the signature block's place over it.
      selector: '[data-testid="signature-preview"]',
      calls: [
        [
          { service: 'intake', path: `/v1/documents/${pending}` },
          { service: 'intake', path: '/v1/directory/people' },
          { service: 'intake', path: `/v1/documents/${pending}/content?version=original`, bytes: true },
        ],
      ],
    },
    {
      name: 'archive-search',
      hash: '#/archive',
      token: token('VPTU-DEMO', 'archivist'),
      selector: 'table.list tbody tr',
      act: async (page) => {
        await page.locator('#q').fill(searchWords);
        await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      },
      calls: [[{ service: 'archive', path: `/v1/records?q=${encodeURIComponent(searchWords)}` }]],
    },
    {
      name: 'record',
      hash: `#/archive/${data.recordId}`,
      token: token('VPTU-DEMO', 'archivist'),
      selector: '[data-testid="verdict"]',
      calls: [
        [
          { service: 'archive', path: record },
          { service: 'archive', path: `${record}/package` },
        ],
        [{ service: 'archive', path: `${record}/objects/validation.json` }],
      ],
    },
  ];
}

/** A browser profile signed in as the page's caller (each new tab starts with the token). */
async function signedIn(browser: Browser, c: PageCase): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  await context.addInitScript(`sessionStorage.setItem('lienthong.token', ${JSON.stringify(c.token)})`);
  return context;
}

/** What one visit took: to the content, to the shell (ms), and how many requests the tab made. */
interface Visit {
  ms: number;
  shell: number;
  requests: number;
}

/** One visit: a new tab of `context`, from navigation to the content shown (ms). */
async function visit(context: BrowserContext, consoleUrl: string, c: PageCase): Promise<Visit> {
  const page = await context.newPage();
  try {
    const errors: string[] = [];
    let requests = 0;
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', () => (requests += 1));
    const started = performance.now();
    await page.goto(new URL(c.hash, consoleUrl).href, { waitUntil: 'commit' });
    // The shell (modules loaded, the page's heading drawn) comes before the page's data.
    await page.locator('#page-title').waitFor({ timeout: 30_000 });
    const shell = performance.now() - started;
    if (c.act !== undefined) await c.act(page);
    await page.locator(c.selector).first().waitFor({ state: 'visible', timeout: 30_000 });
    const ms = performance.now() - started;
    if (errors.length > 0) throw new Error(`${c.name}: ${errors.join('; ')}`);
    return { ms, shell, requests };
  } finally {
    await page.close();
  }
}

/** The page's calls made directly to the services (ms). */
async function direct(suite: Suite, c: PageCase): Promise<number> {
  const started = performance.now();
  let delivery = '';
  for (const group of c.calls) {
    await Promise.all(
      group.map(async (call) => {
        const path = call.path.replace('{delivery}', delivery);
        const res = await fetch(`${suite.endpoints[call.service]}${path}`, {
          headers: { authorization: `Bearer ${c.token}` },
        });
        if (!res.ok) throw new Error(`${c.name}: ${path}: ${res.status}`);
        if (call.bytes === true) {
          await res.arrayBuffer();
          return;
        }
        const body = (await res.json()) as { deliveries?: { id: string }[] };
        if (body.deliveries?.[0] !== undefined) delivery = body.deliveries[0].id;
      }),
    );
  }
  return performance.now() - started;
}

const bench: Benchmark = {
  name: 'console-pages',
  target: 'slowest page < 1000 ms',
  async run(): Promise<BenchResult> {
    const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-bench-console-'));
    const [intake, signing, archive, delivery, consolePort] = await freePorts(5);
    let suite: Suite | undefined;
    let browser: Browser | undefined;
    try {
      suite = await startSuite({
        mode: 'embedded',
        dataDir,
        host: '127.0.0.1',
        ports: { intake: intake!, signing: signing!, archive: archive!, delivery: delivery! },
        consolePort: consolePort!,
        logLevel: 'warn',
      });
      const data = await makeDemoData(suite);
      browser = await chromium.launch({
        executablePath: process.env.LIENTHONG_TEST_CHROMIUM ?? '/usr/bin/chromium',
        args: ['--no-sandbox'],
      });
      const results: { name: string; first: Visit; page: number; shell: number; api: number }[] = [];
      for (const c of pageCases(suite, data)) {
        // The first visit, in a fresh profile, fetches the console's build (and pdf.js); the next
        // ones revalidate index.html and take the built files and pdf.js, named by hash or
        // version, from the cache, as a new tab of a browser that has opened the console before.
        const context = await signedIn(browser, c);
        try {
          const first = await visit(context, suite.console!, c);
          await direct(suite, c);
          const pages: Visit[] = [];
          const apis: number[] = [];
          for (let i = 0; i < visits; i += 1) {
            pages.push(await visit(context, suite.console!, c));
            apis.push(await direct(suite, c));
          }
          results.push({
            name: c.name,
            first,
            page: median(pages.map((v) => v.ms)),
            shell: median(pages.map((v) => v.shell)),
            api: median(apis),
          });
        } finally {
          await context.close();
        }
      }
      const slowest = results.reduce((a, b) => (b.page > a.page ? b : a));
      return {
        figure: slowest.page,
        baseline: slowest.api,
        unit: 'ms',
        baselineName: `${slowest.name}'s API calls by fetch`,
        detail:
          `slowest ${slowest.name}; per page, median of ${visits} visits in new tabs: content / shell / its calls ` +
          `direct (first visit with an empty cache: content, requests): ` +
          results
            .map(
              (r) =>
                `${r.name} ${r.page.toFixed(0)}/${r.shell.toFixed(0)}/${r.api.toFixed(0)} ms ` +
                `(${r.first.ms.toFixed(0)} ms, ${r.first.requests})`,
            )
            .join(', ') +
          `; ${issuedCount} issued to HU-KIMSON, ${waitingCount} waiting, embedded mode, 1280×800`,
      };
    } finally {
      await browser?.close();
      await suite?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
