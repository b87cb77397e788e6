/**
 * `lienthong dlq list|replay TOPIC`: the dead letters of a topic (`TOPIC.dlq`), listed with
 * why they are there, and replayed to TOPIC once their cause is fixed (libs/bus README,
 * "Replaying dead letters"). An operator's command, run where the event transport is
 * reachable: Kafka (`--brokers`, or LIENTHONG_KAFKA_BROKERS as the services read it) or the
 * Postgres log of the embedded mode and small installs (`--database-url`, `--schema`).
 */
import { isBusError, openDeadLetters, type DeadLetter, type DeadLetters } from '@lienthong/bus';
import { parseCommandLine, positionals } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';

const transportOptions = {
  brokers: { type: 'string' },
  'database-url': { type: 'string' },
  schema: { type: 'string' },
  namespace: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const transportUsage = `  --brokers H:P,…      Kafka's bootstrap brokers (default: $LIENTHONG_KAFKA_BROKERS)
  --database-url URL   the Postgres log instead (embedded mode, small installs):
                       the database the services' LIENTHONG_DATABASE_URL names
  --schema NAME        the log's schema (default bus)
  --namespace NS       topics under a namespace (NS.TOPIC), as the services'
                       LIENTHONG_DELIVERY_TOPIC_NAMESPACE
  --json               print JSON (list: { topic, total, waiting, letters };
                       replay: { topic, dryRun, replayed })`;

const exits = `Exit status: 0 done; 1 the transport refused (BUS_REPLAY_LEDGER_FULL);
2 unusable command line, a topic the transport does not have, or a transport
that cannot be reached.`;

const topicPattern = /^[A-Za-z0-9._-]{1,249}$/;
const offsetPattern = /^\d{1,19}$/;

/** The transport options as parsed. */
interface TransportValues {
  brokers?: string;
  'database-url'?: string;
  schema?: string;
}

/** The topic the command names, under its namespace, checked. */
function topicOf(command: string, topic: string, namespace: string | undefined): string {
  const full = namespace === undefined || namespace === '' ? topic : `${namespace}.${topic}`;
  if (!topicPattern.test(full) || full === '.' || full === '..')
    throw new CliError(
      'USAGE',
      `${command}: ${JSON.stringify(full)} is not a topic name (A-Z a-z 0-9 . _ -, at most 249).`,
    );
  if (full.endsWith('.dlq'))
    throw new CliError('USAGE', `${command}: give the topic the letters came from, not ${full} itself.`);
  return full;
}

/** The dead letters of the transport the options (or LIENTHONG_KAFKA_BROKERS) name. */
function deadLettersOf(command: string, values: TransportValues, io: CliIo): DeadLetters {
  const databaseUrl = values['database-url'];
  if (databaseUrl !== undefined && values.brokers !== undefined)
    throw new CliError('USAGE', `${command}: give --brokers or --database-url, not both.`);
  if (databaseUrl !== undefined) {
    if (!/^postgres(?:ql)?:\/\//.test(databaseUrl))
      throw new CliError('USAGE', `${command}: --database-url must be a postgres:// URL.`);
    const schema = values.schema ?? 'bus';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new CliError('USAGE', `${command}: --schema ${JSON.stringify(schema)} is not a schema name.`);
    return openDeadLetters({ transport: 'postgres', databaseUrl, schema });
  }
  if (values.schema !== undefined) throw new CliError('USAGE', `${command}: --schema goes with --database-url.`);
  const brokers = (values.brokers ?? io.env.LIENTHONG_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0)
    throw new CliError(
      'USAGE',
      `${command}: give --brokers HOST:PORT (or set LIENTHONG_KAFKA_BROKERS), or --database-url for the Postgres log.`,
    );
  for (const broker of brokers) {
    if (!/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/.test(broker))
      throw new CliError('USAGE', `${command}: ${JSON.stringify(broker)} is not HOST:PORT.`);
  }
  return openDeadLetters({ transport: 'kafka', brokers, clientId: 'lienthong-cli' });
}

/** Runs `body` with the dead letters, closing them after; the bus's errors as exit 1 or 2. */
async function withDeadLetters(
  io: CliIo,
  json: boolean,
  letters: DeadLetters,
  body: (letters: DeadLetters) => Promise<number>,
): Promise<number> {
  try {
    return await body(letters);
  } catch (e) {
    if (!isBusError(e)) throw e;
    const detail = e.detail ?? e.title;
    if (json) io.stdout(`${JSON.stringify({ code: e.code, detail })}\n`);
    io.stderr(`lienthong: ${e.code}: ${detail}\n`);
    return e.code === 'BUS_REPLAY_LEDGER_FULL' ? EXIT.invalid : EXIT.unusable;
  } finally {
    await letters.close();
  }
}

/** One line of a letter. */
function letterLine(l: DeadLetter): string {
  const what = l.readable ? `${l.eventType ?? '?'} ${l.eventId ?? '?'}` : `POISON${l.eventId ? ` ${l.eventId}` : ''}`;
  const from = l.sourceTopic === undefined ? '' : ` from ${l.sourcePartition ?? '?'}:${l.sourceOffset ?? '?'}`;
  const tries = l.attempts === undefined ? '' : ` after ${l.attempts} tries`;
  return `  ${`${l.partition}:${l.offset}`.padEnd(10)}  ${l.time}  ${l.replayed ? 'replayed' : 'waiting '}  key ${JSON.stringify(l.key)}  ${what}${from}${tries}\n      ${l.reason ?? '(no reason)'}\n`;
}

/** `lienthong dlq list TOPIC`. */
export const dlqListCommand: Command = {
  name: 'list',
  summary: 'the dead letters of a topic, with why they are there',
  usage: `Usage: lienthong dlq list TOPIC [--brokers H:P,… | --database-url URL [--schema S]] [--namespace NS] [--json]

Lists the dead letters of TOPIC (what is in TOPIC.dlq): partition:offset, when
it was written, replayed or waiting, its key, the event type and id (POISON when
the message is not a readable event), where it came from, after how many tries,
and why (the consumer's last error).

${transportUsage}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('dlq list', args, transportOptions);
    const [name] = positionals('dlq list', rest, ['topic']);
    const topic = topicOf('dlq list', name!, values.namespace);
    const json = values.json === true;
    return withDeadLetters(io, json, deadLettersOf('dlq list', values, io), async (letters) => {
      const list = await letters.list({ topic });
      if (json) {
        const waiting = list.filter((l) => !l.replayed).length;
        io.stdout(`${JSON.stringify({ topic, total: list.length, waiting, letters: list }, null, 2)}\n`);
        return EXIT.ok;
      }
      io.stdout(`${topic}.dlq: ${list.length} dead letter(s), ${list.filter((l) => !l.replayed).length} waiting\n`);
      for (const l of list) io.stdout(letterLine(l));
      return EXIT.ok;
    });
  },
};

/** `lienthong dlq replay TOPIC`. */
export const dlqReplayCommand: Command = {
  name: 'replay',
  summary: 'send dead letters back to their topic, each once',
  usage: `Usage: lienthong dlq replay TOPIC [--id EVENT_ID…] [--from OFFSET --to OFFSET] [--dry-run] [--brokers H:P,… | --database-url URL [--schema S]] [--namespace NS] [--json]

Sends the dead letters of TOPIC back to TOPIC once the cause is fixed: the
original key, value and headers, plus lienthong-replayed-from. Each letter goes
once: a second replay does not send it again (consumers de-duplicate by event
id should a crash send one twice). Without a selection, every letter not
replayed yet.

  --id EVENT_ID        only the letters of this event (repeatable)
  --from OFFSET        only letters at or after this offset of TOPIC.dlq
  --to OFFSET          only letters at or before it (in every partition)
  --dry-run            say what would be sent; send and record nothing
${transportUsage}

${exits}
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('dlq replay', args, {
      ...transportOptions,
      id: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    const [name] = positionals('dlq replay', rest, ['topic']);
    const topic = topicOf('dlq replay', name!, values.namespace);
    for (const [option, value] of [
      ['from', values.from],
      ['to', values.to],
    ] as const) {
      if (value !== undefined && !offsetPattern.test(value))
        throw new CliError(
          'USAGE',
          `dlq replay: --${option} ${JSON.stringify(value)}: expected an offset (a whole number).`,
        );
    }
    if (values.from !== undefined && values.to !== undefined && BigInt(values.from) > BigInt(values.to))
      throw new CliError('USAGE', `dlq replay: --from ${values.from} is after --to ${values.to}.`);
    for (const id of values.id ?? []) {
      if (id === '' || id.length > 200 || /[\p{Cc}\s]/u.test(id))
        throw new CliError('USAGE', `dlq replay: --id ${JSON.stringify(id)} is not an event id.`);
    }
    const select = {
      ...(values.id === undefined ? {} : { eventIds: values.id }),
      ...(values.from === undefined ? {} : { fromOffset: values.from }),
      ...(values.to === undefined ? {} : { toOffset: values.to }),
    };
    const dryRun = values['dry-run'] === true;
    const json = values.json === true;
    return withDeadLetters(io, json, deadLettersOf('dlq replay', values, io), async (letters) => {
      const sent = await letters.replay({ topic, select, dryRun });
      if (json) {
        io.stdout(`${JSON.stringify({ topic, dryRun, replayed: sent }, null, 2)}\n`);
        return EXIT.ok;
      }
      io.stdout(`${dryRun ? 'would replay' : 'replayed'} ${sent.length} dead letter(s) to ${topic}\n`);
      for (const l of sent) io.stdout(letterLine(l));
      return EXIT.ok;
    });
  },
};
