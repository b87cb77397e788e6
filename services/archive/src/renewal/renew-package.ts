/**
 * One renewal of a package's long-term validity (README "Long-term validity"): a new link of
 * its evidence record (evidence-record.ts) over every object of the package but the manifests
 * and the evidence records themselves, time-stamped by signing's TSA, written as
 * `evidence-record-<n>.json` (the whole chain) with a new manifest version, outside any
 * transaction; then one transaction adds both to the package, sets `protected_until` and
 * appends `record.timestamp-renewed` to the issuing office's audit chain.
 */
import type { Pool } from '@lienthong/db';
import { readCertificate } from '@lienthong/pki';
import { withTransaction } from '@lienthong/db';
import { rootOfToken } from '@lienthong/evidence';
import type { ObjectStore } from '@lienthong/storage';
import { appendAudit } from '../audit/audit-log.ts';
import { StoreUnsafe } from '../ingest/ingest-errors.ts';
import { putPackageObject } from '../ingest/package-writes.ts';
import type { ArchivedObject } from '../packages/archive-package.ts';
import { canonicalJson } from '../packages/canonical-json.ts';
import {
  addPackageObjects,
  isManifestName,
  laterManifestOf,
  lockPackage,
  lockUnchanged,
  manifestName,
  newestManifestVersion,
} from '../packages/package-additions.ts';
import { findPackage, listArchivedObjects } from '../packages/package-repository.ts';
import { appendLink, nextLink } from './evidence-record.ts';
import type { EvidenceRecord } from './evidence-record.ts';
import { protectionExpiry, stampProtection } from './protection.ts';
import type { ArchiveTsa } from './tsa-client.ts';
import type { EvidenceTrustSource } from '../evidence/evidence-trust.ts';
import { newestPdf, renewedPdfStream, renewPdf } from './pdf-renewal.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';

/** What a renewal needs. */
export interface RenewalDeps {
  pool: Pool;
  store: ObjectStore;
  bucket: string;
  guard: { assertSafe(): void };
  tsa: ArchiveTsa;
  /** The worker threads the PDF is renewed on (pdf-renewal.ts). */
  workers: ArchiveWorkers;
  now?: () => Date;
  /** Signing's CA certificates and CRLs for the renewed PDF's DSS (none: the DSS holds what the signatures carry). */
  trust?: EvidenceTrustSource;
  /** The algorithm table (protection.ts `algorithmDeprecations` unless a test says otherwise). */
  deprecations?: Readonly<Record<string, Date>>;
}

/** What a renewal did. */
export interface Renewal {
  name: string;
  /** The renewed PDF's name (`document-lta-<n>.pdf`), when the package has a PDF. */
  pdf?: string;
  links: number;
  genTime: Date;
  protectedUntil: Date;
}

const recordPattern = /^evidence-record-([1-9][0-9]*)\.json$/;

/** The name of evidence record version `n`. */
export const evidenceRecordName = (n: number): string => `evidence-record-${n}.json`;

/** The newest evidence record among `objects`, with its version (0: none). */
export function newestEvidenceRecord(objects: readonly ArchivedObject[]): { version: number; object?: ArchivedObject } {
  let best: { version: number; object?: ArchivedObject } = { version: 0 };
  for (const o of objects) {
    const m = recordPattern.exec(o.name);
    if (m !== null && Number(m[1]) > best.version) best = { version: Number(m[1]), object: o };
  }
  return best;
}

async function readRecord(store: ObjectStore, o: ArchivedObject): Promise<EvidenceRecord> {
  const { body } = await store.get(o.bucket, o.key, { versionId: o.versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as EvidenceRecord;
}

/**
 * A renewal that would not move the protection's end later than it is: the TSA's own
 * certificate ends no later than what protects the package now (renew the TSA's certificate).
 * Nothing is written; the package stays due, so the gauge and ArchiveRenewalOverdue say so.
 */
export class RenewalFutile extends Error {
  constructor(recordId: string, until: Date) {
    super(
      `renewing ${recordId} would not protect it past ${until.toISOString()}: the TSA's certificate ends too soon; renew it`,
    );
    this.name = 'RenewalFutile';
  }
}

const timeStampingEku = '1.3.6.1.5.5.7.3.8';

/** The latest notAfter among the TSA certificates of `trust` (undefined: none known). */
async function tsaNotAfter(deps: RenewalDeps): Promise<Date | undefined> {
  if (deps.trust === undefined) return undefined;
  let latest: Date | undefined;
  for (const der of (await deps.trust()).intermediates) {
    const c = readCertificate(der);
    if (c.extKeyUsage?.includes(timeStampingEku) && (latest === undefined || c.notAfter > latest)) latest = c.notAfter;
  }
  return latest;
}

async function protectedUntilOf(pool: Pool, recordId: string): Promise<Date | null> {
  const { rows } = await pool.query<{ p: Date | null }>(
    'SELECT protected_until AS p FROM package WHERE record_id = $1',
    [recordId],
  );
  return rows[0]?.p ?? null;
}

class RenewalRaced extends Error {
  constructor(recordId: string) {
    super(`the package of ${recordId} changed during its renewal; the next pass renews it`);
    this.name = 'RenewalRaced';
  }
}

/** Renews record `recordId`'s package once; throws StoreUnsafe, ValidationUnavailable (TSA), RenewalRaced, or an outage. */
export async function renewPackage(deps: RenewalDeps, recordId: string): Promise<Renewal> {
  const now = (deps.now ?? (() => new Date()))();
  const pkg = await findPackage(deps.pool, recordId);
  if (pkg === undefined) throw new Error(`record ${recordId} has no package`);
  const { rows } = await deps.pool.query<{ issuing_office: string }>(
    'SELECT issuing_office FROM record WHERE id = $1',
    [recordId],
  );
  const office = rows[0]?.issuing_office;
  if (office === undefined) throw new Error(`record ${recordId} is not in the catalog`);
  // A TSA whose certificate ends no later than the protection now cannot extend it: renewing would only add
  // objects at every pass. Checked before anything is stamped or written, and again on the token itself.
  const protectedNow = await protectedUntilOf(deps.pool, recordId);
  const tsaEnd = await tsaNotAfter(deps);
  if (protectedNow !== null && tsaEnd !== undefined && tsaEnd.getTime() <= protectedNow.getTime())
    throw new RenewalFutile(recordId, protectedNow);
  const objects = await listArchivedObjects(deps.pool, recordId);
  const newest = newestEvidenceRecord(objects);
  const previous = newest.object === undefined ? undefined : await readRecord(deps.store, newest.object);
  const pdfVersion = newestPdf(objects)?.version;
  try {
    deps.guard.assertSafe();
  } catch (error) {
    throw new StoreUnsafe(error);
  }
  // The PDF first, so that the evidence record's new link covers the renewed PDF too.
  const renewed = await renewPdf(deps.workers, deps.store, objects, deps.tsa, office, await deps.trust?.());
  let pdf: ArchivedObject | undefined;
  try {
    if (renewed !== undefined)
      pdf = await putPackageObject(deps, recordId, renewed.name, renewedPdfStream(renewed), 'application/pdf', pkg);
  } finally {
    await renewed?.remove();
  }
  const added = pdf === undefined ? objects : [...objects, pdf];
  const covered = added.filter((o) => !isManifestName(o.name) && !recordPattern.test(o.name));
  const next = nextLink(previous, covered);
  const token = await deps.tsa.stamp(next.imprint, office);
  const stamped = rootOfToken(token);
  if (stamped === undefined || !next.imprint.equals(Buffer.from(stamped)))
    throw new Error("signing's TSA stamped another imprint than the archive asked");
  const protection = stampProtection(token);
  const protectedUntil = protectionExpiry(protection, [], deps.deprecations)!;
  if (protectedNow !== null && protectedUntil.getTime() <= protectedNow.getTime())
    throw new RenewalFutile(recordId, protectedNow);
  const record = appendLink(previous, recordId, next, token, protection.genTime);
  try {
    deps.guard.assertSafe();
  } catch (error) {
    throw new StoreUnsafe(error);
  }
  const name = evidenceRecordName(newest.version + 1);
  const written = await putPackageObject(deps, recordId, name, canonicalJson(record), 'application/json', pkg);
  const version = newestManifestVersion(objects) + 1;
  const manifest = await putPackageObject(
    deps,
    recordId,
    manifestName(version),
    canonicalJson(laterManifestOf(recordId, pkg, pkg.ingestedAt, [...added, written], version, now)),
    'application/json',
    pkg,
  );
  await withTransaction(deps.pool, async (client) => {
    if (!(await lockPackage(client, recordId))) throw new RenewalRaced(recordId);
    if (!(await lockUnchanged(client, recordId, pkg))) throw new RenewalRaced(recordId);
    const current = await listArchivedObjects(client, recordId);
    if (
      newestManifestVersion(current) !== version - 1 ||
      newestEvidenceRecord(current).version !== newest.version ||
      newestPdf(current)?.version !== pdfVersion
    )
      throw new RenewalRaced(recordId);
    await addPackageObjects(client, recordId, pdf === undefined ? [written] : [pdf, written], manifest, now);
    await client.query('UPDATE package SET protected_until = $2 WHERE record_id = $1', [recordId, protectedUntil]);
    await appendAudit(
      client,
      {
        office,
        actor: 'service:archive',
        action: 'record.timestamp-renewed',
        recordId,
        detail: {
          evidenceRecord: name,
          ...(pdf === undefined ? {} : { pdf: pdf.name }),
          links: record.chain.length,
          genTime: protection.genTime.toISOString(),
          protectedUntil: protectedUntil.toISOString(),
          manifest: manifest.name,
        },
      },
      now,
    );
  });
  return {
    name,
    ...(pdf === undefined ? {} : { pdf: pdf.name }),
    links: record.chain.length,
    genTime: protection.genTime,
    protectedUntil,
  };
}

/**
 * Up to `limit` records whose package is due at `now` (never stamped, or within `marginMs` of its protection's end), the
 * most urgent first; a disposed package (its objects deleted) never is.
 */
export async function duePackages(pool: Pool, now: Date, marginMs: number, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ record_id: string }>(
    `SELECT record_id FROM package
     WHERE disposed_at IS NULL
       AND (protected_until IS NULL OR protected_until <= $1::timestamptz + make_interval(secs => $2::double precision / 1000))
     ORDER BY protected_until NULLS FIRST, record_id LIMIT $3`,
    [now, marginMs, limit],
  );
  return rows.map((r) => r.record_id);
}

/** How many packages are due at `now` (the gauge `lienthong_archive_renewal_due`). */
export async function countDuePackages(pool: Pool, now: Date, marginMs: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM package
     WHERE disposed_at IS NULL
       AND (protected_until IS NULL OR protected_until <= $1::timestamptz + make_interval(secs => $2::double precision / 1000))`,
    [now, marginMs],
  );
  return rows[0]?.n ?? 0;
}
