/** The registers' request and response schemas, and how entries and configurations are shown. */
import { Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { RegisterEntry } from '../registers/register-entry.ts';
import type { EffectiveSeriesConfig } from '../registers/series-config.ts';

/** A series name: what libs/records allows (clean text without `/`, at most 32). */
export const SeriesName = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[^/\\u0000-\\u001f\\u007f-\\u009f\\s]+$',
  description: 'a series name: a type code (CT) or a shared series (QĐ)',
});

/** A period: a year (`2026`) or a term's first day (`2025-10-15`). */
export const PeriodName = Type.String({
  pattern: '^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$',
  description: 'a year, 2026, or the first day of a committee term, 2025-10-15',
});

/** Which part of the register a list or an export shows. */
export const RegisterFilterQuery = {
  series: Type.Optional(SeriesName),
  period: Type.Optional(PeriodName),
};

/** An entry of the register as the API shows it. */
export const RegisterEntrySummary = Type.Object(
  {
    series: Type.String(),
    period: Type.String(),
    number: Type.Integer({ minimum: 1 }),
    symbol: Type.String({ description: 'the number and symbol as written, 01-CT/TU' }),
    documentId: Type.String(),
    documentType: Type.String(),
    subject: Type.String({ description: 'trích yếu' }),
    date: Type.String({ format: 'date-time' }),
    state: Type.Union([Type.Literal('reserved'), Type.Literal('issued'), Type.Literal('cancelled')]),
    reservedBy: Type.String(),
    reservedAt: Type.String({ format: 'date-time' }),
    issuedBy: Type.Union([Type.String(), Type.Null()]),
    issuedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    signer: Type.Union([Type.String(), Type.Null()]),
    recipients: Type.Union([Type.String(), Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    cancellation: Type.Union([
      Type.Object({ reason: Type.String(), by: Type.String(), at: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
  },
  { $id: 'RegisterEntry' },
);

export const toEntrySummary = (e: RegisterEntry): Static<typeof RegisterEntrySummary> => ({
  series: e.series,
  period: e.period,
  number: e.number,
  symbol: e.symbol,
  documentId: e.documentId,
  documentType: e.documentType,
  subject: e.subject,
  date: e.date.toISOString(),
  state: e.state,
  reservedBy: e.reservedBy,
  reservedAt: e.reservedAt.toISOString(),
  issuedBy: e.issuedBy,
  issuedAt: e.issuedAt?.toISOString() ?? null,
  signer: e.signer,
  recipients: e.recipients,
  note: e.note,
  cancellation:
    e.cancellation === null
      ? null
      : { reason: e.cancellation.reason, by: e.cancellation.by, at: e.cancellation.at.toISOString() },
});

/** A series configuration as the API takes it (libs/records `SeriesConfig` without office and types). */
export const SeriesConfigBody = Type.Object(
  {
    period: Type.Union([
      Type.Object({ kind: Type.Literal('year') }, { additionalProperties: false }),
      Type.Object(
        {
          kind: Type.Literal('term'),
          terms: Type.Array(
            Type.Object(
              {
                start: Type.String({ maxLength: 10, description: 'the congress, YYYY-MM-DD local time' }),
                name: Type.Optional(Type.String({ maxLength: 64 })),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 100 },
          ),
        },
        { additionalProperties: false },
      ),
    ]),
    shared: Type.Optional(
      Type.Array(
        Type.Object(
          { name: SeriesName, types: Type.Array(Type.String({ maxLength: 8 }), { minItems: 1, maxItems: 64 }) },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
    secretSeries: Type.Optional(SeriesName),
    utcOffsetMinutes: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
  },
  { additionalProperties: false, $id: 'SeriesConfig' },
);

/** The configuration an office numbers under, as the API shows it. */
export const SeriesConfigView = Type.Object({
  office: Type.String(),
  config: Type.Ref(SeriesConfigBody),
  isDefault: Type.Boolean({ description: 'true: the office has none of its own (libs/records defaultSeriesConfig)' }),
  revision: Type.Integer({ minimum: 0 }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const toConfigView = (e: EffectiveSeriesConfig): Static<typeof SeriesConfigView> => ({
  office: e.config.office,
  config: {
    period:
      e.config.period.kind === 'year'
        ? { kind: 'year' }
        : { kind: 'term', terms: e.config.period.terms.map((t) => ({ ...t })) },
    ...(e.config.shared === undefined
      ? {}
      : { shared: e.config.shared.map((s) => ({ name: s.name, types: [...s.types] })) }),
    ...(e.config.secretSeries === undefined ? {} : { secretSeries: e.config.secretSeries }),
    utcOffsetMinutes: e.config.utcOffsetMinutes ?? 420,
  },
  isDefault: e.isDefault,
  revision: e.revision,
  updatedBy: e.updatedBy,
  updatedAt: e.updatedAt?.toISOString() ?? null,
});
