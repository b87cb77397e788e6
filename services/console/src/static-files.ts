/**
 * The pages (`public/`, ES modules served as they are: no bundler) and the libraries they
 * import, served from node_modules under `/vendor/` by an explicit list of folders and file
 * kinds: preact, its hooks, htm, oauth4webapi (the identity provider's login), and pdf.js with its worker, fonts, character maps and
 * WebAssembly codecs. The import map in `public/index.html` names them.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the pages are. */
export const publicDir = join(import.meta.dirname, '..', 'public');

/** The folder of an installed package, found from its resolved entry point. */
async function packageDir(name: string): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // not the package's root yet
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
}

/** `/vendor/<prefix>/` → a package's folder, and the file endings served from it. */
async function vendorFolders(): Promise<{ prefix: string; root: string; endings: RegExp }[]> {
  const preact = await packageDir('preact');
  const htm = await packageDir('htm');
  const pdfjs = await packageDir('pdfjs-dist');
  const oauth = await packageDir('oauth4webapi');
  const modules = /\.mjs(\.map)?$/;
  return [
    { prefix: '/vendor/preact/', root: join(preact, 'dist'), endings: modules },
    { prefix: '/vendor/preact-hooks/', root: join(preact, 'hooks', 'dist'), endings: modules },
    { prefix: '/vendor/htm/', root: join(htm, 'dist'), endings: modules },
    { prefix: '/vendor/oauth4webapi/', root: join(oauth, 'build'), endings: /^\/index\.js(\.map)?$/ },
    { prefix: '/vendor/pdfjs/', root: join(pdfjs, 'build'), endings: /^\/pdf(\.worker)?(\.min)?\.mjs(\.map)?$/ },
    { prefix: '/vendor/pdfjs-fonts/', root: join(pdfjs, 'standard_fonts'), endings: /\.(pfb|ttf)$/ },
    { prefix: '/vendor/pdfjs-cmaps/', root: join(pdfjs, 'cmaps'), endings: /\.bcmap$/ },
    { prefix: '/vendor/pdfjs-wasm/', root: join(pdfjs, 'wasm'), endings: /\.(wasm|js)$/ },
  ];
}

/** Serves `public/` at `/` (index.html for `/`) and the vendored modules under `/vendor/`. */
export async function staticFiles(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/',
    index: ['index.html'],
    dotfiles: 'deny',
    // The pages change with the release; the browser asks again each time (ETag answers 304).
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'no-cache');
    },
  });
  for (const folder of await vendorFolders()) {
    await app.register(fastifyStatic, {
      root: folder.root,
      prefix: folder.prefix,
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      allowedPath: (path) => folder.endings.test(path),
      maxAge: '1h',
    });
  }
}
