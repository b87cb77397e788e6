/** The outbox event of a failed fixity check: `archive.fixity-failed` v1 (libs/records). */
import { createEnvelope } from '@lienthong/bus';
import type { OutboxEvent } from '@lienthong/db';
import { eventDefinitions } from '@lienthong/records';
import type { ArchiveFixityFailed } from '@lienthong/records';
import type { FixityResult, ObjectToCheck } from './check-object.ts';

/** The topic of `archive.fixity-failed` under `namespace` ('' for none), as the ingest names its topics. */
export function fixityFailedTopic(namespace: string): string {
  const topic = eventDefinitions.archiveFixityFailed.topic;
  return namespace === '' ? topic : `${namespace}.${topic}`;
}

/** `archive.fixity-failed` of `object`, whose check at `location` found `result` (mismatch or missing) at `at`. */
export function fixityFailedEvent(
  topic: string,
  location: string,
  object: ObjectToCheck,
  result: FixityResult & { outcome: 'mismatch' | 'missing' },
  at: Date,
): OutboxEvent {
  const definition = eventDefinitions.archiveFixityFailed;
  const data: ArchiveFixityFailed = {
    recordId: object.recordId,
    object: object.name,
    key: object.key,
    versionId: object.versionId,
    location,
    outcome: result.outcome,
    expected: { sha256: object.sha256, size: object.size },
    found: result.found,
    at: at.toISOString(),
  };
  return {
    topic,
    key: definition.keyOf(data),
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'archive',
      subject: object.recordId,
      data,
    }),
  };
}
