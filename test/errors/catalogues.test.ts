/**
 * Every error catalogue against its README: each code is documented, each documented code
 * exists, with the same status (and title, where the table has a title column); statuses
 * are 4xx/5xx; a code is listed once. A README's error table is any Markdown table whose
 * first header cell is `code` (any case); a code cell may be in backticks.
 *
 * To check another package, add one line to `catalogues`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { ErrorDefinition } from '@lienthong/kit';

/** A catalogue to check: its package, how to load it, its README (path from the repository root). */
interface CatalogueCase {
  name: string;
  load: () => Promise<Readonly<Record<string, ErrorDefinition>>>;
  readme: string;
}

const catalogues: CatalogueCase[] = [
  {
    name: '@lienthong/bus',
    load: async () => (await import('@lienthong/bus')).busErrors,
    readme: 'libs/bus/README.md',
  },
  { name: '@lienthong/db', load: async () => (await import('@lienthong/db')).dbErrors, readme: 'libs/db/README.md' },
  {
    name: '@lienthong/storage',
    load: async () => (await import('@lienthong/storage')).storageErrors,
    readme: 'libs/storage/README.md',
  },
  {
    name: '@lienthong/service',
    load: async () => (await import('@lienthong/service')).serviceErrors,
    readme: 'libs/service/ERRORS.md',
  },
  {
    name: '@lienthong/cli',
    load: async () => (await import('@lienthong/cli')).cliErrors,
    readme: 'libs/cli/README.md',
  },
  {
    name: '@lienthong/pki',
    load: async () => (await import('@lienthong/pki')).pkiErrors,
    readme: 'libs/pki/README.md',
  },
  {
    name: '@lienthong/pdf',
    load: async () => (await import('@lienthong/pdf')).pdfErrors,
    readme: 'libs/pdf/README.md',
  },
  {
    name: '@lienthong/pdf appearances',
    load: async () => (await import('@lienthong/pdf')).appearanceErrors,
    readme: 'libs/pdf/src/appearance/README.md',
  },
  {
    name: '@lienthong/evidence',
    load: async () => (await import('@lienthong/evidence')).evidenceErrors,
    readme: 'libs/evidence/README.md',
  },
  {
    name: '@lienthong/records',
    load: async () => (await import('@lienthong/records')).recordsErrors,
    readme: 'libs/records/README.md',
  },
  {
    name: '@lienthong/intake',
    load: async () => (await import('@lienthong/intake')).intakeErrors,
    readme: 'services/intake/README.md',
  },
  {
    name: '@lienthong/delivery',
    load: async () => (await import('@lienthong/delivery')).deliveryErrors,
    readme: 'services/delivery/README.md',
  },
  {
    name: '@lienthong/archive',
    load: async () => (await import('@lienthong/archive')).archiveErrors,
    readme: 'services/archive/README.md',
  },
  {
    name: '@lienthong/console',
    load: async () => (await import('@lienthong/console')).consoleErrors,
    readme: 'services/console/README.md',
  },
  {
    name: '@lienthong/signing',
    load: async () => (await import('@lienthong/signing')).signingErrors,
    readme: 'services/signing/README.md',
  },
];

const root = join(import.meta.dirname, '..', '..');

/** One row of an error table: the code and the cells under the other headers (lower-cased). */
interface DocumentedCode {
  code: string;
  cells: Record<string, string>;
  line: number;
}

const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
const isSeparator = (cells: string[]): boolean => cells.every((c) => /^:?-+:?$/.test(c));

/** The rows of every table in `markdown` whose first header cell is `code`. */
function documentedCodes(markdown: string): DocumentedCode[] {
  const lines = markdown.split('\n');
  const rows: DocumentedCode[] = [];
  let header: string[] | undefined;
  for (const [index, line] of lines.entries()) {
    if (!line.trimStart().startsWith('|')) {
      header = undefined;
      continue;
    }
    const cells = cellsOf(line);
    if (header === undefined) {
      const previous = lines[index - 1] ?? '';
      if (!previous.trimStart().startsWith('|')) header = cells.map((c) => c.toLowerCase());
      continue;
    }
    if (isSeparator(cells) || header[0] !== 'code') continue;
    const entry: Record<string, string> = {};
    header.forEach((name, i) => {
      entry[name] = cells[i] ?? '';
    });
    rows.push({ code: (cells[0] ?? '').replace(/^`|`$/g, ''), cells: entry, line: index + 1 });
  }
  return rows;
}

for (const { name, load, readme } of catalogues) {
  void t.test(`${name}: the catalogue and ${readme} agree`, async (t) => {
    const catalogue = await load();
    const rows = documentedCodes(await readFile(join(root, readme), 'utf8'));
    t.ok(Object.keys(catalogue).length > 0, 'the catalogue has codes');
    t.ok(rows.length > 0, `${readme} has an error table (first header cell: code)`);

    const seen = new Set<string>();
    for (const row of rows) {
      t.notOk(seen.has(row.code), `${row.code} is listed once (line ${row.line})`);
      seen.add(row.code);
      const definition = catalogue[row.code];
      if (definition === undefined) {
        t.fail(`${readme}:${row.line} lists ${row.code}, which the catalogue does not have`);
        continue;
      }
      if ('status' in row.cells)
        t.equal(row.cells.status, String(definition.status), `${row.code}: status in ${readme}`);
      if ('title' in row.cells) t.equal(row.cells.title, definition.title, `${row.code}: title in ${readme}`);
      const described = Object.entries(row.cells).some(
        ([column, text]) => !['code', 'status', 'title'].includes(column) && text.length > 0,
      );
      t.ok(described, `${row.code}: ${readme} says when it happens`);
    }

    for (const [code, definition] of Object.entries(catalogue)) {
      t.equal(definition.code, code, `${code}: its definition carries its own code`);
      t.ok(
        Number.isInteger(definition.status) && definition.status >= 400 && definition.status <= 599,
        `${code}: status ${definition.status} is 4xx/5xx`,
      );
      t.ok(definition.title.length > 0, `${code}: has a title`);
      t.ok(seen.has(code), `${code} is documented in ${readme}`);
    }
  });
}

void t.test('the table reader finds codes in backticks, skips other tables and reads the columns', async (t) => {
  const rows = documentedCodes(
    [
      '| Command | Does |',
      '| --- | --- |',
      '| `x` | y |',
      '',
      '| Code | Status | Meaning |',
      '| --- | --- | --- |',
      '| `A_B` | 404 | when a \\| b |',
      '| C | 500 | c |',
    ].join('\n'),
  );
  t.same(
    rows.map((r) => r.code),
    ['A_B', 'C'],
  );
  t.same(rows[0]?.cells, { code: '`A_B`', status: '404', meaning: 'when a \\| b' });
});
