/**
 * The checks `npm run lint` and the lint part of `npm test` run, in order: ESLint (type-aware
 * rules), the formatter (Prettier, `--check`), and the import-cycle check.
 */
import { join } from 'node:path';
import { root } from './infra.ts';

/** One check: a command run from the root; exit 0 passes. */
export interface LintStep {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

const bin = (name: string): string => join(root, 'node_modules/.bin', name);

/** The formatter's scope: every TypeScript and JavaScript file it does not ignore (.prettierignore). */
export const formatGlobs = ['**/*.ts', '**/*.js'];

/** The steps; with `fix`, ESLint fixes what it can and Prettier writes. */
export function lintSteps(fix = false): LintStep[] {
  return [
    { name: 'lint', command: bin('eslint'), args: fix ? ['--fix', '.'] : ['.'] },
    {
      name: 'format',
      command: bin('prettier'),
      args: [fix ? '--write' : '--check', '--log-level', 'warn', ...formatGlobs],
    },
    { name: 'import cycles', command: process.execPath, args: [join(root, 'scripts/check-cycles.ts')] },
  ];
}
