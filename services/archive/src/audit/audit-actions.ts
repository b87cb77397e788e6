/**
 * What the audit log records: a closed list, so that a reader of the log (and a later
 * search of it) knows every action there can be. Append to it; never rename or reuse one.
 */

/** The actions of the archive's audit log (services/archive README, "Audit log"). */
export const auditActions = [
  /** A record's package was written to the archive (ingest). */
  'record.ingested',
  /** A record's metadata was read. */
  'record.read',
  /** A record's original (the signed PDF) was read, whole or a range. */
  'record.original-read',
  /** A record's evidence bundle was read. */
  'record.evidence-read',
  /** A record was exported (BagIt). */
  'record.exported',
  /** A fixity check found an object changed or missing. */
  'record.fixity-failed',
  /** A record was put under legal hold, or its hold released. */
  'record.hold-placed',
  'record.hold-released',
  /** A record's long-term validity was renewed (an archive time-stamp added). */
  'record.timestamp-renewed',
  /** A disposition (deletion after the retention ended) was proposed, approved or refused. */
  'disposition.proposed',
  'disposition.approved',
  'disposition.refused',
  /** A record was deleted after an approved disposition. */
  'record.disposed',
  /** A record's status changed: recalled, replaced or cancelled by its issuing office (README "Status updates"). */
  'record.status-changed',
  /** Delivery evidence (a time-stamped batch of one delivery) was added to a record's package. */
  'record.evidence-added',
  /** A held record's COMPLIANCE retention was extended again by the schedule (README "Legal hold"). */
  'record.lock-extended',
] as const;

/** An action of {@link auditActions}. */
export type AuditAction = (typeof auditActions)[number];

/** True when `action` is one of {@link auditActions}. */
export const isAuditAction = (action: string): action is AuditAction =>
  (auditActions as readonly string[]).includes(action);
