/**
 * Each office's series configuration (which types share a series; term or calendar year),
 * stored in `register_config` without the office's code; an office without one numbers
 * under libs/records' `defaultSeriesConfig`.
 */
import { defaultSeriesConfig, defineSeriesConfig, isRecordsError } from '@lienthong/records';
import type { SeriesConfig } from '@lienthong/records';
import { AppError } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';

/** A series configuration as stored and as the API takes it: a `SeriesConfig` without office and types. */
export type StoredSeriesConfig = Pick<SeriesConfig, 'period' | 'shared' | 'secretSeries' | 'utcOffsetMinutes'>;

/** The configuration an office numbers under, and whether it is the default. */
export interface EffectiveSeriesConfig {
  config: SeriesConfig;
  isDefault: boolean;
  revision: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** `stored` checked for `office` (libs/records `defineSeriesConfig`); 422 REGISTER_CONFIG_INVALID with every problem. */
export function checkSeriesConfig(office: string, stored: StoredSeriesConfig): SeriesConfig {
  try {
    return defineSeriesConfig({
      office,
      period: stored.period,
      ...(stored.shared === undefined ? {} : { shared: stored.shared }),
      ...(stored.secretSeries === undefined ? {} : { secretSeries: stored.secretSeries }),
      ...(stored.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: stored.utcOffsetMinutes }),
    });
  } catch (error) {
    if (!isRecordsError(error, 'RECORDS_SERIES_CONFIG_INVALID')) throw error;
    throw new AppError(intakeErrors.REGISTER_CONFIG_INVALID, {
      extra: { problems: (error.detail ?? error.message).split('; ') },
    });
  }
}

interface ConfigRow {
  config: StoredSeriesConfig;
  revision: number;
  updated_by: string;
  updated_at: Date;
}

/** The configuration `office` numbers under now. */
export async function loadSeriesConfig(q: Queryable, office: string): Promise<EffectiveSeriesConfig> {
  const { rows } = await q.query<ConfigRow>(
    'SELECT config, revision, updated_by, updated_at FROM register_config WHERE office = $1',
    [office],
  );
  const row = rows[0];
  if (row === undefined)
    return { config: defaultSeriesConfig(office), isDefault: true, revision: 0, updatedBy: null, updatedAt: null };
  return {
    config: checkSeriesConfig(office, row.config),
    isDefault: false,
    revision: row.revision,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/** Stores `office`'s configuration (already checked), its revision moving by one. */
export async function storeSeriesConfig(
  q: Queryable,
  office: string,
  config: StoredSeriesConfig,
  by: string,
): Promise<number> {
  const { rows } = await q.query<{ revision: number }>(
    `INSERT INTO register_config (office, config, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (office) DO UPDATE SET config = excluded.config, revision = register_config.revision + 1,
       updated_by = excluded.updated_by, updated_at = now()
     RETURNING revision`,
    [office, JSON.stringify(config), by],
  );
  return rows[0]!.revision;
}
