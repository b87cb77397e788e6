/**
 * The one gate: `npm test`. Starts the real PostgreSQL, Kafka, MinIO and Versity S3 through infra/,
 * then runs lint, type-check and every tap test against them, and ends with the plain
 * summary line `N passed, N failed`.
 *
 *   npm test                      everything
 *   npm test -- libs/bus          only the tests under those paths (lint and types still run)
 *   npm test -- --no-infra        use the LIENTHONG_TEST_* variables already set
 *   npm test -- --no-lint         skip lint (ESLint, formatter, import cycles) and type-check
 */
import { globSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, startInfra } from './lib/infra.ts';
import { lintSteps } from './lib/lint-steps.ts';
import { formatTapFailures, tapFailures } from './lib/tap-failures.ts';

const args = process.argv.slice(2);
const withInfra = !args.includes('--no-infra');
const withLint = !args.includes('--no-lint');
// tap takes files, not folders: a folder stands for the test files below it.
const paths = args
  .filter((a) => !a.startsWith('--'))
  .flatMap((p) =>
    statSync(join(root, p), { throwIfNoEntry: false })?.isDirectory()
      ? globSync('**/*.test.ts', { cwd: join(root, p), exclude: (f) => f.includes('node_modules') }).map((f) =>
          join(p, f),
        )
      : [p],
  );

let passed = 0;
let failed = 0;
const env: NodeJS.ProcessEnv = { ...process.env };

function check(name: string, ok: boolean): void {
  if (ok) passed += 1;
  else {
    failed += 1;
    console.error(`test: ${name} failed`);
  }
}

if (withInfra) {
  try {
    Object.assign(env, await startInfra(env));
  } catch (error) {
    console.error(`test: ${(error as Error).message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

if (withLint) {
  for (const step of lintSteps()) {
    console.log(`# ${step.name}`);
    check(step.name, (await run(step.command, [...step.args], env)).code === 0);
  }
  console.log('# type-check');
  check('type-check', (await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], env)).code === 0);
}

// tap rebuilds its plugin set when .taprc changes it; do it up front so the first run
// after `npm ci` does not race the rebuild.
await run(join(root, 'node_modules/.bin/tap'), ['build'], env);
const reporter = process.stdout.isTTY ? 'terse' : 'tap';
const tap = await run(join(root, 'node_modules/.bin/tap'), [`--reporter=${reporter}`, ...paths], env, true);
const summary = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?(?:, skip: (\d+))?/.exec(tap.output);
const skipped = Number(summary?.[4] ?? 0);
if (summary) {
  passed += Number(summary[2]);
  failed += Number(summary[3] ?? 0);
  if (tap.code !== 0 && Number(summary[3] ?? 0) === 0) check('tap run', false);
} else {
  check('tap run (no summary line)', tap.code === 0);
}

// The log may be cut to its tail: say again what failed, right above the summary.
const failures = tapFailures(tap.output);
if (failures.length > 0) console.log(`\n# failed tests\n${formatTapFailures(failures)}\n`);

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
