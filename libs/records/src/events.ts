/**
 * The events services publish, as data: type, version, topic, producer, partition key,
 * and the schema of `data`. Topics are `lienthong.<type>.v<version>` (docs/DESIGN.md
 * "Events"); the envelope's `type` and `schemaVersion` name the definition.
 *
 * Order holds only within one topic and key (`@lienthong/bus`): a consumer of two event
 * types (delivery reads `document.issued` and `document.recalled`) may see them in either
 * order and must park what comes early.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { RecordsError } from './errors.ts';
import { quote } from './text.ts';
import {
  ArchiveFixityFailedSchema,
  DeliveryEvidenceStampedSchema,
  DeliveryFailedSchema,
  DeliverySentSchema,
  DeliveryStatusChangedSchema,
  DirectoryChangedSchema,
  DocumentCancelledSchema,
  DocumentIssuedSchema,
  DocumentRecalledSchema,
  DocumentReplacedSchema,
  ReceiptAcceptedSchema,
  ReceiptRefusedSchema,
  RecordArchivedSchema,
} from './event-schemas.ts';
import { describeProblems, type Checked, type Problem } from './problems.ts';
import { dateTimeProblems, mergeProblems, schemaProblems, stringProblems } from './schema-problems.ts';

/** One event: what it is, where it travels, how it is keyed, what its data is. */
export interface EventDefinition<S extends TSchema = TSchema> {
  /** The envelope's `type`: `document.issued`. */
  type: string;
  /** The envelope's `schemaVersion`. */
  version: number;
  /** `lienthong.<type>.v<version>`. */
  topic: string;
  /** The service that publishes it. */
  producer: 'intake' | 'delivery' | 'archive' | 'directory';
  /** What the partition key is, in words. */
  key: string;
  /** The partition key of one event's data: events with the same key are consumed in order. */
  keyOf: (data: Static<S>) => string;
  schema: S;
}

function define<S extends TSchema>(
  type: string,
  version: number,
  producer: EventDefinition['producer'],
  schema: S,
  key: string,
  keyOf: (data: Static<S>) => string,
): EventDefinition<S> {
  return Object.freeze({ type, version, topic: `lienthong.${type}.v${version}`, producer, key, keyOf, schema });
}

/** Every event, as data. */
export const eventDefinitions = Object.freeze({
  documentIssued: define('document.issued', 1, 'intake', DocumentIssuedSchema, 'the issuing office', (d) => d.office),
  documentRecalled: define(
    'document.recalled',
    1,
    'intake',
    DocumentRecalledSchema,
    'the issuing office',
    (d) => d.office,
  ),
  documentReplaced: define(
    'document.replaced',
    1,
    'intake',
    DocumentReplacedSchema,
    'the issuing office',
    (d) => d.office,
  ),
  documentCancelled: define(
    'document.cancelled',
    1,
    'intake',
    DocumentCancelledSchema,
    'the issuing office',
    (d) => d.office,
  ),
  deliverySent: define('delivery.sent', 1, 'delivery', DeliverySentSchema, 'the recipient office', (d) => d.recipient),
  deliveryStatusChanged: define(
    'delivery.status-changed',
    1,
    'delivery',
    DeliveryStatusChangedSchema,
    'the delivery',
    (d) => d.deliveryId,
  ),
  deliveryEvidenceStamped: define(
    'delivery.evidence-stamped',
    1,
    'delivery',
    DeliveryEvidenceStampedSchema,
    'the document',
    (d) => d.documentId,
  ),
  deliveryFailed: define('delivery.failed', 1, 'delivery', DeliveryFailedSchema, 'the delivery', (d) => d.deliveryId),
  receiptAccepted: define(
    'receipt.accepted',
    1,
    'delivery',
    ReceiptAcceptedSchema,
    'the delivery',
    (d) => d.deliveryId,
  ),
  receiptRefused: define('receipt.refused', 1, 'delivery', ReceiptRefusedSchema, 'the delivery', (d) => d.deliveryId),
  directoryChanged: define(
    'directory.changed',
    1,
    'directory',
    DirectoryChangedSchema,
    'the entity (office:<code>, person:<code>, group:<code>)',
    (d) => `${d.entity}:${d.code}`,
  ),
  recordArchived: define('record.archived', 1, 'archive', RecordArchivedSchema, 'the document', (d) => d.documentId),
  archiveFixityFailed: define(
    'archive.fixity-failed',
    1,
    'archive',
    ArchiveFixityFailedSchema,
    'the record',
    (d) => d.recordId,
  ),
});

/** The data of an event by its name in `eventDefinitions`: `EventData<'documentIssued'>` is `DocumentIssued`. */
export type EventData<K extends keyof typeof eventDefinitions> = Static<(typeof eventDefinitions)[K]['schema']>;

const all: readonly EventDefinition[] = Object.values(eventDefinitions) as unknown as readonly EventDefinition[];

/** The definition of `type` at `version`, or undefined. */
export function findEventDefinition(type: string, version: number): EventDefinition | undefined {
  return all.find((d) => d.type === type && d.version === version);
}

/** Every topic services publish to (for `ensureTopics`). */
export function eventTopics(): string[] {
  return all.map((d) => d.topic);
}

/**
 * Checks the data of an event of `type` at `version`: the schema, every string clean
 * (NFC, no control or invisible characters), every date-time a real instant. Returns
 * every problem with its JSON Pointer into `data` (up to `maxProblems`), or, for a type
 * or version not defined here, one problem at "" saying so. Never throws.
 */
export function validateEventData(type: string, version: number, data: unknown): Checked<unknown> {
  const definition = findEventDefinition(type, version);
  if (definition === undefined) {
    return {
      ok: false,
      problems: [{ pointer: '', message: `${quote(type)} v${version} is not a defined event` }],
    };
  }
  const rules: Problem[] = [];
  stringProblems(data, '', rules);
  dateTimeProblems(definition.schema, data, '', rules);
  const problems = mergeProblems(schemaProblems(definition.schema, data), rules);
  if (problems.length === 0) return { ok: true, value: data };
  return { ok: false, problems };
}

/** The parts of an envelope (`@lienthong/bus` `EventEnvelope`) this package reads. */
export interface EventLike {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/**
 * `validateEventData` on an envelope, throwing: `RECORDS_EVENT_TYPE_UNKNOWN` for an event
 * not defined here, `RECORDS_EVENT_DATA_INVALID` with the problems in `extra.problems`.
 * Returns the definition, so a consumer can dispatch on it.
 */
export function checkEvent(event: EventLike): EventDefinition {
  const definition = findEventDefinition(event.type, event.schemaVersion);
  if (definition === undefined) {
    throw new RecordsError('RECORDS_EVENT_TYPE_UNKNOWN', `${quote(event.type)} v${event.schemaVersion}`);
  }
  const checked = validateEventData(event.type, event.schemaVersion, event.data);
  if (!checked.ok) {
    throw new RecordsError(
      'RECORDS_EVENT_DATA_INVALID',
      `${event.type} v${event.schemaVersion}: ${describeProblems(checked.problems.slice(0, 5))}`,
      {
        extra: { problems: checked.problems },
      },
    );
  }
  return definition;
}
