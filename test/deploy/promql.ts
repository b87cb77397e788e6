/**
 * The metric names a PromQL expression reads, found without a full parser: strings, label
 * matchers, range and subquery brackets, and the label lists of `by`, `without`, `on`,
 * `ignoring` and `group_*` are removed, then every identifier left that is not a function
 * or aggregation (followed by `(`), a keyword, or part of a number is a metric name.
 */

const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
]);

/** The metric names `expr` reads, each once, in order of appearance. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const before = stripped[match.index - 1] ?? ' ';
    if (/[0-9.$]/.test(before)) continue; // 1e3, 0.5, a Grafana $variable
    if (
      stripped
        .slice(match.index + word.length)
        .trimStart()
        .startsWith('(')
    )
      continue;
    if (keywords.has(word.toLowerCase())) continue;
    if (!names.includes(word)) names.push(word);
  }
  return names;
}
