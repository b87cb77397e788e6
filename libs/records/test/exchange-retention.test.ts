/** Exchange statuses and business types (QCVN 102:2016 as DOMAIN.md lists them), retention and access classes, office levels. */
import t from 'tap';
import {
  accessClassIds,
  businessTypeOfCode,
  businessTypes,
  exchangeStatuses,
  findExchangeStatus,
  findRetentionClass,
  mayBeUnder,
  officeLevels,
  retainUntil,
  retentionClasses,
} from '../src/index.ts';

void t.test("the exchange statuses are DOMAIN.md's table, codes as two-digit strings", async (t) => {
  t.same(
    exchangeStatuses.map((s) => s.code),
    ['01', '02', '03', '04', '05', '06', '13', '15', '16'],
  );
  t.equal(findExchangeStatus('03')?.name, 'accepted');
  t.equal(findExchangeStatus('13')?.reportedBy, 'sender');
  t.equal(findExchangeStatus('3'), undefined, 'not two digits');
  t.equal(findExchangeStatus('07'), undefined, 'reserved, not in DOMAIN');
  t.equal(findExchangeStatus('14'), undefined);
  t.equal(findExchangeStatus(' 01'), undefined);
});

void t.test('business types: 0 new, 1 recall, 2 update, 3 replace', async (t) => {
  t.same(
    businessTypes.map((b) => [b.code, b.id]),
    [
      [0, 'new'],
      [1, 'recall'],
      [2, 'update'],
      [3, 'replace'],
    ],
  );
  t.equal(businessTypeOfCode(1)?.id, 'recall');
  t.equal(businessTypeOfCode(4), undefined);
  t.equal(businessTypeOfCode(Number.NaN), undefined);
});

void t.test('retention classes: permanent, 70, 50, 30, 20, 10, 5 years', async (t) => {
  t.same(
    retentionClasses.map((c) => c.years),
    [null, 70, 50, 30, 20, 10, 5],
  );
  t.equal(findRetentionClass('permanent')?.name, 'Vĩnh viễn');
  t.equal(findRetentionClass('10-years')?.name, '10 năm');
  t.equal(findRetentionClass('15-years'), undefined);
  t.same(accessClassIds, ['public', 'conditional', 'secret']);
});

void t.test('retainUntil counts calendar years; 29 February keeps a day more, never less', async (t) => {
  t.equal(retainUntil('5-years', new Date('2026-03-01T00:00:00Z'))?.toISOString(), '2031-03-01T00:00:00.000Z');
  t.equal(retainUntil('70-years', new Date('2026-12-31T23:00:00Z'))?.toISOString(), '2096-12-31T23:00:00.000Z');
  t.equal(retainUntil('5-years', new Date('2028-02-29T00:00:00Z'))?.toISOString(), '2033-03-01T00:00:00.000Z');
  t.equal(retainUntil('permanent', new Date('2026-01-01T00:00:00Z')), null);
  t.equal(retainUntil('bogus', new Date('2026-01-01T00:00:00Z')), null, 'an unknown class keeps the record');
  const start = new Date('2026-01-01T00:00:00Z');
  retainUntil('10-years', start);
  t.equal(start.toISOString(), '2026-01-01T00:00:00.000Z', 'the start is not changed');
});

void t.test('office levels: same level or lower may sit under an office', async (t) => {
  t.same(
    officeLevels.map((l) => l.id),
    ['centre', 'province', 'district', 'commune', 'grassroots'],
  );
  t.ok(mayBeUnder('province', 'province'), 'VPTU under TU');
  t.ok(mayBeUnder('commune', 'province'), 'communes directly under a province');
  t.notOk(mayBeUnder('province', 'district'));
  t.notOk(mayBeUnder('centre', 'grassroots'));
});
