/**
 * `lienthong inbox list|get|accept|refuse|status|recall-answer`: the inbox of the caller's office in the
 * delivery service (services/delivery README, "Routes"), through its API with the client
 * configuration (`--config FILE` or LIENTHONG_CONFIG; `endpoints.delivery`). `inbox follow`
 * is in inbox-follow.ts.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseCommandLine, parseInteger, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, sendToService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, fileErrorReason } from '../inputs/files.ts';
import type { Command } from '../io.ts';
import { asClient } from './doc-client.ts';
import { entryLine, type InboxEntryAnswer } from './inbox-client.ts';

const common = `  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "delivery": "http://…" }, "token": "…" }
  --json          print the service's answer (or its problem) as JSON`;
const exits = `Exit status: 0 done; 1 the service refused (another office's entry is not
found; answered already; a status that may not follow); 2 unusable command line
or configuration.`;

/** `lienthong inbox list`. */
export const inboxListCommand: Command = {
  name: 'list',
  summary: "list your office's inbox, urgent first",
  usage: `Usage: lienthong inbox list [--status CODE] [--urgency U] [--since TIME] [--limit N] [--config FILE] [--json]

Lists the inbox of your office (office-system or registry), urgent first, then
newest, every page (at most --limit entries, default 1000).

  --status CODE   only entries at this exchange status: 01 arrived, 02 refused,
                  03 accepted, 04 assigned, 05 in progress, 06 completed, 13
                  recall asked, 16 recall refused; 15 recall accepted (only
                  listed when asked for)
  --urgency U     only ordinary, urgent, very-urgent or flash documents
  --since TIME    only entries that arrived at or after TIME (RFC 3339)
  --limit N       at most N entries (1-100000, default 1000)
${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox list', args, {
      status: { type: 'string' },
      urgency: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('inbox list', rest, []);
    const limit = values.limit === undefined ? 1000 : parseInteger('--limit', values.limit, 1, 100_000);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const entries: InboxEntryAnswer[] = [];
      let office: string | undefined;
      let cursor: string | undefined;
      do {
        const page: { office: string; entries: InboxEntryAnswer[]; nextCursor: string | null } = await callService(
          io,
          config,
          'delivery',
          {
            method: 'GET',
            path: '/v1/inbox',
            query: {
              status: values.status,
              urgency: values.urgency,
              since: values.since,
              cursor,
              limit: Math.min(500, limit - entries.length),
            },
          },
        );
        office = page.office;
        entries.push(...page.entries);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && entries.length < limit);
      if (json) io.stdout(`${JSON.stringify({ office, entries }, null, 2)}\n`);
      else {
        for (const e of entries) io.stdout(entryLine(e));
        io.stdout(`${entries.length} document(s) in the inbox of ${office ?? '?'}\n`);
      }
      return EXIT.ok;
    });
  },
};

/** `lienthong inbox get ID [-o FILE.pdf]`. */
export const inboxGetCommand: Command = {
  name: 'get',
  summary: 'show an entry of your inbox and its history; -o writes its PDF',
  usage: `Usage: lienthong inbox get ID [-o FILE.pdf] [--force] [--config FILE] [--json]

Shows an entry of your office's inbox and the history of its delivery; with -o,
also writes the document's PDF to FILE.pdf, streamed (the service checks its
SHA-256 on the way; the first complete fetch is recorded as handed over).

  -o, --output FILE  where to write the PDF (not replaced unless --force)
  --force         replace FILE if it exists
${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox get', args, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('inbox get', rest, ['id']);
    const output = values.output;
    if (output !== undefined) assertWritable(io, [output], values.force === true);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const path = `/v1/inbox/${encodeURIComponent(id!)}`;
      const answer = await callService<{
        entry: InboxEntryAnswer;
        history: { event: string; code: string | null; at: string; by: string; reason: string | null }[];
      }>(io, config, 'delivery', { method: 'GET', path });
      if (output !== undefined) {
        const response = await sendToService(io, config, 'delivery', {
          method: 'GET',
          path: `${path}/content`,
          headers: { accept: 'application/pdf, application/problem+json' },
        });
        const full = resolve(io.cwd, output);
        try {
          await pipeline(Readable.fromWeb(response.body!), createWriteStream(full));
        } catch (e) {
          await rm(full, { force: true });
          throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: ${fileErrorReason(e)}.`, { cause: e });
        }
      }
      if (json) {
        io.stdout(`${JSON.stringify({ ...answer, ...(output === undefined ? {} : { file: output }) }, null, 2)}\n`);
        return EXIT.ok;
      }
      const e = answer.entry;
      io.stdout(entryLine(e));
      io.stdout(`  document  ${e.documentId}, ${e.file.byteLength} bytes, SHA-256 ${e.file.sha256}\n`);
      if (e.deadline !== null) io.stdout(`  deadline  ${e.deadline}\n`);
      if (e.refusalReason !== null) io.stdout(`  refused   ${e.refusalReason}\n`);
      if (e.recall != null) io.stdout(`  ${e.recall.kind.padEnd(9)} ${e.recall.at}: ${e.recall.reason}\n`);
      if (e.recallRefusalReason != null) io.stdout(`  kept      ${e.recallRefusalReason}\n`);
      io.stdout('  history:\n');
      for (const h of answer.history)
        io.stdout(
          `    ${h.at}  ${h.event.padEnd(12)} ${(h.code ?? '').padEnd(3)} ${h.by}${h.reason === null ? '' : `: ${h.reason}`}\n`,
        );
      if (output !== undefined) io.stdout(`wrote ${output}\n`);
      return EXIT.ok;
    });
  },
};

/** An answer command: POST to `/v1/inbox/{id}/{what}` with `body`, print the entry. */
async function answer(
  io: Parameters<Command['run']>[1],
  configOption: string | undefined,
  json: boolean,
  id: string,
  what: string,
  body: Record<string, unknown> | undefined,
): Promise<number> {
  const config = readClientConfig(io, configOption);
  return asClient(io, json, async () => {
    const entry = await callService<InboxEntryAnswer>(io, config, 'delivery', {
      method: 'POST',
      path: `/v1/inbox/${encodeURIComponent(id)}/${what}`,
      ...(body === undefined
        ? {}
        : { body: { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json' } }),
    });
    if (json) io.stdout(`${JSON.stringify(entry, null, 2)}\n`);
    else io.stdout(entryLine(entry));
    return EXIT.ok;
  });
}

/** `lienthong inbox recall-answer ID accept|refuse [--reason TEXT]`. */
export const inboxRecallAnswerCommand: Command = {
  name: 'recall-answer',
  summary: 'answer a recall: accept (give it back, 15) or refuse with a reason (16)',
  usage: `Usage: lienthong inbox recall-answer ID accept|refuse [--reason TEXT] [--config FILE] [--json]

Answers the sender's recall (thu hồi, status 13) of a document of your office's
inbox: accept gives it back (15; it leaves the inbox list, still shown by
'inbox get'), refuse keeps it, with a reason (16). The sender learns either.

  --reason TEXT   why (required to refuse, 1-1000 characters)
${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox recall-answer', args, {
      reason: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id, verb] = positionals('inbox recall-answer', rest, ['id', 'answer']);
    if (verb !== 'accept' && verb !== 'refuse') throw new CliError('USAGE', `${verb}: expected accept or refuse.`);
    const reason = verb === 'refuse' ? required('inbox recall-answer', 'reason', values.reason) : values.reason;
    return answer(io, values.config, values.json === true, id!, 'recall-answer', {
      accept: verb === 'accept',
      ...(reason === undefined ? {} : { reason }),
    });
  },
};

/** `lienthong inbox accept ID`. */
export const inboxAcceptCommand: Command = {
  name: 'accept',
  summary: 'accept a document: it gets its incoming number (số đến)',
  usage: `Usage: lienthong inbox accept ID [--config FILE] [--json]

Accepts a document of your office's inbox: it is entered in your office's
incoming register (số đến) and the sender learns status 03. Trying again after
a failure keeps the same number.

${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox accept', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('inbox accept', rest, ['id']);
    return answer(io, values.config, values.json === true, id!, 'acceptance', undefined);
  },
};

/** `lienthong inbox refuse ID --reason TEXT`. */
export const inboxRefuseCommand: Command = {
  name: 'refuse',
  summary: 'return a document with a reason',
  usage: `Usage: lienthong inbox refuse ID --reason TEXT [--config FILE] [--json]

Returns a document of your office's inbox to its sender with a reason (status 02).

  --reason TEXT   why (required, 1-1000 characters)
${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox refuse', args, {
      reason: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('inbox refuse', rest, ['id']);
    const reason = required('inbox refuse', 'reason', values.reason);
    return answer(io, values.config, values.json === true, id!, 'refusal', { reason });
  },
};

const processing: Record<string, string> = {
  '04': '04',
  assigned: '04',
  '05': '05',
  'in-progress': '05',
  '06': '06',
  completed: '06',
};

/** `lienthong inbox status ID STATUS`. */
export const inboxStatusCommand: Command = {
  name: 'status',
  summary: 'report processing: assigned, in-progress, completed',
  usage: `Usage: lienthong inbox status ID STATUS [--reason TEXT] [--config FILE] [--json]

Reports the processing of an accepted document; the sender learns it.
STATUS is 04 or assigned, 05 or in-progress, 06 or completed (forwards only).

  --reason TEXT   a remark (optional)
${common}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox status', args, {
      reason: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id, name] = positionals('inbox status', rest, ['id', 'status']);
    const status = processing[name!];
    if (status === undefined)
      throw new CliError('USAGE', `${name}: expected 04 assigned, 05 in-progress or 06 completed.`);
    return answer(io, values.config, values.json === true, id!, 'status', {
      status,
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    });
  },
};
