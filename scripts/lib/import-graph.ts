/**
 * The import graph of the workspace's TypeScript files, for the cycle check in lint
 * (scripts/check-cycles.ts). Imports are read with TypeScript's own pre-processor (static,
 * dynamic and type-only alike); relative paths and `@lienthong/*` workspace packages are
 * resolved to files, everything else (node:, npm packages) is left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/** Each file (relative to the root) and the workspace files it imports. */
export type ImportGraph = Map<string, string[]>;

/** The `exports` map of every workspace package: `@lienthong/x[/sub]` → file relative to the root. */
export function workspaceExports(root: string, packageDirs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
    };
    for (const [sub, target] of Object.entries(manifest.exports ?? {})) {
      out.set(
        sub === '.' ? manifest.name : `${manifest.name}/${sub.replace(/^\.\//, '')}`,
        normalize(join(dir, target)),
      );
    }
  }
  return out;
}

/** Builds the graph of `files` (paths relative to `root`). */
export function importGraph(root: string, files: readonly string[], packages: Map<string, string>): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      const target = fileName.startsWith('.') ? normalize(join(dirname(file), fileName)) : packages.get(fileName);
      if (target !== undefined && existsSync(join(root, target))) targets.add(relative('.', target));
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** One concrete loop through a component, for the message: a → b → … → a. */
export function loopThrough(graph: ImportGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component];
}

const isWithin = (folder: string, ancestor: string): boolean => folder.startsWith(`${ancestor}/`);

/**
 * The graph of folders: an edge when a file of one folder imports a file of another that is
 * neither its ancestor nor its descendant (a package's root holds its index and foundations).
 */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = dirname(file);
    const edges = new Set(folders.get(from) ?? []);
    for (const t of targets) {
      const to = dirname(t);
      if (to !== from && !isWithin(to, from) && !isWithin(from, to)) edges.add(to);
    }
    folders.set(from, [...edges]);
  }
  return folders;
}
