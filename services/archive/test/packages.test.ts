/**
 * The pure parts of a package: its retention (class end from the document's date, the floor
 * of a class already ended, the permanent horizon with legal hold), canonical JSON (the same
 * data gives the same bytes), the catalog entry of an issued document (Vietnam's date), and
 * the ingest's configuration (the key never enumerable, bad values refused).
 */
import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import type { DocumentIssued } from '@lienthong/records';
import { loadArchiveConfig } from '../src/config.ts';
import { catalogRecordOf } from '../src/ingest/ingest-issued.ts';
import { isTransient, IngestRefused, StoreUnsafe } from '../src/ingest/ingest-errors.ts';
import { commonNameOf, signerNameOf } from '../src/ingest/signer-name.ts';
import { ValidationRefused, ValidationUnavailable } from '../src/ingest/validation-client.ts';
import {
  manifestOf,
  minimumRetentionDays,
  packageKey,
  packageRetention,
  permanentRetentionYears,
} from '../src/packages/archive-package.ts';
import { canonicalJson } from '../src/packages/canonical-json.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';

const now = new Date('2026-12-07T02:00:00.000Z');

void t.test(
  'retention: the class from the document date, a floor for one already ended, permanent held 100 years',
  async (t) => {
    const tenYears = packageRetention('10-years', new Date('2026-03-01T08:00:00Z'), now);
    t.same(tenYears, {
      retentionClass: '10-years',
      retainUntil: new Date('2036-03-01T08:00:00Z'),
      lockedUntil: new Date('2036-03-01T08:00:00Z'),
      legalHold: false,
    });
    const leap = packageRetention('5-years', new Date('2024-02-29T00:00:00Z'), now);
    t.equal(leap.retainUntil?.toISOString(), '2029-03-01T00:00:00.000Z', '29 February rolls to 1 March');
    const ended = packageRetention('5-years', new Date('2001-01-01T00:00:00Z'), now);
    t.equal(ended.retainUntil?.toISOString(), '2006-01-01T00:00:00.000Z', 'the class ended long ago');
    t.equal(
      ended.lockedUntil.getTime(),
      now.getTime() + minimumRetentionDays * 86_400_000,
      'still locked for the minimum from the ingest',
    );
    const permanent = packageRetention('permanent', new Date('2026-03-01T08:00:00Z'), now);
    t.equal(permanent.retainUntil, null);
    t.equal(permanent.legalHold, true);
    t.equal(permanentRetentionYears, 100);
    t.equal(permanent.lockedUntil.toISOString(), '2126-12-07T02:00:00.000Z', 'a COMPLIANCE retention beside the hold');
    t.equal(packageRetention('permanent', now, now, 3_600_000).lockedUntil.getTime(), now.getTime() + 3_600_000);
  },
);

void t.test('canonical JSON: members sorted, no whitespace, the same bytes for the same data', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: [true, null, 'é'], c: { z: '', y: -2 } }).toString(),
    '{"a":[true,null,"é"],"b":1,"c":{"y":-2,"z":""}}',
  );
  t.same(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  t.equal(canonicalJson({ skipped: undefined, kept: 0 }).toString(), '{"kept":0}');
  t.throws(() => canonicalJson({ n: Number.NaN }), TypeError);
  t.throws(() => canonicalJson({ f: () => 1 }), TypeError);
  const manifest = manifestOf('a8e0c0de-0000-4000-8000-000000000001', packageRetention('permanent', now, now), now, [
    {
      name: 'document.pdf',
      bucket: 'b',
      key: packageKey('r', 'document.pdf'),
      versionId: 'v',
      sha256: 'a'.repeat(64),
      size: 3,
      mediaType: 'application/pdf',
    },
  ]);
  t.same(
    manifest.objects,
    [
      {
        name: 'document.pdf',
        key: 'records/r/document.pdf',
        versionId: 'v',
        sha256: 'a'.repeat(64),
        size: 3,
        mediaType: 'application/pdf',
      },
    ],
    'the manifest names key, version, SHA-256, length and media type, not the bucket',
  );
  t.equal(manifest.retainUntil, null);
});

void t.test("the catalog entry: Vietnam's date, recipients, number and type from the number and symbol", async (t) => {
  const data = {
    documentId: 'a8e0c0de-0000-4000-8000-000000000001',
    office: 'VPTU-CM',
    numberSymbol: { number: 7, type: 'KH', bodies: ['TU'] },
    symbol: '07-KH/TU',
    issuedAt: '2026-12-31T17:00:00Z',
    deliverTo: ['VPTU-BL'],
    signer: { person: 'le-van-b' },
    subject: 'Kế hoạch',
  } as unknown as DocumentIssued;
  t.match(catalogRecordOf(data), {
    issuedDate: '2027-01-01',
    number: 7,
    documentType: 'KH',
    symbol: '07-KH/TU',
    receivingOffices: ['VPTU-BL'],
    signer: { subject: 'person:le-van-b' },
    kind: 'issued',
    status: 'issued',
    file: null,
  });
  t.equal(catalogRecordOf({ ...data, issuedAt: '2026-12-31T16:59:59Z' }).issuedDate, '2026-12-31');
});

void t.test('what waits and what is given up', async (t) => {
  t.ok(isTransient(new StoreUnsafe(new Error('canary'))));
  t.ok(isTransient(new ValidationUnavailable(503, 'down')));
  t.ok(isTransient(Object.assign(new Error('gone'), { code: '57P01' })), 'the database shut down');
  t.notOk(isTransient(new ValidationRefused(413, 'too large')));
  t.notOk(isTransient(new IngestRefused('FILE_MISMATCH', 'x')));
  t.notOk(isTransient(new Error('a bug')), 'anything else takes the bus path to the dead letters');
});

void t.test('configuration: the ingest variables, the key kept out of logs', async (t) => {
  const base = {
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    LIENTHONG_STORAGE_DIR: '/tmp/x',
    ...testAuthEnv,
  };
  const plain = loadArchiveConfig(base);
  t.equal(plain.bucket, 'lienthong-archive');
  t.same(
    { ...plain.ingest },
    {
      topicNamespace: '',
      signingUrl: undefined,
      keyId: undefined,
      signingTimeoutMs: 300_000,
      retryMinMs: 1_000,
      retryMaxMs: 60_000,
    },
  );
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const full = loadArchiveConfig({
    ...base,
    LIENTHONG_ARCHIVE_SIGNING_URL: 'http://127.0.0.1:8082/',
    LIENTHONG_ARCHIVE_SERVICE_KEY: pem,
    LIENTHONG_ARCHIVE_INGEST_RETRY_MIN_MS: '5000',
    LIENTHONG_ARCHIVE_INGEST_RETRY_MAX_MS: '10',
  });
  t.equal(full.ingest.signingUrl, 'http://127.0.0.1:8082');
  t.equal(full.ingest.key?.trim(), pem.trim());
  t.notMatch(JSON.stringify(full), /PRIVATE KEY/, 'the key is not in a serialised config');
  t.equal(full.ingest.retryMaxMs, 5000, 'the longest wait is never under the first');
  for (const [variable, bad] of [
    ['LIENTHONG_ARCHIVE_BUCKET', 'Not_A_Bucket'],
    ['LIENTHONG_ARCHIVE_SIGNING_URL', 'http://user:pw@signing'],
    ['LIENTHONG_ARCHIVE_SERVICE_KEY', 'not a key'],
    ['LIENTHONG_ARCHIVE_TOPIC_NAMESPACE', '../x'],
  ] as const) {
    t.throws(() => loadArchiveConfig({ ...base, [variable]: bad }), { name: 'ConfigError' }, variable);
    try {
      loadArchiveConfig({ ...base, [variable]: bad });
    } catch (error) {
      if (variable === 'LIENTHONG_ARCHIVE_SERVICE_KEY')
        t.notMatch((error as Error).message, /not a key/, 'a secret is not echoed');
    }
  }
});

void t.test(
  "the signer's name: the CN of the person's certificate when that signature passed for the office",
  async (t) => {
    const person = (indication: string, office = 'VPTU-CM', field = 'Signature1') => ({
      field,
      kind: 'signature',
      indication,
      signer: {
        subject: 'CN=Nguyễn Thị Hồng Nhung, T=Chánh Văn phòng, OU=Văn phòng Tỉnh ủy, O=Tỉnh ủy Cà Mau, C=VN',
        office,
      },
    });
    const seal = {
      field: 'lienthong-seal',
      kind: 'signature',
      indication: 'TOTAL_PASSED',
      signer: { subject: 'CN=Văn phòng Tỉnh ủy, O=Tỉnh ủy Cà Mau', office: 'VPTU-CM' },
    };
    t.equal(signerNameOf({ signatures: [person('TOTAL_PASSED'), seal] }, 'VPTU-CM'), 'Nguyễn Thị Hồng Nhung');
    t.equal(
      signerNameOf({ signatures: [seal, person('TOTAL_PASSED')] }, 'VPTU-CM'),
      'Nguyễn Thị Hồng Nhung',
      'not the seal',
    );
    t.equal(signerNameOf({ signatures: [person('TOTAL_FAILED'), seal] }, 'VPTU-CM'), undefined, 'not vouched for');
    t.equal(
      signerNameOf({ signatures: [person('TOTAL_PASSED', 'VPTU-HN')] }, 'VPTU-CM'),
      undefined,
      "another office's",
    );
    t.equal(signerNameOf({ signatures: [seal] }, 'VPTU-CM'), undefined, 'only the seal');
    t.equal(signerNameOf({ signatures: 'nonsense' }, 'VPTU-CM'), undefined, 'a report without signatures');
    t.equal(signerNameOf({}, 'VPTU-CM'), undefined);
    t.equal(commonNameOf('O=Tỉnh ủy, CN=Lê Văn B'), 'Lê Văn B', 'CN last');
    t.equal(commonNameOf('CN=A+SERIALNUMBER=1, O=X'), 'A', 'a multi-valued RDN');
    t.equal(
      commonNameOf('CN=Đỗ Thị Thu Hương, 2.5.4.97=LT:VN-VPTU-CM'),
      'Đỗ Thị Thu Hương',
      'an attribute named by OID after it',
    );
    t.equal(commonNameOf('O=X'), undefined);
    t.equal(commonNameOf(`CN=${'a'.repeat(201)}`), undefined, 'not a name');
    const data = {
      office: 'VPTU-CM',
      issuedAt: '2026-03-01T08:00:00Z',
      signer: { person: 'le-van-b' },
      numberSymbol: { number: 1, type: 'CT' },
    };
    t.equal(catalogRecordOf(data as unknown as DocumentIssued, 'Lê Văn B').signer.name, 'Lê Văn B');
    t.equal(catalogRecordOf(data as unknown as DocumentIssued).signer.name, 'le-van-b', 'else the code');
  },
);
