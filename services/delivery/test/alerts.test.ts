/**
 * The Prometheus rules of the service (alerts.rules.yml): `promtool check rules` accepts
 * them and `promtool test rules alerts.test.yml` passes (the TSA down for 15 minutes fires
 * DeliveryEvidenceUnstamped after 5 more, signing down fires DeliveryEvidenceUnsealed and
 * clears once it is back, the store down fires DeliveryEvidenceUnpublished and it clears once
 * the store is back, a busy healthy service fires nothing). promtool comes from
 * infra/local (Debian's `prometheus` package unpacked); skipped, saying so, without it.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
// infra/local unpacks promtool into its cache (LIENTHONG_TEST_PROMTOOL); else one on PATH.
const found = spawnSync('which', ['promtool'], { encoding: 'utf8' });
const promtool = process.env.LIENTHONG_TEST_PROMTOOL ?? (found.status === 0 ? found.stdout.trim() : undefined);
const skip =
  promtool === undefined ? 'promtool is not installed (infra/local up unpacks it; Debian package prometheus)' : false;

await t.test('promtool check rules', { skip }, async (t) => {
  const out = execFileSync(promtool!, ['check', 'rules', 'alerts.rules.yml'], { cwd: dir, encoding: 'utf8' });
  t.match(out, /SUCCESS: 3 rules found/);
});

await t.test('promtool test rules', { skip }, async (t) => {
  const out = execFileSync(promtool!, ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
  t.match(out, /SUCCESS/);
});

await t.test('the rules name the gauges the service registers', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const rules = await readFile(new URL('../alerts.rules.yml', import.meta.url), 'utf8');
  const source = await readFile(new URL('../src/evidence/evidence-metrics.ts', import.meta.url), 'utf8');
  for (const name of rules.match(/lienthong_delivery_[a-z_]+/g) ?? []) t.ok(source.includes(`'${name}'`), name);
  t.match(rules, /alert: DeliveryEvidenceUnstamped/);
  t.match(rules, /alert: DeliveryEvidenceUnsealed/);
  t.match(rules, /alert: DeliveryEvidenceUnpublished/);
});
