/**
 * `lienthong doc recall|replace`: the sender recalls (thu hồi) an issued document of its
 * office, or replaces it by another issued one, with a reason (services/intake README,
 * "Read and cancel"); delivery then asks each recipient office to answer the recall.
 */
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { EXIT } from '../errors.ts';
import type { Command, CliIo } from '../io.ts';
import { asClient, type DocumentAnswer } from './doc-client.ts';

const common = `  --reason TEXT   why (required, 1-1000 characters; in the life record and told to
                  every recipient office)
  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "intake": "http://…" }, "token": "…" }
  --json          print the document (or the service's problem) as JSON

Exit status: 0 done; 1 the service refused (another office's document is not
found; not issued, or recalled or replaced already); 2 unusable command line or
configuration.`;

/** POSTs `body` to `/v1/documents/{id}/{what}` and prints the document's new state. */
async function endDocument(
  io: CliIo,
  configOption: string | undefined,
  json: boolean,
  id: string,
  what: 'recall' | 'replacement',
  body: Record<string, string>,
): Promise<number> {
  const config = readClientConfig(io, configOption);
  return asClient(io, json, async () => {
    const doc = await callService<DocumentAnswer>(io, config, 'intake', {
      method: 'POST',
      path: `/v1/documents/${encodeURIComponent(id)}/${what}`,
      body: { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json' },
    });
    if (json) io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    else io.stdout(`${doc.id}  ${doc.state}\n`);
    return EXIT.ok;
  });
}

/** `lienthong doc recall ID --reason TEXT`, also `lienthong delivery recall` (`group` names which). */
function recallCommand(group: 'doc' | 'delivery'): Command {
  const name = `${group} recall`;
  return {
    name: 'recall',
    summary: 'recall (thu hồi) an issued document; every recipient is asked to answer',
    usage: `Usage: lienthong ${name} ID --reason TEXT [--config FILE] [--json]

Recalls an issued document of your office (office-system or registry): it
becomes recalled, and each recipient office is asked to give it back (13) and
answers 15 (given back) or 16 (refused); follow them with
'lienthong delivery status ID'. The recall is made at intake, which owns the
document's state (${group === 'doc' ? "also 'lienthong delivery recall'" : "the same as 'lienthong doc recall'"}).

${common}
`,
    async run(args, io) {
      const { values, positionals: rest } = parseCommandLine(name, args, {
        reason: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
      });
      const [id] = positionals(name, rest, ['id']);
      const reason = required(name, 'reason', values.reason);
      return endDocument(io, values.config, values.json === true, id!, 'recall', { reason });
    },
  };
}

/** `lienthong doc recall ID --reason TEXT`. */
export const docRecallCommand: Command = recallCommand('doc');

/** `lienthong delivery recall ID --reason TEXT`: the same recall, in the delivery group the issue names. */
export const deliveryRecallCommand: Command = recallCommand('delivery');

/** `lienthong doc replace ID --by NEW --reason TEXT`. */
export const docReplaceCommand: Command = {
  name: 'replace',
  summary: 'mark an issued document replaced by another issued one',
  usage: `Usage: lienthong doc replace ID --by NEW --reason TEXT [--config FILE] [--json]

Marks an issued document of your office replaced by NEW, a document of your
office issued already (submit, sign and issue it first: it is delivered as any
other); each recipient's history of ID names NEW.

  --by NEW        the replacing document's id (required)
${common}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('doc replace', args, {
      by: { type: 'string' },
      reason: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = positionals('doc replace', rest, ['id']);
    const replacedBy = required('doc replace', 'by', values.by);
    const reason = required('doc replace', 'reason', values.reason);
    return endDocument(io, values.config, values.json === true, id!, 'replacement', { replacedBy, reason });
  },
};
