/**
 * The Prometheus alert rules of deploy/prometheus: one file per service plus
 * `platform.rules.yml` in `rules/`, each with its `promtool test rules` cases in
 * `tests/<name>.test.yml`. `promtool check rules` accepts every rule file and `promtool test
 * rules` passes every test file (promtool comes from infra/local, Debian's `prometheus`
 * package unpacked; those two are skipped, saying so, without it). Read as YAML, every alert
 * has a severity and a summary and description; every alert rule has a case that fires it and
 * one where it stays silent; every metric a rule reads is one the code registers.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'deploy/prometheus');
// infra/local unpacks promtool into its cache (LIENTHONG_TEST_PROMTOOL); else one on PATH.
const found = spawnSync('which', ['promtool'], { encoding: 'utf8' });
const promtool = process.env.LIENTHONG_TEST_PROMTOOL ?? (found.status === 0 ? found.stdout.trim() : undefined);
const skip =
  promtool === undefined ? 'promtool is not installed (infra/local up unpacks it; Debian package prometheus)' : false;

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}
interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string> }> | null;
}
interface TestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: AlertCase[] }>;
}

const ruleNames = globSync('rules/*.rules.yml', { cwd: dir }).sort();
const testNames = globSync('tests/*.test.yml', { cwd: dir }).sort();
const rulesOf = (name: string): RuleFile => parse(readFileSync(join(dir, name), 'utf8')) as RuleFile;
const testsOf = (name: string): TestFile => parse(readFileSync(join(dir, name), 'utf8')) as TestFile;
const stem = (name: string): string => basename(name).replace(/\.(rules|test)\.yml$/, '');

/**
 * What is missing of the cases of `rules`: for each alert rule, a case whose expected alerts
 * include one with the rule's labels ("fires") and a case expecting none of that name
 * ("silent"). Returns one line per rule and missing kind.
 */
function missingCases(rules: RuleFile, tests: readonly TestFile[]): string[] {
  const cases = tests.flatMap((file) => file.tests.flatMap((test) => test.alert_rule_test ?? []));
  const missing: string[] = [];
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    if (rule.alert === undefined) continue;
    const mine = cases.filter((c) => c.alertname === rule.alert);
    const labels = Object.entries(rule.labels ?? {});
    const fires = mine.some((c) =>
      (c.exp_alerts ?? []).some((a) => labels.every(([k, v]) => String(a.exp_labels?.[k]) === v)),
    );
    if (!fires) missing.push(`${rule.alert} ${JSON.stringify(rule.labels ?? {})}: no case fires it`);
    if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) missing.push(`${rule.alert}: no case where it is silent`);
  }
  return missing;
}

await t.test('one rule file per service plus platform, each with its test file', async (t) => {
  t.same(ruleNames.map(stem), ['archive', 'console', 'delivery', 'intake', 'platform', 'signing']);
  t.same(testNames.map(stem), ruleNames.map(stem), 'a test file for each rule file, and none other');
  for (const name of testNames) {
    t.same(testsOf(name).rule_files, [`../rules/${stem(name)}.rules.yml`], `${name} tests its own rules`);
  }
});

await t.test('promtool check rules accepts every rule file', { skip }, async (t) => {
  for (const name of ruleNames) {
    const out = execFileSync(promtool!, ['check', 'rules', name], { cwd: dir, encoding: 'utf8' });
    const count = rulesOf(name).groups.reduce((n, g) => n + g.rules.length, 0);
    t.match(out, new RegExp(`SUCCESS: ${count} rules found`), name);
  }
});

await t.test('promtool test rules passes every test file', { skip }, async (t) => {
  for (const name of testNames) {
    // A failing case exits non-zero, and execFileSync throws with promtool's report.
    const out = execFileSync(promtool!, ['test', 'rules', name], { cwd: dir, encoding: 'utf8' });
    t.match(out, /SUCCESS/, name);
  }
});

await t.test('every alert says how severe it is and what to do', async (t) => {
  for (const name of ruleNames) {
    for (const rule of rulesOf(name).groups.flatMap((g) => g.rules)) {
      if (rule.alert === undefined) continue;
      t.match(rule.labels?.severity, /^(critical|warning|info)$/, `${rule.alert}: severity`);
      t.ok((rule.annotations?.summary ?? '').length > 0, `${rule.alert}: summary`);
      t.ok((rule.annotations?.description ?? '').length > 0, `${rule.alert}: description`);
    }
  }
});

await t.test('every alert rule has a promtool case that fires it and one where it stays silent', async (t) => {
  for (const name of ruleNames) {
    const tests = testNames.filter((n) => stem(n) === stem(name)).map(testsOf);
    t.same(missingCases(rulesOf(name), tests), [], name);
  }
  const alerts = ruleNames.flatMap((n) => rulesOf(n).groups.flatMap((g) => g.rules.map((r) => r.alert)));
  for (const alert of [
    'ServiceDown',
    'HighErrorRate',
    'DeliveryLagHigh',
    'DeliveryOverdueAnswers',
    'OutboxGrowing',
    'ConsumerLagHigh',
    'DeadLettersWaiting',
    'CertificateExpiringSoon',
    'TsaCertificateExpiring',
    'DeliveryEvidenceUnstamped',
    'DeliveryEvidenceUnsealed',
    'DeliveryEvidenceUnpublished',
    'ArchiveStoreUnsafe',
    'ArchiveStoreCheckStale',
    'ArchiveFixityFailed',
    'ArchiveFixityBehind',
    'ArchiveRenewalOverdue',
    'ArchiveHeldLockEnding',
  ]) {
    t.ok(alerts.includes(alert), alert);
  }
});

await t.test('the check finds a rule without cases and one never silent', async (t) => {
  const rules: RuleFile = {
    groups: [
      {
        name: 'g',
        rules: [
          { alert: 'Untested', expr: 'up == 0', labels: { severity: 'warning' } },
          { alert: 'AlwaysFires', expr: 'up == 0', labels: { severity: 'warning', owner: 'a' } },
        ],
      },
    ],
  };
  const tests: TestFile[] = [
    {
      rule_files: [],
      tests: [
        {
          alert_rule_test: [
            // Fires with other labels than the rule's: not a case of this rule.
            {
              eval_time: '1m',
              alertname: 'AlwaysFires',
              exp_alerts: [{ exp_labels: { severity: 'warning', owner: 'b' } }],
            },
            {
              eval_time: '2m',
              alertname: 'AlwaysFires',
              exp_alerts: [{ exp_labels: { severity: 'warning', owner: 'a' } }],
            },
          ],
        },
      ],
    },
  ];
  t.same(missingCases(rules, tests), [
    'Untested {"severity":"warning"}: no case fires it',
    'Untested: no case where it is silent',
    'AlwaysFires: no case where it is silent',
  ]);
});

await t.test('every metric the rules read is one the code registers', async (t) => {
  const sources = globSync('{libs,services}/*/src/**/*.ts', { cwd: root })
    .map((f) => readFileSync(join(root, f), 'utf8'))
    .join('\n');
  for (const name of ruleNames) {
    for (const rule of rulesOf(name).groups.flatMap((g) => g.rules)) {
      const metrics = rule.expr.match(/\b(lienthong_[a-z_]+|http_[a-z_]+|up)\b/g) ?? [];
      t.ok(metrics.length > 0, `${rule.alert}: reads a metric`);
      for (const metric of metrics) {
        if (metric === 'up') continue; // Prometheus's own, per scrape target
        const registered = metric.replace(/_(count|sum|bucket)$/, '');
        t.ok(sources.includes(`'${registered}'`), `${rule.alert}: ${metric} is registered`);
      }
    }
  }
});
