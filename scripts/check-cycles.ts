/**
 * Lint's import-cycle check: fails on any cycle among the workspace's TypeScript files
 * (a loop of imports, type-only ones included), and on any loop between two folders of
 * one package's src/ (STYLE.md: two folders never import each other; a third holds what
 * they share). Prints each loop as a → b → … → a.
 */
import { execFileSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { dirname } from 'node:path';
import { folderGraph, importCycles, importGraph, loopThrough, workspaceExports } from './lib/import-graph.ts';

const root = process.cwd();
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && !f.includes('node_modules/'));
const packageDirs = globSync('{libs,services}/*/package.json', { cwd: root }).map((p) => dirname(p));
const graph = importGraph(root, files, workspaceExports(root, packageDirs));

const problems: string[] = [];
for (const component of importCycles(graph))
  problems.push(`import cycle: ${loopThrough(graph, component).join(' → ')}`);
const srcFolders = folderGraph(new Map([...graph].filter(([f]) => /^(libs|services)\/[^/]+\/src\//.test(f))));
for (const component of importCycles(srcFolders)) {
  const pkg = (f: string): string => f.split('/').slice(0, 2).join('/');
  if (new Set(component.map(pkg)).size === 1)
    problems.push(`folder loop: ${loopThrough(srcFolders, component).join(' → ')}`);
}
for (const p of problems) console.error(p);
console.log(`check-cycles: ${graph.size} files, ${problems.length} cycle(s)`);
process.exit(problems.length === 0 ? 0 : 1);
