/**
 * What the browser loads: index.html (no-cache, revalidated by its ETag) naming this start's
 * build, the built files under `/assets/` (kept for good: their names hold their content's
 * hash) and pdf.js under its versioned prefix; every answer with the console's security headers
 * (a CSP with no inline script, no framing, no referrer); nothing else, whatever the path says.
 */
import t from 'tap';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsoleBundle, inlineScriptsOf } from '../src/bundle.ts';
import { contentSecurityPolicy, scriptHash } from '../src/security-headers.ts';
import { pdfjsFiles, publicDir } from '../src/static-files.ts';
import { consoleApp, rawGet } from './support.ts';

const forever = 'public, max-age=31536000, immutable';
const { base: pdfjsBase } = await pdfjsFiles();

/** The built files index.html names: its entry module, its preloads and its style sheet. */
function namedAssets(html: string): { main: string; all: string[] } {
  const main = /<script type="module" src="(\/assets\/main-[A-Z0-9]+\.js)"><\/script>/.exec(html)?.[1] ?? '';
  const all = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
  return { main, all };
}

/** A copy of `public/` that resolves packages from the workspace's node_modules, removed at the end. */
async function sourcesCopy(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-console-public-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(publicDir, join(dir, 'public'), { recursive: true });
  await symlink(join(import.meta.dirname, '..', '..', '..', 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'public');
}

void t.test('the index page: Vietnamese, no inline script, strict headers, revalidated each time', async (t) => {
  const app = await consoleApp(t);
  const res = await app.inject({ method: 'GET', url: '/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.body, /<html lang="vi">/);
  t.notMatch(res.body, /importmap|<!--/, 'no import map, no comment: the build named every module');
  t.same(inlineScriptsOf(res.body), []);
  const csp = String(res.headers['content-security-policy']);
  t.notMatch(csp, /unsafe-inline/);
  t.notMatch(csp, /'unsafe-eval'/);
  t.notMatch(csp, /sha256-/, 'no inline script to allow');
  t.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  t.match(csp, /frame-ancestors 'none'/);
  t.match(csp, /default-src 'none'/);
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.equal(res.headers['x-frame-options'], 'DENY');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['cache-control'], 'no-cache');
  const etag = String(res.headers.etag);
  t.match(etag, /^"[\w-]+"$/);
  const again = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': etag } });
  t.equal(again.statusCode, 304, 'unchanged: 304');
  t.equal(again.body, '');
  t.equal(again.headers['cache-control'], 'no-cache');
  const other = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': '"another build"' } });
  t.equal(other.statusCode, 200, 'another build: the page');
  t.equal((await app.inject({ method: 'GET', url: '/index.html' })).body, res.body);
});

void t.test('an inline script would be allowed by its hash only', async (t) => {
  const html =
    '<script type="importmap">{"imports":{}}</script><script type="module" src="/assets/main-X.js"></script>';
  t.same(inlineScriptsOf(html), ['{"imports":{}}']);
  const csp = contentSecurityPolicy(inlineScriptsOf(html));
  t.ok(csp.includes(scriptHash('{"imports":{}}')));
  t.notMatch(csp, /unsafe-inline/);
});

void t.test('the built files the page names: served with their type, kept for good, no bare import left', async (t) => {
  const app = await consoleApp(t);
  const html = (await app.inject({ method: 'GET', url: '/' })).body;
  const { main, all } = namedAssets(html);
  t.ok(main, 'the page names its entry module by hash');
  t.ok(
    all.some((url) => /^\/assets\/styles-[A-Z0-9]+\.css$/.test(url)),
    'and its style sheet',
  );
  for (const url of all) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], url.endsWith('.css') ? /text\/css/ : /javascript/, url);
    t.equal(res.headers['cache-control'], forever, url);
    t.match(res.headers['content-security-policy'], /default-src 'none'/, url);
  }
  const code = (await app.inject({ method: 'GET', url: main })).body;
  t.notMatch(code, /from\s*["'](preact|htm|pdfjs-dist)/, 'preact and htm are inside');
  t.notMatch(code, /PDFJS_BASE/, 'the pdf.js prefix is written in');
  t.ok(
    code.includes(`import("${pdfjsBase}build/pdf.min.mjs")`),
    'pdf.js is imported when needed, by its versioned URL',
  );
  const map = await app.inject({ method: 'GET', url: `${main}.map` });
  t.equal(map.statusCode, 200, 'its source map');
  t.ok((JSON.parse(map.body) as { sources: string[] }).sources.some((s) => s.endsWith('pages/sign-document.js')));
  t.equal((await app.inject({ method: 'HEAD', url: main })).statusCode, 200);
});

void t.test('pdf.js under its versioned prefix: module, worker, fonts, kept for good', async (t) => {
  t.match(pdfjsBase, /^\/vendor\/pdfjs-\d+\.\d+\.\d+[\w.-]*\/$/);
  const app = await consoleApp(t);
  for (const [path, type] of [
    ['build/pdf.min.mjs', /javascript/],
    ['build/pdf.worker.min.mjs', /javascript/],
    ['standard_fonts/FoxitFixed.pfb', /./],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `${pdfjsBase}${path}` });
    t.equal(res.statusCode, 200, path);
    t.match(res.headers['content-type'], type, path);
    t.equal(res.headers['cache-control'], forever, path);
  }
});

void t.test('the page names the build of the sources it was started with', async (t) => {
  const copy = await sourcesCopy(t);
  const before = await buildConsoleBundle({ publicDir: copy, pdfjsBase });
  const same = await buildConsoleBundle({ publicDir: copy, pdfjsBase });
  t.equal(same.indexHtml, before.indexHtml, 'the same sources, the same names');
  t.equal(same.indexEtag, before.indexEtag);
  const labels = join(copy, 'lib', 'labels.js');
  await writeFile(labels, `${await readFile(labels, 'utf8')}\nexport const changed = 'đổi';\n`);
  const after = await buildConsoleBundle({ publicDir: copy, pdfjsBase });
  const [was, now] = [namedAssets(before.indexHtml).main, namedAssets(after.indexHtml).main];
  t.not(now, was, 'a changed module, a new name');
  t.not(after.indexEtag, before.indexEtag, 'and a new ETag for the page');
  t.ok(after.assets.has(now.slice('/assets/'.length)));
  t.notOk(after.assets.has(was.slice('/assets/'.length)), 'the old build is not served');
});

void t.test('sources that cannot be built stop the start with the reason', async (t) => {
  const copy = await sourcesCopy(t);
  await writeFile(join(copy, 'main.js'), "import 'no-such-package-lienthong';\n");
  await t.rejects(buildConsoleBundle({ publicDir: copy, pdfjsBase }), /no-such-package-lienthong/);
  const other = await sourcesCopy(t);
  const index = join(other, 'index.html');
  await writeFile(index, (await readFile(index, 'utf8')).replace('src="/main.js"', 'src="/app.js"'));
  await t.rejects(buildConsoleBundle({ publicDir: other, pdfjsBase }), /index\.html must name .*\/main\.js/);
});

void t.test('an unknown built file: 404 problem+json, saying to reload', async (t) => {
  const app = await consoleApp(t);
  for (const url of ['/assets/main-AAAAAAAA.js', '/assets/main.js', '/assets/__proto__', '/assets/constructor']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 404, url);
    t.match(res.headers['content-type'], /application\/problem\+json/, url);
    t.match(res.json(), { status: 404, code: 'NOT_FOUND', detail: /reload/ }, url);
    t.not(res.headers['cache-control'], forever, url);
  }
  const long = await app.inject({ method: 'GET', url: `/assets/${'a'.repeat(200)}.js` });
  t.equal(long.statusCode, 400, 'an overlong name');
  t.match(long.headers['content-type'], /application\/problem\+json/);
});

void t.test('hostile paths: no source, no file outside the listed folders and kinds', async (t) => {
  const app = await consoleApp(t);
  for (const path of [
    '/main.js',
    '/lib/api.js',
    '/pages/sign-document.js',
    '/styles.css',
    '/assets/',
    '/assets/../package.json',
    '/assets/%2e%2e/src/app.ts',
    '/assets/..%2fsrc%2fapp.ts',
    '/assets/..%2f..%2fpackage.json',
    '/assets/main.js%00.map',
    '/vendor/preact/preact.mjs',
    '/vendor/pdfjs/pdf.min.mjs',
    `${pdfjsBase}../../package.json`,
    `${pdfjsBase}package.json`,
    `${pdfjsBase}build/../package.json`,
    `${pdfjsBase}build/%2e%2e/package.json`,
    `${pdfjsBase}build/..%2fpackage.json`,
    `${pdfjsBase}build/pdf.sandbox.mjs`,
    `${pdfjsBase}build/pdf.renderer.min.mjs`,
    `${pdfjsBase}wasm/../../../../package.json`,
    `${pdfjsBase}standard_fonts/../../../../etc/passwd`,
    '/vendor/pdfjs-0.0.0/build/pdf.min.mjs',
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/.hidden',
    '/vendor/',
  ]) {
    const res = await rawGet(app, path);
    t.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    t.notMatch(res.body, /root:|"name":|import |export /, path);
  }
});

void t.test('probes answer without a token', async (t) => {
  const app = await consoleApp(t);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});
