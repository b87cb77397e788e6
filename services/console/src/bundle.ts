/**
 * The pages built at start with esbuild, in memory: `public/main.js` and everything it imports
 * (the pages, preact, htm, any package a page names, resolved from node_modules) into a few
 * minified ES modules, and `public/styles.css`, each named by a hash of its content
 * (`main-<hash>.js`, `chunk-<hash>.js`, `styles-<hash>.css`), so a browser may keep them for
 * good. pdf.js is not bundled: its published build, already minified, is imported when a page
 * needs it from `/vendor/pdfjs-<version>/` (static-files.ts), whose URL the pages get as
 * `PDFJS_BASE` (bundling it would minify it again at each start: about 0.3 s more, for nothing;
 * its worker, fonts and codecs must be served from there anyway).
 * index.html is rewritten to name the hashed files, with a module preload for each chunk the
 * first page needs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build, stop } from 'esbuild';
import type { Metafile, Plugin } from 'esbuild';

/** One built file, served under `/assets/<name>`. */
export interface Asset {
  body: Buffer;
  contentType: string;
}

/** What the console serves from the build. */
export interface ConsoleBundle {
  /** index.html naming the hashed entry module, its preloads and the hashed style sheet. */
  indexHtml: string;
  /** A strong ETag of `indexHtml`, for revalidation. */
  indexEtag: string;
  /** The built files by name (`main-<hash>.js`, their source maps, `styles-<hash>.css`). */
  assets: ReadonlyMap<string, Asset>;
}

/** What the build needs to know. */
export interface BundleOptions {
  /** The sources: `index.html`, `main.js`, `styles.css`, `lib/`, `pages/`. */
  publicDir: string;
  /** Where pdf.js's build, worker, fonts, character maps and codecs are served (`/vendor/pdfjs-<version>/`). */
  pdfjsBase: string;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** `import 'pdfjs-dist'` → pdf.js's own minified build at its versioned URL, loaded when first imported. */
function pdfjsExternal(pdfjsBase: string): Plugin {
  return {
    name: 'pdfjs-external',
    setup(b) {
      b.onResolve({ filter: /^pdfjs-dist$/ }, () => ({ path: `${pdfjsBase}build/pdf.min.mjs`, external: true }));
    },
  };
}

/** The output of `entry` in the metafile, and the chunks it imports statically. */
function entryOutputs(metafile: Metafile, entry: string): { main: string; preloads: string[] } {
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint !== entry) continue;
    const preloads = output.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => i.path);
    return { main: basename(path), preloads: preloads.map((p) => basename(p)) };
  }
  throw new Error(`the build has no output for ${entry}`);
}

/** Replaces `from` (which must occur exactly once) in the page by `to`. */
function replaceOnce(html: string, from: string, to: string): string {
  const at = html.indexOf(from);
  if (at < 0 || html.indexOf(from, at + 1) >= 0) throw new Error(`public/index.html must name ${from} once`);
  return html.slice(0, at) + to + html.slice(at + from.length);
}

/** How many builds run now. */
let building = 0;

/** Builds the pages (about 0.1 s); throws with esbuild's messages when a module cannot be built. */
export async function buildConsoleBundle(options: BundleOptions): Promise<ConsoleBundle> {
  building += 1;
  try {
    return await bundleOf(options);
  } finally {
    building -= 1;
    // esbuild's helper process would stay for the console's life: stopped once no build runs.
    if (building === 0) await stop();
  }
}

async function bundleOf(options: BundleOptions): Promise<ConsoleBundle> {
  const result = await build({
    absWorkingDir: options.publicDir,
    entryPoints: ['main.js', 'styles.css'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    outdir: join(options.publicDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    define: { PDFJS_BASE: JSON.stringify(options.pdfjsBase) },
    plugins: [pdfjsExternal(options.pdfjsBase)],
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const ending = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    assets.set(name, {
      body: Buffer.from(file.contents),
      contentType: contentTypes[ending] ?? 'text/plain; charset=utf-8',
    });
  }
  const { main, preloads } = entryOutputs(result.metafile, 'main.js');
  const styles = entryOutputs(result.metafile, 'styles.css').main;
  // The page's comments are for its readers, not its users.
  let html = (await readFile(join(options.publicDir, 'index.html'), 'utf8')).replace(/\n\s*<!--[\s\S]*?-->/g, '');
  html = replaceOnce(html, 'href="/styles.css"', `href="/assets/${styles}"`);
  html = replaceOnce(
    html,
    '<script type="module" src="/main.js"></script>',
    preloads.map((p) => `<link rel="modulepreload" href="/assets/${p}" />\n    `).join('') +
      `<script type="module" src="/assets/${main}"></script>`,
  );
  const indexEtag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
  return { indexHtml: html, indexEtag, assets };
}

const built = new Map<string, Promise<ConsoleBundle>>();

/** `buildConsoleBundle` once per process and options (the sources do not change while it runs). */
export function consoleBundle(options: BundleOptions): Promise<ConsoleBundle> {
  const key = JSON.stringify(options);
  let bundle = built.get(key);
  if (bundle === undefined) {
    bundle = buildConsoleBundle(options);
    built.set(key, bundle);
    bundle.catch(() => built.delete(key));
  }
  return bundle;
}

/** The texts of the page's inline scripts (those without `src`), which the CSP must allow by hash. */
export function inlineScriptsOf(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}
