import { DATE_FIELD, NUMBER_FIELD, stampPdf } from '@lienthong/pades';
import { vietnameseFieldAppearance } from '@lienthong/pdf';
import { parseCommandLine, parseIsoDate, positionals, required } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { transformPdf } from '../inputs/pdf-files.ts';
import type { Command } from '../io.ts';

const NAME = 'pdf stamp';

const usage = `Usage: lienthong pdf stamp IN OUT --number TEXT --date YYYY-MM-DD [options]

Stamps the registry number (số) and date (ngày ban hành) of a document signed
with 'pdf sign --allow-stamp': fills the fields ${NUMBER_FIELD} and
${DATE_FIELD} (/V and an appearance in Noto Sans, so Vietnamese keeps
its diacritics) in an incremental update. Under the signer's DocMDP P 2 this
is permitted form filling: the signature stays valid. The date is written as
Vietnamese documents write it (Nghị định 30/2020/NĐ-CP):
"ngày 05 tháng 02 năm 2026", "ngày 23 tháng 11 năm 2026", after the place
when --place is given.

Options:
  --number TEXT          the registry number, e.g. "Số 138-CV/VPTU"
  --date YYYY-MM-DD      the date of issue
  --place TEXT           the place before the date, e.g. "Hà Nội"
  --number-field NAME    default ${NUMBER_FIELD}
  --date-field NAME      default ${DATE_FIELD}
  --force                replace OUT if it exists
  -h, --help             this help

Exit status: 0 stamped; 2 unusable input (one line on stderr; no OUT written).
`;

/**
 * A date as Vietnamese administrative documents write it (Nghị định
 * 30/2020/NĐ-CP, Phụ lục I): "ngày 05 tháng 02 năm 2026" — a zero before a
 * day under 10 and before months 1 and 2 — after "Place, " when given.
 */
export function vietnameseDate(date: Date, place?: string): string {
  const day = date.getUTCDate();
  const month = date.getUTCMonth() + 1;
  const text = `ngày ${String(day).padStart(2, '0')} tháng ${month <= 2 ? `0${month}` : month} năm ${date.getUTCFullYear()}`;
  return place === undefined || place === '' ? text : `${place}, ${text}`;
}

/** `lienthong pdf stamp`: number and date of a signed document, as permitted form filling. */
export const pdfStampCommand: Command = {
  name: 'stamp',
  summary: 'stamp the registry number and date into a signed PDF',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      number: { type: 'string' },
      date: { type: 'string' },
      place: { type: 'string' },
      'number-field': { type: 'string' },
      'date-field': { type: 'string' },
      force: { type: 'boolean' },
    });
    const [input, output] = positionals(NAME, rest, ['in', 'out']);
    const number = required(NAME, 'number', values.number);
    const dateValue = required(NAME, 'date', values.date);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dateValue))
      throw new CliError('BAD_DATE', `--date ${dateValue}: expected a calendar date YYYY-MM-DD.`);
    const date = vietnameseDate(parseIsoDate('date', dateValue), values.place);
    await transformPdf(io, { input: input!, output: output!, force: values.force === true }, (source, sink) =>
      stampPdf(source, sink, {
        number,
        date,
        appearance: vietnameseFieldAppearance,
        ...(values['number-field'] === undefined ? {} : { numberField: values['number-field'] }),
        ...(values['date-field'] === undefined ? {} : { dateField: values['date-field'] }),
      }),
    );
    io.stdout(`${output!}: stamped "${number}", "${date}".\n`);
    return EXIT.ok;
  },
};
