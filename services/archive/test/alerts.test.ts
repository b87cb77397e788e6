/**
 * The Prometheus rules of the service (alerts.rules.yml): `promtool check rules` accepts
 * them and `promtool test rules alerts.test.yml` passes (a process whose store fails its
 * self-test fires ArchiveStoreUnsafe for that process only, a check that hangs fires
 * ArchiveStoreCheckStale after three hours and ten minutes, healthy hourly checks fire
 * nothing; a fixity mismatch fires ArchiveFixityFailed once across processes, checks two
 * cycles behind fire ArchiveFixityBehind an hour later; packages due for renewal for over six hours fire
 * ArchiveRenewalOverdue once; a held record's lock near its end for an hour fires ArchiveHeldLockEnding once). promtool comes from infra/local (Debian's `prometheus` package unpacked);
 * skipped, saying so, without it.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
// infra/local unpacks promtool into its cache (LIENTHONG_TEST_PROMTOOL); else one on PATH.
const found = spawnSync('which', ['promtool'], { encoding: 'utf8' });
const promtool = process.env.LIENTHONG_TEST_PROMTOOL ?? (found.status === 0 ? found.stdout.trim() : undefined);
const skip =
  promtool === undefined ? 'promtool is not installed (infra/local up unpacks it; Debian package prometheus)' : false;

await t.test('promtool check rules', { skip }, async (t) => {
  const out = execFileSync(promtool!, ['check', 'rules', 'alerts.rules.yml'], { cwd: dir, encoding: 'utf8' });
  t.match(out, /SUCCESS: 6 rules found/);
});

await t.test('promtool test rules', { skip }, async (t) => {
  const out = execFileSync(promtool!, ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
  t.match(out, /SUCCESS/);
});

await t.test('the rules name the gauges the service registers', async (t) => {
  const rules = await readFile(new URL('../alerts.rules.yml', import.meta.url), 'utf8');
  const source = [
    await readFile(new URL('../src/store/store-metrics.ts', import.meta.url), 'utf8'),
    await readFile(new URL('../src/fixity/fixity-metrics.ts', import.meta.url), 'utf8'),
    await readFile(new URL('../src/renewal/renewal-metrics.ts', import.meta.url), 'utf8'),
    await readFile(new URL('../src/dispositions/hold-metrics.ts', import.meta.url), 'utf8'),
  ].join('\n');
  const names = rules.match(/lienthong_archive_[a-z_]+/g) ?? [];
  t.ok(names.length >= 2, 'the rules read the gauges');
  for (const name of names) t.ok(source.includes(`'${name}'`), name);
  t.match(rules, /alert: ArchiveStoreUnsafe/);
  t.match(rules, /alert: ArchiveStoreCheckStale/);
  t.match(rules, /alert: ArchiveFixityFailed/);
  t.match(rules, /alert: ArchiveFixityBehind/);
  t.match(rules, /alert: ArchiveRenewalOverdue/);
  t.match(rules, /alert: ArchiveHeldLockEnding/);
});
