/**
 * The ingest of one `delivery.evidence-stamped` (README "Evidence ingest"): the part read from
 * delivery's evidence bucket (its length and SHA-256 the event's, at most `maxBytes`), checked
 * (evidence-part.ts), put in the record's package as `evidence/<deliveryId>/<batchId>.json`
 * under the package's retention, a new manifest version written; then ONE transaction: the
 * event marked handled (or taken from the parked events), the objects and the manifest added
 * to the package, and `record.evidence-added` in the sender's audit chain. An event whose
 * record has no package yet is parked (src/parked/) and taken again once it has one.
 */
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@lienthong/bus';
import { handleOnce, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DeliveryEvidenceStamped } from '@lienthong/records';
import { assertValidBucket, assertValidKey, isStorageError } from '@lienthong/storage';
import { appendAudit } from '../audit/audit-log.ts';
import { IngestRefused, StoreUnsafe } from '../ingest/ingest-errors.ts';
import { putPackageObject } from '../ingest/package-writes.ts';
import type { PackageWriteDeps } from '../ingest/package-writes.ts';
import { canonicalJson } from '../packages/canonical-json.ts';
import {
  addPackageObjects,
  laterManifestOf,
  lockPackage,
  lockUnchanged,
  manifestName,
  newestManifestVersion,
} from '../packages/package-additions.ts';
import { findPackage, listArchivedObjects } from '../packages/package-repository.ts';
import { parkEvent, takeParkedEvent } from '../parked/parked-events.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';
import { checkEvidencePartOn } from './evidence-check.ts';
import type { EvidenceTrustSource } from './evidence-trust.ts';

/** The consumer name `handleOnce` and `parked_event` record evidence events under. */
export const evidenceConsumer = 'archive-evidence';

/** What the evidence ingest needs. */
export interface EvidenceIngestDeps extends Pick<PackageWriteDeps, 'store' | 'bucket'> {
  pool: Pool;
  guard: { assertSafe(): void };
  trust: EvidenceTrustSource;
  /** The worker threads the part is parsed and checked on (evidence-check.ts). */
  workers: ArchiveWorkers;
  /** Most bytes of one part read (README "Evidence ingest"). */
  maxBytes: number;
  /** The clock of the package's manifest and of the audit. */
  now?: () => Date;
  /** The validation time of the evidence checks (default: `now`); tests pin it to their PKI's time. */
  checkTime?: () => Date;
}

/** What became of an event. */
export type EvidenceOutcome = 'added' | 'parked' | 'duplicate' | 'ignored';

/** Manifest version raced by another addition to the same package: try again (not now). */
export class PackageChanged extends Error {
  constructor(recordId: string) {
    super(`the package of ${recordId} changed while evidence was added; trying again`);
    this.name = 'PackageChanged';
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The name of a part in the package. */
export const evidenceObjectName = (deliveryId: string, batchId: string): string =>
  `evidence/${deliveryId}/${batchId}.json`;

/** Reads the part where the event says, at most `maxBytes`, its length and SHA-256 the event's. */
async function readPart(deps: EvidenceIngestDeps, data: DeliveryEvidenceStamped): Promise<Buffer> {
  const { bucket, key, versionId } = data.evidence.object;
  if (data.evidence.byteLength > deps.maxBytes)
    throw new IngestRefused('EVIDENCE_INVALID', `the part is ${data.evidence.byteLength} bytes, over ${deps.maxBytes}`);
  let source;
  try {
    source = await deps.store.get(bucket, key, versionId === undefined ? {} : { versionId });
  } catch (error) {
    if (isStorageError(error, 'OBJECT_NOT_FOUND') || isStorageError(error, 'BUCKET_NOT_FOUND'))
      throw new IngestRefused('SOURCE_OBJECT_MISSING', `${bucket}/${key} is not in the store`, { cause: error });
    if (isStorageError(error, 'INVALID_KEY'))
      throw new IngestRefused('SOURCE_OBJECT_INVALID', `${bucket}/${key} is not a valid object`, { cause: error });
    throw error;
  }
  try {
    if (source.info.size !== data.evidence.byteLength)
      throw new IngestRefused(
        'FILE_MISMATCH',
        `${bucket}/${key} holds ${source.info.size} bytes, the event says ${data.evidence.byteLength}`,
      );
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of source.body) {
      length += (chunk as Buffer).length;
      if (length > data.evidence.byteLength) throw new IngestRefused('FILE_MISMATCH', `${key} is longer than it said`);
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    if (createHash('sha256').update(bytes).digest('hex') !== data.evidence.sha256)
      throw new IngestRefused('FILE_MISMATCH', `${key} does not hash to the event's SHA-256`);
    return bytes;
  } finally {
    source.body.destroy();
  }
}

function checkSource(data: DeliveryEvidenceStamped, archiveBucket: string): void {
  const { bucket, key } = data.evidence.object;
  try {
    assertValidBucket(bucket);
    assertValidKey(key);
  } catch (error) {
    throw new IngestRefused('SOURCE_OBJECT_INVALID', `${JSON.stringify(key)} is not a key this archive reads`, {
      cause: error,
    });
  }
  if (bucket === archiveBucket)
    throw new IngestRefused('SOURCE_OBJECT_INVALID', 'evidence cannot be read from the archive bucket itself');
}

function assertSafe(guard: EvidenceIngestDeps['guard']): void {
  try {
    guard.assertSafe();
  } catch (error) {
    throw new StoreUnsafe(error);
  }
}

/**
 * Adds the evidence of one `delivery.evidence-stamped` envelope to its record's package.
 * `parked`: the envelope was taken from the parked events (its row is deleted in the
 * committing transaction instead of `handleOnce`). Throws IngestRefused for an event that
 * can never be added, StoreUnsafe / ValidationUnavailable / PackageChanged / WorkerUnavailable / an outage for
 * one that cannot be now.
 */
export async function ingestEvidence(
  deps: EvidenceIngestDeps,
  envelope: EventEnvelope,
  parked = false,
): Promise<EvidenceOutcome> {
  const definition = checkEvent(envelope);
  if (definition.type !== eventDefinitions.deliveryEvidenceStamped.type) return 'ignored';
  const data = envelope.data as DeliveryEvidenceStamped;
  if (!uuidPattern.test(data.documentId))
    throw new IngestRefused('RECORD_ID_NOT_UUID', `document ${JSON.stringify(data.documentId)} has no UUID`);
  const recordId = data.documentId.toLowerCase();
  checkSource(data, deps.bucket);
  const now = (deps.now ?? (() => new Date()))();
  const pkg = await findPackage(deps.pool, recordId);
  if (pkg === undefined) {
    if (parked) return 'parked';
    return withTransaction(deps.pool, async (client) => {
      if (!(await handleOnce(client, evidenceConsumer, envelope.id))) return 'duplicate';
      await parkEvent(client, evidenceConsumer, recordId, envelope, now);
      return 'parked';
    });
  }
  const { rows: issuing } = await deps.pool.query<{ issuing_office: string }>(
    'SELECT issuing_office FROM record WHERE id = $1',
    [recordId],
  );
  // The audit entry goes to the sender's chain: only the office that issued the record sends its deliveries.
  if (issuing[0]?.issuing_office !== data.sender)
    throw new IngestRefused('EVIDENCE_INVALID', `${data.sender} did not issue ${recordId}`);
  const name = evidenceObjectName(data.deliveryId, data.batchId);
  const objects = await listArchivedObjects(deps.pool, recordId);
  if (objects.some((o) => o.name === name)) {
    if (parked) await withTransaction(deps.pool, (c) => takeParkedEvent(c, evidenceConsumer, envelope.id));
    return 'duplicate';
  }
  const document = objects.find((o) => o.name === 'document.pdf');
  if (document === undefined) throw new Error(`the package of ${recordId} has no document.pdf`);
  assertSafe(deps.guard);
  const bytes = await readPart(deps, data);
  const trust = await deps.trust();
  const evidenceCount = await checkEvidencePartOn(
    deps.workers,
    bytes,
    {
      documentId: data.documentId,
      deliveryId: data.deliveryId,
      batchId: data.batchId,
      documentSha256: document.sha256,
    },
    trust,
    deps.checkTime?.() ?? now,
  );
  const evidence = await putPackageObject(deps, recordId, name, bytes, 'application/json', pkg, {
    expectedSha256: data.evidence.sha256,
  });
  const version = newestManifestVersion(objects) + 1;
  const manifest = await putPackageObject(
    deps,
    recordId,
    manifestName(version),
    canonicalJson(laterManifestOf(recordId, pkg, pkg.ingestedAt, [...objects, evidence], version, now)),
    'application/json',
    pkg,
  );
  assertSafe(deps.guard);
  return withTransaction(deps.pool, async (client) => {
    if (parked) {
      if ((await takeParkedEvent(client, evidenceConsumer, envelope.id)) === undefined) return 'duplicate';
    } else if (!(await handleOnce(client, evidenceConsumer, envelope.id))) return 'duplicate';
    if (!(await lockPackage(client, recordId))) throw new PackageChanged(recordId);
    if (!(await lockUnchanged(client, recordId, pkg))) throw new PackageChanged(recordId);
    const current = await listArchivedObjects(client, recordId);
    if (current.some((o) => o.name === name)) return 'duplicate';
    if (newestManifestVersion(current) !== version - 1) throw new PackageChanged(recordId);
    await addPackageObjects(client, recordId, [evidence], manifest, now);
    await appendAudit(
      client,
      {
        office: data.sender,
        actor: `service:${envelope.source}`,
        action: 'record.evidence-added',
        recordId,
        detail: {
          eventId: envelope.id,
          deliveryId: data.deliveryId,
          batchId: data.batchId,
          evidence: evidenceCount,
          sha256: evidence.sha256,
          manifest: manifest.name,
        },
      },
      now,
    );
    return 'added';
  });
}
