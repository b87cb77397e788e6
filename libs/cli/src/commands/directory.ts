/**
 * `lienthong directory import|list`: the directory of offices kept by the intake service
 * (services/intake README, "The directory"), through its API with the client configuration
 * (`--config FILE` or LIENTHONG_CONFIG).
 */
import { extname } from 'node:path';
import { parseCommandLine, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { readInput } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';

const levels = ['centre', 'province', 'district', 'commune', 'grassroots'];

/** Runs `body`, printing a service's refusal (exit 1) rather than failing. */
async function asClient(io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ServiceRefusal) return reportRefusal(io, e, json);
    throw e;
  }
}

/** The media type of an import file: by extension, else by its first character (`{` is JSON). */
export function importMediaType(path: string, bytes: Uint8Array): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'text/csv; charset=utf-8';
  if (ext === '.json') return 'application/json';
  const text = new TextDecoder()
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('{') ? 'application/json' : 'text/csv; charset=utf-8';
}

const importUsage = `Usage: lienthong directory import FILE [--config FILE] [--json]

Imports offices, people and recipient groups into the directory (the intake
service; a directory-admin, within their committee's subtree). FILE is JSON
({ "offices": […], "people": […], "groups": […] }) or CSV of offices (header:
code,name,abbreviation,level[,parent][,seal_key][,active]), told apart by its
extension (.json, .csv) or, failing that, by its first character. All or
nothing; importing the same file again changes and publishes nothing.

  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "intake": "http://…" }, "token": "…" }
  --json          print the service's answer (or its problem) as JSON

Exit status: 0 imported; 1 the service refused (every problem is listed, with
its JSON pointer or CSV line); 2 unusable command line, file or configuration.
`;

/** `lienthong directory import FILE`. */
export const directoryImportCommand: Command = {
  name: 'import',
  summary: 'import offices, people and groups from a JSON or CSV file',
  usage: importUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('directory import', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [file] = positionals('directory import', rest, ['file']);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    const bytes = readInput(io, file!);
    if (bytes.length === 0) throw new CliError('FILE_NOT_READABLE', `${file}: the file is empty.`);
    return asClient(io, json, async () => {
      const answer = await callService<{
        summary: {
          officesCreated: number;
          officesUpdated: number;
          officesUnchanged: number;
          people: number;
          groups: number;
        };
        events: number;
      }>(io, config, 'intake', {
        method: 'POST',
        path: '/v1/directory/imports',
        body: { bytes, contentType: importMediaType(file!, bytes) },
      });
      if (json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
      else {
        const s = answer.summary;
        io.stdout(
          `imported ${file}: offices ${s.officesCreated} created, ${s.officesUpdated} changed, ${s.officesUnchanged} unchanged; ` +
            `${s.people} people and ${s.groups} groups created or changed; ${answer.events} directory.changed event(s) published\n`,
        );
      }
      return EXIT.ok;
    });
  },
};

const listUsage = `Usage: lienthong directory list [--level LEVEL] [--parent CODE] [--config FILE] [--json]

Lists the offices of the directory (the intake service), by code, every page.

  --level LEVEL   only offices at LEVEL: ${levels.join(', ')}
  --parent CODE   only offices directly under CODE
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print { "offices": [ … ] } as JSON

Exit status: 0 listed; 1 the service refused; 2 unusable command line or configuration.
`;

interface ListedOffice {
  code: string;
  name: string;
  abbreviation: string;
  level: string;
  parent: string | null;
  active: boolean;
}

/** `lienthong directory list`. */
export const directoryListCommand: Command = {
  name: 'list',
  summary: 'list the offices of the directory',
  usage: listUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('directory list', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      level: { type: 'string' },
      parent: { type: 'string' },
    });
    positionals('directory list', rest, []);
    if (values.level !== undefined && !levels.includes(values.level))
      throw new CliError('USAGE', `--level ${values.level}: expected one of ${levels.join(', ')}.`);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const offices: ListedOffice[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page: { offices: ListedOffice[]; nextOffset: number | null } = await callService(io, config, 'intake', {
          method: 'GET',
          path: '/v1/directory/offices',
          query: { level: values.level, parent: values.parent, limit: 1000, offset },
        });
        offices.push(...page.offices);
        offset = page.nextOffset;
      }
      if (json) io.stdout(`${JSON.stringify({ offices }, null, 2)}\n`);
      else {
        const width = Math.max(4, ...offices.map((o) => o.code.length));
        io.stdout(`${'CODE'.padEnd(width)}  LEVEL       ABBR   PARENT${' '.repeat(Math.max(0, width - 6))}  NAME\n`);
        for (const o of offices)
          io.stdout(
            `${o.code.padEnd(width)}  ${o.level.padEnd(10)}  ${o.abbreviation.padEnd(5)}  ${(o.parent ?? '-').padEnd(width)}  ${o.name}${o.active ? '' : ' (retired)'}\n`,
          );
        io.stdout(`${offices.length} office(s)\n`);
      }
      return EXIT.ok;
    });
  },
};
