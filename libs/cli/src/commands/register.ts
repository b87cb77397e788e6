/**
 * `lienthong register list|export`: the outgoing register (sổ đăng ký văn bản đi) of the
 * caller's office, kept by the intake service (services/intake README, "Registers and
 * numbering"), through its API with the client configuration (`--config FILE` or
 * LIENTHONG_CONFIG).
 */
import { parseCommandLine, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, fetchServiceFile, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, writeOutput } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';

/** Runs `body`, printing a service's refusal (exit 1) rather than failing. */
async function asClient(io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ServiceRefusal) return reportRefusal(io, e, json);
    throw e;
  }
}

const periodPattern = /^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$/;

/** The --series and --period filters, checked before any call. */
function filterOf(values: { series?: string | undefined; period?: string | undefined }): {
  series: string | undefined;
  period: string | undefined;
} {
  if (values.period !== undefined && !periodPattern.test(values.period))
    throw new CliError(
      'USAGE',
      `--period ${values.period}: expected a year (2026) or a term's first day (2025-10-15).`,
    );
  if (values.series !== undefined && (values.series === '' || /[/\s]/.test(values.series)))
    throw new CliError(
      'USAGE',
      `--series ${JSON.stringify(values.series)}: a series name has no slash or white space.`,
    );
  return { series: values.series, period: values.period };
}

/** The states of a register entry (services/intake README, "Registers and numbering"). */
const entryStates = ['reserved', 'issued', 'cancelled'];

const listUsage = `Usage: lienthong register list [--series S] [--period P] [--state STATE] [--config FILE] [--json]

Lists the outgoing register (sổ đăng ký văn bản đi) of the caller's office (the
intake service; registry, office-system or archivist), every page, by period,
series and number.

  --series S      only series S (a type code, CT, or a shared series, QĐ)
  --period P      only period P: a year (2026) or a term's first day (2025-10-15)
  --state STATE   only entries in STATE: reserved, issued or cancelled; a number
                  left reserved (its issue did not complete) is resumed with
                  \`lienthong doc issue ID\` or cancelled by the registry with a reason
  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "intake": "http://…" }, "token": "…" }
  --json          print { "office": …, "entries": [ … ] } as JSON

Exit status: 0 listed; 1 the service refused; 2 unusable command line or configuration.
`;

interface ListedEntry {
  documentId: string;
  series: string;
  period: string;
  number: number;
  symbol: string;
  date: string;
  state: string;
  subject: string;
  cancellation: { reason: string } | null;
}

/** `lienthong register list`. */
export const registerListCommand: Command = {
  name: 'list',
  summary: "list the caller's office's outgoing register",
  usage: listUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('register list', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      series: { type: 'string' },
      period: { type: 'string' },
      state: { type: 'string' },
    });
    positionals('register list', rest, []);
    const filter = filterOf(values);
    if (values.state !== undefined && !entryStates.includes(values.state))
      throw new CliError('USAGE', `--state ${values.state}: expected ${entryStates.join(', ')}.`);
    const state = values.state === undefined ? {} : { state: values.state };
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const entries: ListedEntry[] = [];
      let office = '';
      let offset: number | null = 0;
      while (offset !== null) {
        const page: { office: string; entries: ListedEntry[]; nextOffset: number | null } = await callService(
          io,
          config,
          'intake',
          { method: 'GET', path: '/v1/registers/outgoing', query: { ...filter, ...state, limit: 1000, offset } },
        );
        office = page.office;
        entries.push(...page.entries);
        offset = page.nextOffset;
      }
      if (json) io.stdout(`${JSON.stringify({ office, entries }, null, 2)}\n`);
      else {
        const width = Math.max(6, ...entries.map((e) => e.symbol.length));
        io.stdout(`${'PERIOD'.padEnd(10)}  ${'SYMBOL'.padEnd(width)}  DATE        STATE      SUBJECT\n`);
        for (const e of entries) {
          const day = new Date(Date.parse(e.date) + 7 * 3_600_000).toISOString().slice(0, 10);
          const note =
            e.cancellation !== null
              ? ` (cancelled: ${e.cancellation.reason})`
              : e.state === 'reserved'
                ? ` (not issued: lienthong doc issue ${e.documentId})`
                : '';
          io.stdout(
            `${e.period.padEnd(10)}  ${e.symbol.padEnd(width)}  ${day}  ${e.state.padEnd(9)}  ${e.subject}${note}\n`,
          );
        }
        io.stdout(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in the register of ${office}\n`);
      }
      return EXIT.ok;
    });
  },
};

const exportUsage = `Usage: lienthong register export --format csv|pdf -o FILE [--series S] [--period P] [--force] [--config FILE] [--json]

Exports the outgoing register of the caller's office (the intake service;
registry, office-system or archivist): CSV for a spreadsheet (UTF-8 with BOM,
formulas defused) or the printable register book (sổ đăng ký văn bản đi, PDF).

  --format F      csv or pdf
  -o, --output FILE  where to write it (not replaced unless --force)
  --series S      only series S
  --period P      only period P: a year (2026) or a term's first day (2025-10-15)
  --force         replace FILE if it exists
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print a refusal as JSON

Exit status: 0 written; 1 the service refused; 2 unusable command line,
configuration or output file.
`;

const formats: Record<string, { path: string; type: string }> = {
  csv: { path: '/v1/registers/outgoing.csv', type: 'text/csv' },
  pdf: { path: '/v1/registers/outgoing.pdf', type: 'application/pdf' },
};

/** `lienthong register export`. */
export const registerExportCommand: Command = {
  name: 'export',
  summary: 'export the outgoing register as CSV or as the printable PDF book',
  usage: exportUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('register export', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      series: { type: 'string' },
      period: { type: 'string' },
      force: { type: 'boolean' },
    });
    positionals('register export', rest, []);
    const format = formats[values.format ?? ''];
    if (format === undefined) throw new CliError('USAGE', '--format csv or --format pdf is required.');
    if (values.output === undefined || values.output === '') throw new CliError('USAGE', '-o FILE is required.');
    const output = values.output;
    const filter = filterOf(values);
    assertWritable(io, [output], values.force === true);
    const config = readClientConfig(io, values.config);
    return asClient(io, values.json === true, async () => {
      const bytes = await fetchServiceFile(
        io,
        config,
        'intake',
        { method: 'GET', path: format.path, query: filter },
        format.type,
      );
      writeOutput(io, output, bytes);
      io.stderr(`wrote ${output} (${bytes.length} bytes)\n`);
      return EXIT.ok;
    });
  },
};
