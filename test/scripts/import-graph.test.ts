// The import-cycle check of lint: cycles among files, loops between sibling folders, and the
// workspace's own tree has none.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { folderGraph, importCycles, loopThrough, type ImportGraph } from '../../scripts/lib/import-graph.ts';

const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

void t.test('a loop of three files is one cycle, named in import order', async (t) => {
  const g = graph({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'], 'd.ts': ['a.ts'] });
  const cycles = importCycles(g);
  t.same(cycles, [['a.ts', 'b.ts', 'c.ts']]);
  t.same(loopThrough(g, cycles[0]!), ['a.ts', 'b.ts', 'c.ts', 'a.ts']);
});

void t.test('a file importing itself is a cycle; a tree is not', async (t) => {
  t.same(importCycles(graph({ 'a.ts': ['a.ts'] })), [['a.ts']]);
  t.same(importCycles(graph({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] })), []);
});

void t.test('sibling folders that import each other loop; a folder and its parent do not', async (t) => {
  const files = graph({
    'src/index.ts': ['src/cms/verify.ts'],
    'src/cms/verify.ts': ['src/errors.ts', 'src/cades/report.ts'],
    'src/cades/report.ts': ['src/cms/types.ts'],
    'src/cms/types.ts': [],
    'src/errors.ts': [],
  });
  t.same(importCycles(files), [], 'no file cycle');
  t.same(importCycles(folderGraph(files)), [['src/cades', 'src/cms']], 'cms ↔ cades is a folder loop');
});

void t.test('the workspace has no import cycle and no folder loop', async (t) => {
  const root = join(import.meta.dirname, '..', '..');
  const out = execFileSync(process.execPath, [join(root, 'scripts/check-cycles.ts')], { cwd: root, encoding: 'utf8' });
  t.match(out, /check-cycles: \d+ files, 0 cycle\(s\)/);
});
