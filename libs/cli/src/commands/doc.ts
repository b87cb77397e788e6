/**
 * `lienthong doc submit|show|get|list`: the documents an office submits to the intake
 * service (services/intake README, "Documents"), through its API with the client
 * configuration. `submit` streams the PDF as the `content` part of a multipart body after
 * the `metadata` part (a progress bar on stderr over 4 MiB); `get` streams the PDF to a file.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, sendToService, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, fileErrorReason } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';

/** A document as intake answers it (the fields the commands print). */
interface DocumentAnswer {
  id: string;
  state: string;
  office: string;
  type: string;
  subject: string;
  sha256: string;
  size: number;
  signer: string | null;
  createdAt: string;
  metadata: { recipients: { offices?: string[]; groups?: string[] }; secrecy: string; urgency: string };
}

async function asClient(io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ServiceRefusal) return reportRefusal(io, e, json);
    throw e;
  }
}

/** `--to HU-A1,@A-XA`: offices by code, groups after `@`. */
export function recipientsOf(to: string): { offices?: string[]; groups?: string[] } {
  const names = to
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) throw new CliError('USAGE', '--to: name at least one office code or @GROUP.');
  const offices = names.filter((n) => !n.startsWith('@'));
  const groups = names.filter((n) => n.startsWith('@')).map((n) => n.slice(1));
  return { ...(offices.length > 0 ? { offices } : {}), ...(groups.length > 0 ? { groups } : {}) };
}

const submitUsage = `Usage: lienthong doc submit FILE.pdf --type TYPE --subject TEXT --to CODE[,CODE|@GROUP]
         [--signer PERSON] [--authority T/M|K/T|T/L|TUQ --on-behalf-of TEXT]
         [--urgency LEVEL] [--deadline DATE-TIME] [--secrecy LEVEL] [--retention CLASS]
         [--idempotency-key KEY] [--config FILE] [--json]

Submits a document of your office to the intake service (an office-system or
registry): the metadata first, then the PDF, streamed. Prints the document's id.

  --type TYPE          document type as in symbols: CT, QĐ, NQ, TB, CTr …
  --subject TEXT       the subject (trích yếu)
  --to LIST            recipients (nơi nhận): office codes, @GROUP for a group
  --signer PERSON      who signs (a person of your office with the signer role)
  --authority FORM     T/M, K/T, T/L or TUQ, with --on-behalf-of ("BAN THƯỜNG VỤ")
  --urgency LEVEL      ordinary (default), urgent, very-urgent, flash
  --deadline TIME      answer by (RFC 3339 with a zone), only with an urgency
  --secrecy LEVEL      ordinary (default); confidential is refused for now
  --retention CLASS    permanent (default), 70-years, 50-years … 5-years
  --idempotency-key K  a retry with the same key makes no second document
  --config FILE        client configuration (default: $LIENTHONG_CONFIG)
  --json               print the document ({ "id", "state", … }) or the problem

Exit status: 0 submitted; 1 the service refused (every problem listed); 2
unusable command line, file or configuration.
`;

/** `lienthong doc submit FILE.pdf …`. */
export const docSubmitCommand: Command = {
  name: 'submit',
  summary: 'submit a PDF with its metadata; prints the document id',
  usage: submitUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc submit', args, {
      type: { type: 'string' },
      subject: { type: 'string' },
      to: { type: 'string' },
      signer: { type: 'string' },
      authority: { type: 'string' },
      'on-behalf-of': { type: 'string' },
      urgency: { type: 'string' },
      deadline: { type: 'string' },
      secrecy: { type: 'string' },
      retention: { type: 'string' },
      'idempotency-key': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [file] = positionals('doc submit', rest, ['file']);
    const metadata = {
      type: required('doc submit', 'type', values.type),
      subject: required('doc submit', 'subject', values.subject),
      recipients: recipientsOf(required('doc submit', 'to', values.to)),
      secrecy: values.secrecy ?? 'ordinary',
      urgency: values.urgency ?? 'ordinary',
      ...(values.deadline === undefined ? {} : { deadline: values.deadline }),
      ...(values.signer === undefined
        ? {}
        : {
            signer: {
              person: values.signer,
              ...(values.authority === undefined ? {} : { authority: values.authority }),
              ...(values['on-behalf-of'] === undefined ? {} : { onBehalfOf: values['on-behalf-of'] }),
            },
          }),
      retention: values.retention ?? 'permanent',
    };
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    const path = resolve(io.cwd, file!);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      throw new CliError('FILE_NOT_READABLE', `${file}: ${fileErrorReason(e)}.`, { cause: e });
    }
    if (size === 0) throw new CliError('FILE_NOT_READABLE', `${file}: the file is empty.`);
    const boundary = `lienthong-${randomBytes(12).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="document.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* chunks(): AsyncIterable<Uint8Array> {
      yield head;
      for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
      yield tail;
    }
    return asClient(io, json, async () => {
      const key = values['idempotency-key'];
      const answer = await callService<DocumentAnswer>(io, config, 'intake', {
        method: 'POST',
        path: '/v1/documents',
        ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
        body: {
          chunks,
          length: head.length + size + tail.length,
          contentType: `multipart/form-data; boundary=${boundary}`,
        },
      });
      io.stdout(json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.id}\n`);
      return EXIT.ok;
    });
  },
};

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
    ' -o FILE.pdf [--force]',
    'Writes the PDF of a document of your office to FILE.pdf, streamed (--force: replace it).',
  ),
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc get', args, {
      output: { type: 'string', short: 'o' },
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
      });
      const full = resolve(io.cwd, output);
      try {
        await pipeline(Readable.fromWeb(response.body!), createWriteStream(full));
      } catch (e) {
        await rm(full, { force: true });
        throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: ${fileErrorReason(e)}.`, { cause: e });
      }
      const etag = response.headers.get('etag') ?? '';
      if (json) io.stdout(`${JSON.stringify({ id, file: output, sha256: etag.replaceAll('"', '') }, null, 2)}\n`);
      else io.stdout(`wrote ${output} (SHA-256 ${etag.replaceAll('"', '')})\n`);
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
