/**
 * `lienthong doc submit FILE.pdf …`: a document of the caller's office submitted to the
 * intake service (services/intake README, "Documents"): the `metadata` part, then the PDF
 * streamed from the file as the `content` part (a progress bar on stderr over 4 MiB).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { fileErrorReason } from '../inputs/files.ts';
import type { Command } from '../io.ts';
import { asClient, type DocumentAnswer } from './doc-client.ts';

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
