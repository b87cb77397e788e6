/**
 * The failed tests of a TAP stream, each named by its whole path (file › subtest › assertion)
 * with its YAML diagnostic. `npm test` prints them just before the summary line, so a log
 * that keeps only its tail (CI) still says what failed and why.
 */

/** One failed assertion or test that has no failed child of its own. */
export interface TapFailure {
  path: string[];
  diagnostic: string[];
}

const subtestLine = /^( *)# Subtest: (.*)$/;
const failLine = /^( *)not ok \d+ - (.*?)(?: # .*)?$/;
const indentUnit = 4;
const diagnosticLimit = 30;

/** The leaf failures of a TAP 14 stream (roll-ups of failed subtests are left out). */
export function tapFailures(output: string): TapFailure[] {
  const lines = output.split('\n');
  const open: string[] = [];
  const failedBelow: boolean[] = [];
  const failures: TapFailure[] = [];
  lines.forEach((line, i) => {
    const subtest = subtestLine.exec(line);
    if (subtest) {
      const level = levelOf(subtest[1]);
      open.length = level;
      failedBelow.length = level;
      open.push(subtest[2] ?? '');
      failedBelow.push(false);
      return;
    }
    const fail = failLine.exec(line);
    if (!fail) return;
    const indent = fail[1] ?? '';
    const name = fail[2] ?? '';
    const level = levelOf(indent);
    const rollUp = open[level] === name && failedBelow[level] === true;
    for (let l = 0; l < level; l += 1) failedBelow[l] = true;
    if (!rollUp)
      failures.push({ path: [...open.slice(0, level), name], diagnostic: diagnosticAfter(lines, i, indent.length) });
  });
  return failures;
}

function levelOf(indent = ''): number {
  return Math.floor(indent.length / indentUnit);
}

/** The indented `---` … `...` block that follows a test point, if any, cut to a readable size. */
function diagnosticAfter(lines: string[], index: number, indent: number): string[] {
  const start = lines[index + 1];
  if (start === undefined || start.trim() !== '---' || start.length - start.trimStart().length <= indent) return [];
  const block: string[] = [];
  for (const line of lines.slice(index + 2)) {
    if (line.trim() === '...') break;
    block.push(line.slice(indent + 2));
  }
  return block.length > diagnosticLimit
    ? [...block.slice(0, diagnosticLimit), `… ${block.length - diagnosticLimit} more lines`]
    : block;
}

/** The failures as plain lines for the end of a test run. */
export function formatTapFailures(failures: TapFailure[]): string {
  return failures
    .map((f) => [`not ok: ${f.path.join(' › ')}`, ...f.diagnostic.map((line) => `    ${line}`)].join('\n'))
    .join('\n');
}
