/**
 * `npm run lint`: ESLint, the formatter check and the import-cycle check; each failing step
 * is named. `npm run lint -- --fix` (or `npm run format`) lets ESLint fix and Prettier write.
 */
import { run } from './lib/infra.ts';
import { lintSteps } from './lib/lint-steps.ts';

const failed: string[] = [];
for (const step of lintSteps(process.argv.includes('--fix'))) {
  console.log(`# ${step.name}`);
  if ((await run(step.command, [...step.args], process.env)).code !== 0) failed.push(step.name);
}
if (failed.length > 0) console.error(`lint: ${failed.join(', ')} failed`);
process.exit(failed.length === 0 ? 0 : 1);
