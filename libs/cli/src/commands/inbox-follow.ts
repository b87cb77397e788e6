/**
 * `lienthong inbox follow`: new documents of the caller's office as they arrive, from the
 * delivery service's server-sent events (`GET /v1/inbox/stream`), one line (or one JSON
 * object) each, until interrupted, the service ends the stream, or --count documents came.
 * `--after ID` resumes after the last id seen (printed with each document under --json).
 */
import { parseCommandLine, parseInteger, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { sendToService } from '../client/service-client.ts';
import { EXIT } from '../errors.ts';
import type { Command } from '../io.ts';
import { asClient } from './doc-client.ts';
import { entryLine, type InboxEntryAnswer } from './inbox-client.ts';

/** `lienthong inbox follow`. */
export const inboxFollowCommand: Command = {
  name: 'follow',
  summary: 'print new documents of your inbox as they arrive',
  usage: `Usage: lienthong inbox follow [--after ID] [--count N] [--config FILE] [--json]

Prints each new document of your office's inbox as it arrives (a line, or with
--json one JSON object per line), until interrupted or the service ends the
stream.

  --after ID      resume after this id (the "seq" of the last document seen);
                  without it, from the next document on
  --count N       stop after N documents
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          one JSON object per document and line

Exit status: 0 the stream ended or N documents came; 1 the service refused;
2 unusable command line or configuration.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('inbox follow', args, {
      after: { type: 'string' },
      count: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('inbox follow', rest, []);
    const after = values.after === undefined ? undefined : parseInteger('--after', values.after, 0, 2 ** 53 - 1);
    const count = values.count === undefined ? undefined : parseInteger('--count', values.count, 1, 1_000_000);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const response = await sendToService(io, config, 'delivery', {
        method: 'GET',
        path: '/v1/inbox/stream',
        query: { after },
        headers: { accept: 'text/event-stream, application/problem+json' },
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let seen = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return EXIT.ok;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (!lines.includes('event: document')) continue;
          const data = lines.find((l) => l.startsWith('data: '));
          if (data === undefined) continue;
          const entry = JSON.parse(data.slice(6)) as InboxEntryAnswer;
          io.stdout(json ? `${JSON.stringify(entry)}\n` : entryLine(entry));
          seen += 1;
          if (count !== undefined && seen >= count) {
            await reader.cancel();
            return EXIT.ok;
          }
        }
      }
    });
  },
};
