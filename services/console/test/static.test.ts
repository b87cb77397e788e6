/**
 * The pages and the vendored modules: served with the console's security headers (a CSP with
 * no inline script but the import map's hash, no framing, no referrer), and nothing outside
 * the listed folders and file kinds, whatever the path says.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consoleApp, rawGet } from './support.ts';

const publicDir = join(import.meta.dirname, '..', 'public');

void t.test('the index page: Vietnamese, the import map allowed by its hash only, strict headers', async (t) => {
  const app = await consoleApp(t);
  const res = await app.inject({ method: 'GET', url: '/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.body, /<html lang="vi">/);
  const csp = String(res.headers['content-security-policy']);
  t.notMatch(csp, /unsafe-inline/);
  t.notMatch(csp, /'unsafe-eval'/);
  t.match(csp, /frame-ancestors 'none'/);
  t.match(csp, /default-src 'none'/);
  const html = await readFile(join(publicDir, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  t.ok(importMap.length > 0);
  const hash = createHash('sha256').update(importMap).digest('base64');
  t.ok(csp.includes(`'sha256-${hash}'`), 'the import map is allowed by its hash');
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.equal(res.headers['x-frame-options'], 'DENY');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['cache-control'], 'no-cache');
});

void t.test('every module the import map names is served as JavaScript', async (t) => {
  const app = await consoleApp(t);
  const html = await readFile(join(publicDir, 'index.html'), 'utf8');
  const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as {
    imports: Record<string, string>;
  };
  for (const url of [...Object.values(map.imports), '/vendor/pdfjs/pdf.worker.min.mjs', '/main.js', '/styles.css']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], url.endsWith('.css') ? /text\/css/ : /javascript/, url);
  }
  t.equal((await app.inject({ method: 'GET', url: '/vendor/pdfjs-fonts/FoxitFixed.pfb' })).statusCode, 200);
});

void t.test('hostile paths: no file outside the listed folders and kinds', async (t) => {
  const app = await consoleApp(t);
  for (const path of [
    '/vendor/../../etc/passwd',
    '/vendor/preact/../package.json',
    '/vendor/preact/%2e%2e/package.json',
    '/vendor/preact/..%2fpackage.json',
    '/vendor/pdfjs/../package.json',
    '/vendor/pdfjs/pdf.sandbox.mjs',
    '/vendor/htm/htm.js',
    '/vendor/pdfjs-wasm/../../../../package.json',
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/.hidden',
    '/vendor/',
  ]) {
    const res = await rawGet(app, path);
    t.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    t.notMatch(res.body, /root:|"name":/, path);
  }
});

void t.test('probes answer without a token', async (t) => {
  const app = await consoleApp(t);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});
