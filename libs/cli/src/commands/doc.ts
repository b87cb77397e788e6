/**
 * `lienthong doc show|get|list`: the documents of the caller's office in the intake service
 * (services/intake README, "Documents"); `get` streams the PDF to a file. `doc submit` is in
 * doc-submit.ts.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, sendToService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, fileErrorReason } from '../inputs/files.ts';
import type { Command } from '../io.ts';
import { asClient, type DocumentAnswer } from './doc-client.ts';

const idUsage = (
  verb: string,
  extra: string,
  what: string,
) => `Usage: lienthong doc ${verb} ID${extra} [--config FILE] [--json]

${what}

  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print the service's answer (or its problem) as JSON

Exit status: 0 done; 1 the service refused (another office's document is not
found); 2 unusable command line or configuration.
`;

/** `lienthong doc show ID`. */
export const docShowCommand: Command = {
  name: 'show',
  summary: 'show a document of your office and its life record',
  usage: idUsage('show', '', 'Shows a document of your office: state, type, subject, recipients, PDF, life record.'),
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc show', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('doc show', rest, ['id']);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const path = `/v1/documents/${encodeURIComponent(id!)}`;
      const doc = await callService<DocumentAnswer>(io, config, 'intake', { method: 'GET', path });
      const { transitions } = await callService<{
        transitions: {
          from: string | null;
          to: string;
          action: string;
          by: string;
          at: string;
          reason: string | null;
        }[];
      }>(io, config, 'intake', { method: 'GET', path: `${path}/transitions` });
      if (json) {
        io.stdout(`${JSON.stringify({ ...doc, transitions }, null, 2)}\n`);
        return EXIT.ok;
      }
      const to = [
        ...(doc.metadata.recipients.offices ?? []),
        ...(doc.metadata.recipients.groups ?? []).map((g) => `@${g}`),
      ];
      io.stdout(
        `${doc.id}\n  state     ${doc.state}\n  office    ${doc.office}\n  type      ${doc.type}\n  subject   ${doc.subject}\n` +
          `  to        ${to.join(', ')}\n  secrecy   ${doc.metadata.secrecy}, urgency ${doc.metadata.urgency}\n` +
          `  signer    ${doc.signer ?? '-'}\n  pdf       ${doc.size} bytes, SHA-256 ${doc.sha256}\n  life:\n`,
      );
      for (const t of transitions)
        io.stdout(
          `    ${t.at}  ${t.action.padEnd(8)} ${(t.from ?? '-').padEnd(18)} → ${t.to.padEnd(18)} ${t.by}${t.reason === null ? '' : `: ${t.reason}`}\n`,
        );
      return EXIT.ok;
    });
  },
};

/** `lienthong doc get ID -o FILE.pdf`. */
export const docGetCommand: Command = {
  name: 'get',
  summary: 'write the PDF of a document of your office to a file',
  usage: idUsage(
    'get',
    ' -o FILE.pdf [--version original|signed|issued] [--force]',
    'Writes the PDF of a document of your office to FILE.pdf, streamed: the latest\nversion (issued, signed, or as submitted), or the one --version names\n(--force: replace the file).',
  ),
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc get', args, {
      output: { type: 'string', short: 'o' },
      version: { type: 'string' },
      force: { type: 'boolean' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('doc get', rest, ['id']);
    const output = required('doc get', 'output', values.output);
    assertWritable(io, [output], values.force === true);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const response = await sendToService(io, config, 'intake', {
        method: 'GET',
        path: `/v1/documents/${encodeURIComponent(id!)}/content`,
        query: { version: values.version },
      });
      const full = resolve(io.cwd, output);
      try {
        await pipeline(Readable.fromWeb(response.body!), createWriteStream(full));
      } catch (e) {
        await rm(full, { force: true });
        throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: ${fileErrorReason(e)}.`, { cause: e });
      }
      const etag = response.headers.get('etag') ?? '';
      const version = response.headers.get('lienthong-version') ?? 'original';
      if (json)
        io.stdout(`${JSON.stringify({ id, file: output, version, sha256: etag.replaceAll('"', '') }, null, 2)}\n`);
      else io.stdout(`wrote ${output} (${version}, SHA-256 ${etag.replaceAll('"', '')})\n`);
      return EXIT.ok;
    });
  },
};

/** `lienthong doc list`. */
export const docListCommand: Command = {
  name: 'list',
  summary: 'list the documents of your office',
  usage: `Usage: lienthong doc list [--state STATE] [--config FILE] [--json]

Lists the documents of your office, newest first, every page.

  --state STATE   only documents in STATE: draft, awaiting-signature, signed,
                  issued, refused, cancelled, recalled, replaced
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print { "documents": [ … ] } as JSON

Exit status: 0 listed; 1 the service refused; 2 unusable command line or configuration.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc list', args, {
      state: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('doc list', rest, []);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const documents: DocumentAnswer[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page: { documents: DocumentAnswer[]; nextOffset: number | null } = await callService(
          io,
          config,
          'intake',
          {
            method: 'GET',
            path: '/v1/documents',
            query: { state: values.state, limit: 1000, offset },
          },
        );
        documents.push(...page.documents);
        offset = page.nextOffset;
      }
      if (json) io.stdout(`${JSON.stringify({ documents }, null, 2)}\n`);
      else {
        for (const d of documents) io.stdout(`${d.id}  ${d.state.padEnd(18)}  ${d.type.padEnd(4)}  ${d.subject}\n`);
        io.stdout(`${documents.length} document(s)\n`);
      }
      return EXIT.ok;
    });
  },
};
