/**
 * The operator's side of dead letters, on both transports: what is in `<topic>.dlq` and
 * why, and replaying letters to their topic, each once. What does not depend on the
 * transport is here: the letter as listed, the selection, and the headers of a replay.
 */
import { parseEnvelope } from './envelope.ts';
import { BusError } from './errors.ts';
import {
  dlqAttemptsHeader,
  dlqReasonHeader,
  dlqSourceOffsetHeader,
  dlqSourcePartitionHeader,
  dlqSourceTopicHeader,
  eventIdHeader,
} from './headers.ts';
import { isDeadLetterTopic } from './dead-letter.ts';
import { assertTopics } from './topic-name.ts';

/** Header a replayed event carries: `<partition>:<offset>` of the dead letter it was made from. */
export const replayedFromHeader = 'lienthong-replayed-from';

/**
 * The consumer group (Kafka) whose committed offsets on `<topic>.dlq` record what was
 * replayed; on the Postgres log the table `dlq_replayed` of the log's schema does.
 */
export const replayGroup = 'lienthong-dlq-replay';

/** One dead letter as an operator sees it. */
export interface DeadLetter {
  /** The dead-letter topic (`<topic>.dlq`). */
  topic: string;
  /** Its partition in the dead-letter topic (always 0 on the Postgres log). */
  partition: number;
  /** Its offset (Kafka) or log sequence (Postgres) in the dead-letter topic. */
  offset: string;
  /** The original message key, as UTF-8 (null when it had none). */
  key: string | null;
  /** Envelope id and type, when the value is a readable envelope; else the id header, if any. */
  eventId?: string;
  eventType?: string;
  /** False for poison: the value is not a readable envelope. */
  readable: boolean;
  /** The `lienthong-dlq-*` headers: why, from where, after how many tries. */
  reason?: string;
  sourceTopic?: string;
  sourcePartition?: number;
  sourceOffset?: string;
  attempts?: number;
  /** When it was written to the dead-letter topic (ISO 8601). */
  time: string;
  /** Whether a replay sent it to its topic already. */
  replayed: boolean;
}

/**
 * Which letters a replay takes: all of them when empty; with `eventIds`, those whose event
 * id is listed; with `fromOffset`/`toOffset` (inclusive, dead-letter topic offsets, in every
 * partition), those in the range. Both given: letters that pass both.
 */
export interface DeadLetterSelection {
  eventIds?: readonly string[];
  fromOffset?: string;
  toOffset?: string;
}

/** What `list` takes. */
export interface ListDeadLettersOptions {
  /** The topic whose dead letters to list (its `.dlq` is read), e.g. `lienthong.document.issued.v1`. */
  topic: string;
}

/** What `replay` takes. */
export interface ReplayDeadLettersOptions extends ListDeadLettersOptions {
  select?: DeadLetterSelection;
  /** Say what would be replayed; send nothing, record nothing. */
  dryRun?: boolean;
}

/**
 * Dead letters of one transport, for an operator. `replay` republishes each selected letter
 * not replayed before to the topic it came from (its original key, value and headers, less
 * the `lienthong-dlq-*` headers, plus `lienthong-replayed-from`), in order per partition, and
 * records it after each publish, so a second replay does not send it again; a crash between
 * the publish and the record sends one letter again (consumers de-duplicate by event id).
 */
export interface DeadLetters {
  list(options: ListDeadLettersOptions): Promise<DeadLetter[]>;
  /** The letters sent (or, with `dryRun`, those that would be), in order. */
  replay(options: ReplayDeadLettersOptions): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

/** The source topic, checked: a name of Kafka's rules that is not itself a dead-letter topic. */
export function sourceTopicOf(topic: string): string {
  assertTopics([topic]);
  if (isDeadLetterTopic(topic)) {
    throw new BusError('BUS_TOPIC_INVALID', `${topic}: give the topic the letters came from, not its .dlq`);
  }
  return topic;
}

const offsetPattern = /^\d{1,19}$/;

/** Checks a selection's offsets (whole numbers, from ≤ to). */
export function checkSelection(select: DeadLetterSelection | undefined): void {
  for (const offset of [select?.fromOffset, select?.toOffset]) {
    if (offset !== undefined && !offsetPattern.test(offset)) {
      throw new RangeError(`offset ${JSON.stringify(offset)}: expected a whole number`);
    }
  }
  if (select?.fromOffset !== undefined && select.toOffset !== undefined) {
    if (BigInt(select.fromOffset) > BigInt(select.toOffset)) throw new RangeError('fromOffset is after toOffset');
  }
}

/** Whether a letter is one the selection takes. */
export function isSelected(letter: DeadLetter, select: DeadLetterSelection | undefined): boolean {
  if (select?.eventIds !== undefined && (letter.eventId === undefined || !select.eventIds.includes(letter.eventId))) {
    return false;
  }
  const offset = BigInt(letter.offset);
  if (select?.fromOffset !== undefined && offset < BigInt(select.fromOffset)) return false;
  if (select?.toOffset !== undefined && offset > BigInt(select.toOffset)) return false;
  return true;
}

const integerOf = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;

/** A letter as listed, from what both transports store: value, headers, position, time. */
export function describeLetter(stored: {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Readonly<Record<string, string>>;
  time: string;
  replayed: boolean;
}): DeadLetter {
  const h = stored.headers;
  let envelope: { id: string; type: string } | undefined;
  try {
    envelope = parseEnvelope(stored.value ?? '');
  } catch {
    envelope = undefined;
  }
  const eventId = envelope?.id ?? h[eventIdHeader];
  const letter: DeadLetter = {
    topic: stored.topic,
    partition: stored.partition,
    offset: stored.offset,
    key: stored.key,
    readable: envelope !== undefined,
    time: stored.time,
    replayed: stored.replayed,
  };
  if (eventId !== undefined) letter.eventId = eventId;
  if (envelope !== undefined) letter.eventType = envelope.type;
  if (h[dlqReasonHeader] !== undefined) letter.reason = h[dlqReasonHeader];
  if (h[dlqSourceTopicHeader] !== undefined) letter.sourceTopic = h[dlqSourceTopicHeader];
  const sourcePartition = integerOf(h[dlqSourcePartitionHeader]);
  if (sourcePartition !== undefined) letter.sourcePartition = sourcePartition;
  if (h[dlqSourceOffsetHeader] !== undefined) letter.sourceOffset = h[dlqSourceOffsetHeader];
  const attempts = integerOf(h[dlqAttemptsHeader]);
  if (attempts !== undefined) letter.attempts = attempts;
  return letter;
}

/** Whether a header is one of the dead-letter topic's own, left out of a replay. */
export const isDeadLetterHeader = (name: string): boolean =>
  name.startsWith('lienthong-dlq-') || name === replayedFromHeader;

/** The `lienthong-replayed-from` value of a letter. */
export const replayedFrom = (letter: Pick<DeadLetter, 'partition' | 'offset'>): string =>
  `${letter.partition}:${letter.offset}`;
