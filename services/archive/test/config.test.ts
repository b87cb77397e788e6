/** The archive configuration: the archive bucket and the store self-test's interval, their defaults and refusals. */
import { availableParallelism } from 'node:os';
import t from 'tap';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { loadArchiveConfig } from '../src/config.ts';

const base = {
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
  LIENTHONG_STORAGE_DIR: '/tmp/x',
};

void t.test('defaults: port 8083, the lienthong-archive bucket, a self-test every hour', async (t) => {
  const config = loadArchiveConfig(base);
  t.equal(config.port, 8083);
  t.equal(config.bucket, 'lienthong-archive');
  t.equal(config.storeCheckMs, 3_600_000);
});

void t.test('set from the environment', async (t) => {
  const config = loadArchiveConfig({
    ...base,
    LIENTHONG_ARCHIVE_BUCKET: 'vptu-luu-tru',
    LIENTHONG_ARCHIVE_STORE_CHECK_MS: '600000',
  });
  t.equal(config.bucket, 'vptu-luu-tru');
  t.equal(config.storeCheckMs, 600_000);
});

void t.test('refused: a bucket S3 would refuse, an interval that is not a number or out of range', async (t) => {
  for (const value of ['UPPER', 'a', 'has_underscore', '-start', 'x'.repeat(64), '../archive'])
    t.throws(() => loadArchiveConfig({ ...base, LIENTHONG_ARCHIVE_BUCKET: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_ARCHIVE_BUCKET/,
    });
  for (const value of ['abc', '999', '-1', '1.5', '86400001', '1e3'])
    t.throws(() => loadArchiveConfig({ ...base, LIENTHONG_ARCHIVE_STORE_CHECK_MS: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_ARCHIVE_STORE_CHECK_MS/,
    });
});

void t.test('fixity: location primary, 20 MB/s, a 7-day cycle by default; set; refused', async (t) => {
  t.same(loadArchiveConfig(base).fixity, { location: 'primary', bytesPerSecond: 20_000_000, cycleMs: 604_800_000 });
  const set = loadArchiveConfig({
    ...base,
    LIENTHONG_ARCHIVE_FIXITY_LOCATION: 'replica-hn',
    LIENTHONG_ARCHIVE_FIXITY_BYTES_PER_SECOND: '5000000',
    LIENTHONG_ARCHIVE_FIXITY_CYCLE_MS: '86400000',
  });
  t.same(set.fixity, { location: 'replica-hn', bytesPerSecond: 5_000_000, cycleMs: 86_400_000 });
  const refused: Array<[string, string[]]> = [
    ['LIENTHONG_ARCHIVE_FIXITY_LOCATION', ['a b', '-x', 'x'.repeat(65), '../p']],
    ['LIENTHONG_ARCHIVE_FIXITY_BYTES_PER_SECOND', ['0', '1023', '-5', 'fast', '1.5']],
    ['LIENTHONG_ARCHIVE_FIXITY_CYCLE_MS', ['59999', '0', 'week', '31622400001']],
  ];
  for (const [name, values] of refused)
    for (const value of values)
      t.throws(() => loadArchiveConfig({ ...base, [name]: value }), { name: 'ConfigError', message: new RegExp(name) });
});

void t.test('workers: at most two threads, 512 MB, 5 minutes, 16 waiting by default; set; refused', async (t) => {
  const workers = loadArchiveConfig(base).workers;
  t.equal(workers.size, Math.min(2, availableParallelism()));
  t.same({ ...workers, size: 0 }, { size: 0, memoryMb: 512, timeLimitMs: 300_000, queueLimit: 16 });
  const set = loadArchiveConfig({
    ...base,
    LIENTHONG_ARCHIVE_WORKERS: '4',
    LIENTHONG_ARCHIVE_WORKER_MEMORY_MB: '1024',
    LIENTHONG_ARCHIVE_JOB_TIME_LIMIT_MS: '60000',
    LIENTHONG_ARCHIVE_JOB_QUEUE: '0',
  });
  t.same(set.workers, { size: 4, memoryMb: 1024, timeLimitMs: 60_000, queueLimit: 0 });
  const refused: Array<[string, string[]]> = [
    ['LIENTHONG_ARCHIVE_WORKERS', ['0', '65', '-1', 'two', '1.5']],
    ['LIENTHONG_ARCHIVE_WORKER_MEMORY_MB', ['15', '16385', 'lots']],
    ['LIENTHONG_ARCHIVE_JOB_TIME_LIMIT_MS', ['0', '3600001', '1e3']],
    ['LIENTHONG_ARCHIVE_JOB_QUEUE', ['-1', '10001', 'many']],
  ];
  for (const [name, values] of refused)
    for (const value of values)
      t.throws(() => loadArchiveConfig({ ...base, [name]: value }), { name: 'ConfigError', message: new RegExp(name) });
});

void t.test("legal hold: a year's extension by default, checked hourly; out of range refused", async (t) => {
  t.same(loadArchiveConfig(base).hold, { extensionMs: 365 * 86_400_000, checkMs: 3_600_000 });
  t.same(
    loadArchiveConfig({
      ...base,
      LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS: '30',
      LIENTHONG_ARCHIVE_HOLD_CHECK_MS: '60000',
    }).hold,
    { extensionMs: 30 * 86_400_000, checkMs: 60_000 },
  );
  for (const value of ['0', '36501', '1.5', 'x', '-3'])
    t.throws(() => loadArchiveConfig({ ...base, LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_ARCHIVE_HOLD_EXTENSION_DAYS/,
    });
  for (const value of ['9', '86400001', 'abc'])
    t.throws(() => loadArchiveConfig({ ...base, LIENTHONG_ARCHIVE_HOLD_CHECK_MS: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_ARCHIVE_HOLD_CHECK_MS/,
    });
});
