/**
 * `lienthong archive export`: a BagIt bag (RFC 8493) of a record, a file (hồ sơ) or a range
 * of dates (services/archive README, "Export (BagIt)"), streamed as a tar from the archive,
 * unpacked into a fresh folder next to DIR (entries with absolute paths, `..`, links or
 * anything but regular files refused), the payload manifest and Payload-Oxum checked, and
 * renamed to DIR only when the bag holds. A refused or cut archive leaves nothing.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { parseCommandLine, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { reportRefusal, sendToService, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkBag } from '../inputs/bag-check.ts';
import { extractTar, TarRefused } from '../inputs/tar-extract.ts';
import type { CliIo, Command } from '../io.ts';
import { progressCounter } from './archive-download.ts';
import { recordIdOf } from './archive-package.ts';

const dayPattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function outputFolder(io: CliIo, output: string): string {
  const full = resolve(io.cwd, output);
  if (existsSync(full) && readdirSync(full).length > 0)
    throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: not empty; a bag is written to a new or empty folder.`);
  return full;
}

/** `lienthong archive export`. */
export const archiveExportCommand: Command = {
  name: 'export',
  summary: 'a BagIt bag of a record, a file (hồ sơ) or a range of dates, unpacked and checked',
  usage: `Usage: lienthong archive export (--record ID | --file F | --from DATE --to DATE)
         -o DIR [--config FILE] [--json]

Asks the archive for a BagIt bag (RFC 8493; an archivist's token) of one
record, of a file (hồ sơ) or of the records dated from DATE to DATE
(YYYY-MM-DD, at most 10,000 records), streams the tar, unpacks it into DIR
(new or empty) and checks it: every payload file listed in
manifest-sha256.txt with its SHA-256, Payload-Oxum, tagmanifest-sha256.txt.
Entries with an absolute path, a .. segment, links or anything but regular
files are refused. DIR is made only when the bag holds.

  --record ID | --file F | --from DATE --to DATE   what to export
  -o, --output DIR   where the bag goes
  --config FILE      client configuration (default: $LIENTHONG_CONFIG)
  --json             print { dir, valid, problems, payloadFiles, … } as JSON

Exit status: 0 the bag holds; 1 the archive refused, the tar was refused or
cut short, or the bag does not check (nothing kept); 2 unusable command line,
configuration or output, or the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive export', args, {
      record: { type: 'string' },
      file: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('archive export', rest, []);
    const json = values.json === true;
    const given = [values.record, values.file, values.from ?? values.to].filter((v) => v !== undefined).length;
    if (given !== 1 || (values.from === undefined) !== (values.to === undefined))
      throw new CliError(
        'USAGE',
        "archive export: give --record, --file, or --from with --to. Run 'lienthong archive export --help'.",
      );
    for (const day of [values.from, values.to])
      if (day !== undefined && !dayPattern.test(day))
        throw new CliError('USAGE', `archive export: ${day} is not a date (YYYY-MM-DD).`);
    if (values.output === undefined)
      throw new CliError('USAGE', "archive export: -o DIR is required. Run 'lienthong archive export --help'.");
    const target = outputFolder(io, values.output);
    const query = {
      record: values.record === undefined ? undefined : recordIdOf('archive export', values.record),
      file: values.file,
      from: values.from,
      to: values.to,
    };
    const config = readClientConfig(io, values.config);
    const work = join(dirname(target), `.${basename(target)}.part-${randomBytes(6).toString('hex')}`);
    try {
      const response = await sendToService(io, config, 'archive', {
        method: 'GET',
        path: '/v1/exports/bag',
        query,
        headers: { accept: 'application/x-tar, application/problem+json' },
      });
      const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
      if (type !== 'application/x-tar')
        throw new CliError(
          'SERVICE_UNREACHABLE',
          `the archive answered ${type || 'no media type'}, not a tar: is it a lienthong archive?`,
        );
      mkdirSync(work, { recursive: true });
      const counter = progressCounter(io, 'export', 0);
      let problems: string[];
      let check;
      try {
        await extractTar(Readable.fromWeb(response.body!).pipe(counter.stream), work);
        check = await checkBag(work);
        problems = check.problems;
      } catch (e) {
        if (e instanceof TarRefused) problems = [`the archive's tar was refused: ${e.message}`];
        else if (e instanceof Error && !(e instanceof CliError)) problems = [`the export was cut short: ${e.message}`];
        else throw e;
      }
      const valid = problems.length === 0;
      if (valid) {
        if (existsSync(target)) rmdirSync(target);
        renameSync(work, target);
      }
      const summary = {
        dir: valid ? target : null,
        valid,
        problems,
        payloadFiles: check?.payloadFiles ?? 0,
        payloadBytes: check?.payloadBytes ?? 0,
        bytes: counter.length(),
      };
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else if (valid)
        io.stdout(`bag of ${summary.payloadFiles} payload files (${summary.payloadBytes} bytes) checked → ${target}\n`);
      else for (const p of problems) io.stderr(`lienthong: ${p}\n`);
      return valid ? EXIT.ok : EXIT.invalid;
    } catch (e) {
      if (!(e instanceof ServiceRefusal)) throw e;
      return reportRefusal(io, e, json);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
