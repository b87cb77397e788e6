/** Register series as configuration: types to series, term or year periods in Vietnam's local time. */
import t from 'tap';
import {
  defaultSeriesConfig,
  defineSeriesConfig,
  incomingSeriesOf,
  localDate,
  seriesOf,
  type SeriesConfig,
} from '../src/index.ts';

const party = defineSeriesConfig({
  office: 'tu-hn',
  period: {
    kind: 'term',
    terms: [
      { start: '2025-10-15', name: '2025–2030' },
      { start: '2020-10-12', name: '2020–2025' },
    ],
  },
  shared: [{ name: 'QĐ', types: ['QĐ', 'QĐi'] }],
});

void t.test('Party rule: a series per type, by committee term; quy định shares the QĐ series', async (t) => {
  const at = new Date('2026-05-01T03:00:00Z');
  t.same(seriesOf(party, { type: 'CT', date: at }), {
    office: 'tu-hn',
    series: 'CT',
    period: '2025-10-15',
    periodStart: '2025-10-15',
  });
  t.equal(seriesOf(party, { type: 'QĐi', date: at }).series, 'QĐ');
  t.equal(seriesOf(party, { type: 'QĐ', date: at }).series, 'QĐ');
  t.equal(seriesOf(party, { type: 'CT', date: new Date('2024-01-01T00:00:00Z') }).period, '2020-10-12');
  t.equal(
    seriesOf(party, { type: 'CT', date: at, secrecy: 'confidential' }).series,
    'CT',
    'secret documents continue the series',
  );
});

void t.test('a term begins on its local date (UTC+7)', async (t) => {
  t.equal(seriesOf(party, { type: 'CT', date: new Date('2025-10-14T16:59:59Z') }).period, '2020-10-12');
  t.equal(seriesOf(party, { type: 'CT', date: new Date('2025-10-14T17:00:00Z') }).period, '2025-10-15');
});

void t.test('state rule: per calendar year in local time, secret documents in a series of their own', async (t) => {
  const state = defineSeriesConfig({ office: 'ubnd', period: { kind: 'year' }, secretSeries: 'MẬT' });
  t.equal(seriesOf(state, { type: 'CV', date: new Date('2026-12-31T16:59:59Z') }).period, '2026');
  t.same(seriesOf(state, { type: 'CV', date: new Date('2026-12-31T17:00:00Z') }), {
    office: 'ubnd',
    series: 'CV',
    period: '2027',
    periodStart: '2027-01-01',
  });
  t.equal(
    seriesOf(state, { type: 'CV', date: new Date('2026-06-01T00:00:00Z'), secrecy: 'confidential' }).series,
    'MẬT',
  );
  t.equal(seriesOf(state, { type: 'CV', date: new Date('2026-06-01T00:00:00Z'), secrecy: 'ordinary' }).series, 'CV');
  const utc = defineSeriesConfig({ office: 'x', period: { kind: 'year' }, utcOffsetMinutes: 0 });
  t.equal(seriesOf(utc, { type: 'CV', date: new Date('2026-12-31T17:00:00Z') }).period, '2026');
  t.equal(localDate(new Date('2026-12-31T17:00:00Z')), '2027-01-01');
});

void t.test('dates outside every term, invalid dates and unknown types are refused', async (t) => {
  t.throws(() => seriesOf(party, { type: 'CT', date: new Date('2020-10-11T00:00:00Z') }), {
    code: 'RECORDS_PERIOD_UNKNOWN',
  });
  t.throws(() => seriesOf(party, { type: 'CT', date: new Date('nonsense') }), { code: 'RECORDS_PERIOD_UNKNOWN' });
  t.throws(() => seriesOf(party, { type: 'DA', date: new Date() }), { code: 'RECORDS_DOCUMENT_TYPE_UNKNOWN' });
});

void t.test('a configuration with mistakes is refused with every mistake listed', async (t) => {
  const bad = {
    office: 'tu\u0000',
    period: { kind: 'term', terms: [{ start: '2025-02-30' }, { start: '2020-10-12' }, { start: '2020-10-12' }] },
    shared: [
      { name: 'A/B', types: ['QĐ', 'DA'] },
      { name: 'X', types: ['QĐ'] },
      { name: 'Y', types: [] },
    ],
    secretSeries: ' MẬT',
    utcOffsetMinutes: 10_000,
  } as SeriesConfig;
  try {
    defineSeriesConfig(bad);
    t.fail('accepted');
  } catch (e) {
    const detail = (e as { code: string; detail: string }).detail;
    t.equal((e as { code: string }).code, 'RECORDS_SERIES_CONFIG_INVALID');
    for (const expected of [
      /office must not contain a control character/,
      /"A\/B" must not contain \//,
      /"DA" is not a document type/,
      /QĐ is in two series/,
      /"Y" has no types/,
      /secretSeries must not begin or end with white space/,
      /utcOffsetMinutes/,
      /"2025-02-30" is not a YYYY-MM-DD date/,
      /2020-10-12 is given twice/,
    ]) {
      t.match(detail, expected);
    }
  }
  t.throws(() => defineSeriesConfig({ office: 'x', period: { kind: 'term', terms: [] } }), {
    code: 'RECORDS_SERIES_CONFIG_INVALID',
    detail: /at least one term/,
  });
  t.throws(() => defineSeriesConfig({ office: 'x', period: { kind: 'decade' } as never }), {
    code: 'RECORDS_SERIES_CONFIG_INVALID',
    detail: /period.kind/,
  });
});

void t.test('the configuration is frozen and its terms sorted', async (t) => {
  t.ok(Object.isFrozen(party));
  t.same(party.period.kind === 'term' ? party.period.terms.map((x) => x.start) : [], ['2020-10-12', '2025-10-15']);
});

void t.test('incoming numbers: one series per office per local year', async (t) => {
  t.same(incomingSeriesOf('hu-ba-vi', new Date('2026-12-31T17:30:00Z')), {
    office: 'hu-ba-vi',
    series: 'incoming',
    period: '2027',
    periodStart: '2027-01-01',
  });
  t.equal(incomingSeriesOf('hu-ba-vi', new Date('2026-12-31T17:30:00Z'), 0).period, '2026');
  t.throws(() => incomingSeriesOf('x', new Date(Number.NaN)), { code: 'RECORDS_PERIOD_UNKNOWN' });
});

void t.test('the default configuration: a series per type by calendar year, quy định in QĐ', async (t) => {
  const config = defaultSeriesConfig('VPTU-A');
  t.ok(Object.isFrozen(config));
  t.same(seriesOf(config, { type: 'QĐi', date: new Date('2026-12-31T17:00:00Z') }), {
    office: 'VPTU-A',
    series: 'QĐ',
    period: '2027',
    periodStart: '2027-01-01',
  });
  t.equal(seriesOf(config, { type: 'CT', date: new Date('2026-05-01T00:00:00Z') }).series, 'CT');
  t.throws(() => defaultSeriesConfig(' padded'), { code: 'RECORDS_SERIES_CONFIG_INVALID' });
});
