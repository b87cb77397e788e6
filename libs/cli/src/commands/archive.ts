/**
 * `lienthong archive search` and `lienthong archive get`: the archive's catalog of your
 * office's records (services/archive README, "Search", "Retrieval"), its metadata, and the
 * original or any object of a record's package downloaded with its SHA-256 checked against
 * the package before it is kept.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandLine, parseInteger } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';
import { downloadFromArchive } from './archive-download.ts';
import type { ArchiveRecord } from './archive-package.ts';
import { fetchPackage, objectNamePattern, objectPath, recordIdOf } from './archive-package.ts';

interface SearchPage {
  office: string;
  records: Array<ArchiveRecord & { rank: number | null }>;
  nextCursor: string | null;
  rankedWithin: number | null;
}

const refusals = async (io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> => {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof ServiceRefusal)) throw e;
    return reportRefusal(io, e, json);
  }
};

const configHelp = `  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "archive": "http://…" }, "token": "…" }`;

/** `lienthong archive search`. */
export const archiveSearchCommand: Command = {
  name: 'search',
  summary: "search your office's archived records (words with or without diacritics, filters)",
  usage: `Usage: lienthong archive search [WORDS…] [--number N] [--symbol S] [--type T]
         [--office O] [--from DATE] [--to DATE] [--signer X] [--status S]
         [--file F] [--limit N] [--cursor C] [--config FILE] [--json]

Searches the records your office issued or received (GET /v1/records): WORDS of
the subject (trích yếu), diacritics optional ("ke hoach" finds "Kế hoạch"),
best match first; without words, newest first. Every option narrows.

  --number N, --symbol S   the register number, or number and symbol (12-CT/TU)
  --type T                 the document type code (CT, KH, QĐ, …)
  --office O               the issuing or a receiving office
  --from DATE, --to DATE   the document's date (YYYY-MM-DD), inclusive
  --signer X, --status S, --file F   the signer, the status, the file (hồ sơ)
  --limit N                at most N records (1-100, default 20)
  --cursor C               the next page (printed after a full page)
${configHelp}
  --json                   print the archive's answer as JSON

Exit status: 0 (also with no match); 1 the archive refused; 2 unusable
command line or configuration, or the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: words } = parseCommandLine('archive search', args, {
      number: { type: 'string' },
      symbol: { type: 'string' },
      type: { type: 'string' },
      office: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      signer: { type: 'string' },
      status: { type: 'string' },
      file: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    const query = {
      q: words.length === 0 ? undefined : words.join(' '),
      number: values.number === undefined ? undefined : parseInteger('--number', values.number, 1, 2147483647),
      symbol: values.symbol,
      type: values.type,
      office: values.office,
      from: values.from,
      to: values.to,
      signer: values.signer,
      status: values.status,
      file: values.file,
      limit: values.limit === undefined ? undefined : parseInteger('--limit', values.limit, 1, 100),
      cursor: values.cursor,
    };
    return refusals(io, json, async () => {
      const page = await callService<SearchPage>(io, config, 'archive', { method: 'GET', path: '/v1/records', query });
      if (!Array.isArray(page?.records))
        throw new CliError(
          'SERVICE_UNREACHABLE',
          'the archive answered a search without records: is it a lienthong archive?',
        );
      if (json) {
        io.stdout(`${JSON.stringify(page, null, 2)}\n`);
        return EXIT.ok;
      }
      if (page.records.length === 0) {
        io.stdout('no record matches\n');
        return EXIT.ok;
      }
      for (const r of page.records)
        io.stdout(`${r.id}  ${r.issuedDate}  ${r.symbol.padEnd(14)} ${r.issuingOffice.padEnd(10)} ${r.subject}\n`);
      if (page.rankedWithin !== null)
        io.stdout(`(ranked among the newest ${page.rankedWithin} matches; narrow the search to rank older ones)\n`);
      if (page.nextCursor !== null) io.stdout(`next page: --cursor ${page.nextCursor}\n`);
      return EXIT.ok;
    });
  },
};

/** `lienthong archive get`. */
export const archiveGetCommand: Command = {
  name: 'get',
  summary: "a record's metadata, or its original or an object of its package downloaded and checked",
  usage: `Usage: lienthong archive get ID [--original -o FILE | --object NAME -o FILE]
         [--config FILE] [--json]

Prints the record's metadata (GET /v1/records/ID). With --original (the PDF) or
--object NAME (any object of the record's package, by its manifest name), the
object is streamed to a temporary file next to FILE, its SHA-256 and length
checked against the record's package, and only then renamed to FILE. Every
read is in your office's audit log.

  --original       download the original PDF (document.pdf)
  --object NAME    download the object NAME of the package
  -o, --output FILE  where to write it (must not exist)
${configHelp}
  --json           print JSON ({ record } or { file, sha256, size, … })

Exit status: 0 done; 1 the archive refused, or the bytes are not the
package's (nothing kept); 2 unusable command line, configuration or output,
or the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive get', args, {
      original: { type: 'boolean' },
      object: { type: 'string' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (rest.length !== 1) throw new CliError('USAGE', "archive get: expected ID. Run 'lienthong archive get --help'.");
    const id = recordIdOf('archive get', rest[0]!);
    const json = values.json === true;
    if (values.original === true && values.object !== undefined)
      throw new CliError('USAGE', "archive get: --original or --object, not both. Run 'lienthong archive get --help'.");
    const name = values.original === true ? 'document.pdf' : values.object;
    if (name !== undefined && !objectNamePattern.test(name))
      throw new CliError('USAGE', `archive get: --object ${name}: not an object name of a manifest.`);
    if (name === undefined && values.output !== undefined)
      throw new CliError('USAGE', "archive get: -o needs --original or --object. Run 'lienthong archive get --help'.");
    if (name !== undefined && values.output === undefined)
      throw new CliError(
        'USAGE',
        "archive get: --original and --object need -o FILE. Run 'lienthong archive get --help'.",
      );
    const target = values.output === undefined ? undefined : resolve(io.cwd, values.output);
    if (target !== undefined && existsSync(target))
      throw new CliError('OUTPUT_EXISTS', `${values.output}: exists already; name a new file.`);
    const config = readClientConfig(io, values.config);
    return refusals(io, json, async () => {
      if (name === undefined || target === undefined) {
        const record = await callService<ArchiveRecord>(io, config, 'archive', {
          method: 'GET',
          path: `/v1/records/${id}`,
        });
        if (json) io.stdout(`${JSON.stringify({ record }, null, 2)}\n`);
        else
          io.stdout(
            `${record.symbol} of ${record.issuingOffice}, ${record.issuedDate} (${record.kind}, ${record.status})\n` +
              `  subject: ${record.subject}\n  signer: ${record.signer.name} (${record.signer.subject})\n` +
              `  recipients: ${record.receivingOffices.join(', ') || '—'}\n  file: ${record.file ?? '—'}\n  id: ${record.id}\n`,
          );
        return EXIT.ok;
      }
      const pkg = await fetchPackage(io, config, id);
      const object = pkg.objects.find((o) => o.name === name);
      if (object === undefined) {
        io.stderr(`lienthong: the package of ${id} has no object ${name}\n`);
        return EXIT.invalid;
      }
      const got = await downloadFromArchive(io, config, objectPath(id, name), target, object);
      const summary = {
        file: target,
        name,
        sha256: got.sha256,
        size: got.length,
        expected: object.sha256,
        kept: got.kept,
      };
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else if (got.kept)
        io.stdout(`${name} of ${id}: ${got.length} bytes, SHA-256 ${got.sha256} as the package says → ${target}\n`);
      else
        io.stderr(
          `lienthong: ${name} of ${id}: got ${got.length} bytes with SHA-256 ${got.sha256}, the package says ${object.size} bytes and ${object.sha256}; nothing kept\n`,
        );
      return got.kept ? EXIT.ok : EXIT.invalid;
    });
  },
};
