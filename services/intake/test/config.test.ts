/** The intake configuration: the document limit, bucket, PDF checkers, signing URL and seal gate, their defaults and refusals. */
import t from 'tap';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { defaultMaxDocumentBytes, loadIntakeConfig } from '../src/config.ts';

const base = {
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
  LIENTHONG_STORAGE_DIR: '/tmp/x',
};

void t.test('defaults: 200 MB, the intake-documents bucket, one-minute checks of 256 MB', async (t) => {
  const config = loadIntakeConfig(base);
  t.equal(config.maxDocumentBytes, 200 * 1024 * 1024);
  t.equal(config.maxDocumentBytes, defaultMaxDocumentBytes);
  t.equal(config.documentBucket, 'intake-documents');
  t.match(config.workers, { memoryMb: 256, timeLimitMs: 60_000 });
  t.ok(config.workers.size >= 1);
});

void t.test('set from the environment', async (t) => {
  const config = loadIntakeConfig({
    ...base,
    LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES: '1048576',
    LIENTHONG_INTAKE_DOCUMENT_BUCKET: 'vptu-documents',
    LIENTHONG_INTAKE_WORKERS: '3',
  });
  t.equal(config.maxDocumentBytes, 1_048_576);
  t.equal(config.documentBucket, 'vptu-documents');
  t.equal(config.workers.size, 3);
});

void t.test('refused: a limit that is not a number or too small, a bucket S3 would refuse', async (t) => {
  for (const value of ['abc', '10', '-1', '1.5'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES/,
    });
  for (const value of ['UPPER', 'a', 'has_underscore', '-start'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_DOCUMENT_BUCKET: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_DOCUMENT_BUCKET/,
    });
});

void t.test('the signing URL: none by default, trailing slashes trimmed, a URL or refused', async (t) => {
  t.equal(loadIntakeConfig(base).signingUrl, undefined, 'none: signing and issue answer 503');
  t.equal(loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SIGNING_URL: '' }).signingUrl, undefined, 'empty = missing');
  t.equal(
    loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SIGNING_URL: 'http://127.0.0.1:8082/' }).signingUrl,
    'http://127.0.0.1:8082',
  );
  t.equal(
    loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SIGNING_URL: 'https://ky-so.example.vn/signing' }).signingUrl,
    'https://ky-so.example.vn/signing',
  );
  for (const value of ['ftp://x', 'http://user:pw@host', 'http://host/?q=1', 'localhost:8082', 'http://host/a b'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SIGNING_URL: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_SIGNING_URL/,
    });
});

void t.test('the seal gate: 2 running and 100 waiting per caller by default; refused out of range', async (t) => {
  t.same(loadIntakeConfig(base).seals, { perCaller: 2, queuePerCaller: 100 }, 'signing’s default uploads per caller');
  t.same(
    loadIntakeConfig({
      ...base,
      LIENTHONG_INTAKE_SEALS_PER_CALLER: '4',
      LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER: '0',
    }).seals,
    { perCaller: 4, queuePerCaller: 0 },
    'no queue: the next call is refused at once',
  );
  for (const value of ['0', '65', 'abc', '1.5'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SEALS_PER_CALLER: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_SEALS_PER_CALLER/,
    });
  for (const value of ['-1', '10001', 'many'])
    t.throws(() => loadIntakeConfig({ ...base, LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER: value }), {
      name: 'ConfigError',
      message: /LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER/,
    });
});
