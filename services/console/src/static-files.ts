/**
 * What the browser loads: index.html (revalidated on each load: it names the build of this
 * start), the built pages under `/assets/` (bundle.ts; named by their content's hash, so kept
 * for good), and pdf.js's published files from node_modules under `/vendor/pdfjs-<version>/`
 * (its module, worker, standard fonts, character maps and WebAssembly codecs, by an explicit
 * list of folders and file kinds; kept for good too, as a version's files never change).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, serviceErrors, toProblem, Type } from '@lienthong/service';
import type { ConsoleBundle } from './bundle.ts';

/** Where the pages' sources are. */
export const publicDir = join(import.meta.dirname, '..', 'public');

/** What a file named by its content (or by a package's version) may be kept for. */
const forever = 'public, max-age=31536000, immutable';

/** The folder and `package.json` of an installed package, found from its resolved entry point. */
async function installedPackage(name: string): Promise<{ dir: string; version: string }> {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && typeof pkg.version === 'string') return { dir, version: pkg.version };
    } catch {
      // not the package's root yet
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
}

/** pdf.js as served: its URL prefix (with the version, e.g. `/vendor/pdfjs-6.5.438/`) and its folder. */
export interface PdfjsFiles {
  base: string;
  root: string;
}

/** Where the installed pdfjs-dist is, and the prefix it is served under. */
export async function pdfjsFiles(): Promise<PdfjsFiles> {
  const { dir, version } = await installedPackage('pdfjs-dist');
  if (!/^[\w.-]+$/.test(version)) throw new Error(`pdfjs-dist has an odd version: ${version}`);
  return { base: `/vendor/pdfjs-${version}/`, root: dir };
}

/** The folders of pdf.js served under its prefix, and the file endings served from each. */
const pdfjsFolders: { folder: string; endings: RegExp }[] = [
  { folder: 'build', endings: /^\/pdf(\.worker)?(\.min)?\.mjs(\.map)?$/ },
  { folder: 'standard_fonts', endings: /^\/[\w-]+\.(pfb|ttf)$/ },
  { folder: 'cmaps', endings: /^\/[\w-]+\.bcmap$/ },
  { folder: 'wasm', endings: /^\/[\w-]+\.(wasm|js)$/ },
];

/** What `staticFiles` serves. */
export interface StaticFilesOptions {
  bundle: ConsoleBundle;
  pdfjs: PdfjsFiles;
}

/** Serves index.html at `/`, the build under `/assets/` and pdf.js under its versioned prefix. */
export async function staticFiles(app: FastifyInstance, options: StaticFilesOptions): Promise<void> {
  const { bundle, pdfjs } = options;
  const index = async (request: FastifyRequest, reply: FastifyReply) => {
    // The page changes with each start's build; the browser asks again each time (304 when unchanged).
    reply.header('cache-control', 'no-cache').header('etag', bundle.indexEtag);
    if (request.headers['if-none-match'] === bundle.indexEtag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(bundle.indexHtml);
  };
  app.get('/', index);
  app.get('/index.html', index);
  app.get(
    '/assets/:name',
    { schema: { params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }) } },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const asset = bundle.assets.get(name);
      if (asset === undefined) {
        return sendProblem(
          reply,
          toProblem(request, serviceErrors.NOT_FOUND, 'No such file in this build of the console: reload the page.'),
        );
      }
      return reply.header('cache-control', forever).type(asset.contentType).send(asset.body);
    },
  );
  for (const { folder, endings } of pdfjsFolders) {
    await app.register(fastifyStatic, {
      root: join(pdfjs.root, folder),
      prefix: `${pdfjs.base}${folder}/`,
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      allowedPath: (path) => endings.test(path),
      maxAge: '365d',
      immutable: true,
    });
  }
}
