/**
 * Checkpoints of the audit chains (README "Audit log"): at intervals, each office whose chain
 * grew since its last checkpoint gets its head time-stamped by signing's TSA (libs/evidence
 * `auditCheckpointRoot`), and the token is kept with the head it covers. A chain later cut
 * short, or rewritten from an entry before a checkpoint, no longer holds that entry, and the
 * token proves the entry existed at its genTime: `lienthong audit verify` checks both, so a
 * truncation is found even by a verifier that never saw the chain before.
 */
import { auditCheckpointRoot } from '@lienthong/evidence';
import type { AuditHead } from '@lienthong/evidence';
import { readTimeStampToken } from '@lienthong/pki';
import type { Logger } from '@lienthong/service';
import type { Queryable } from '../queryable.ts';
import { startSchedule } from '../schedule.ts';
import type { Schedule } from '../schedule.ts';
import { readAuditHead } from './audit-log.ts';

/** A TSA that stamps a SHA-256 imprint for an office (the renewal's `ArchiveTsa` is one). */
export interface CheckpointTsa {
  stamp(imprint: Uint8Array, office: string): Promise<Uint8Array>;
}

/** One checkpoint as kept and served. */
export interface AuditCheckpoint extends AuditHead {
  office: string;
  /** The token's genTime. */
  genTime: Date;
  /** The RFC 3161 TimeStampToken (DER) over `auditCheckpointRoot(office, { seq, hash })`. */
  token: Uint8Array;
}

/** The offices that have an audit chain, without reading every entry (a skip scan of the primary key). */
async function officesWithChains(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ office: string }>(
    `WITH RECURSIVE o AS (
       (SELECT office FROM audit_entry ORDER BY office LIMIT 1)
       UNION ALL
       SELECT (SELECT e.office FROM audit_entry e WHERE e.office > o.office ORDER BY e.office LIMIT 1)
       FROM o WHERE o.office IS NOT NULL
     )
     SELECT office FROM o WHERE office IS NOT NULL`,
  );
  return rows.map((r) => r.office);
}

/** The last checkpoint's seq of `office` (0 when none). */
async function lastCheckpointSeq(q: Queryable, office: string): Promise<number> {
  const { rows } = await q.query<{ seq: string }>(
    'SELECT seq FROM audit_checkpoint WHERE office = $1 ORDER BY seq DESC LIMIT 1',
    [office],
  );
  return rows[0] === undefined ? 0 : Number(rows[0].seq);
}

/**
 * One pass: every office whose head moved past its last checkpoint gets one, at its head now.
 * An office whose stamp fails (the TSA down) is logged and tried again at the next pass.
 * Returns the checkpoints made.
 */
export async function checkpointAuditChains(
  q: Queryable,
  tsa: CheckpointTsa,
  logger: Pick<Logger, 'warn'>,
): Promise<AuditCheckpoint[]> {
  const made: AuditCheckpoint[] = [];
  for (const office of await officesWithChains(q)) {
    const head = await readAuditHead(q, office);
    if (head === undefined || head.seq <= (await lastCheckpointSeq(q, office))) continue;
    try {
      const token = await tsa.stamp(auditCheckpointRoot(office, head), office);
      const genTime = readTimeStampToken(token).tstInfo.genTime;
      await q.query(
        `INSERT INTO audit_checkpoint (office, seq, hash, gen_time, token) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (office, seq) DO NOTHING`,
        [office, head.seq, head.hash, genTime, Buffer.from(token)],
      );
      made.push({ office, seq: head.seq, hash: head.hash, genTime, token });
    } catch (error) {
      logger.warn({ err: error, office }, 'archive: the audit chain could not be checkpointed now');
    }
  }
  return made;
}

/** `office`'s checkpoints after seq `after`, in seq order, at most `limit`; `more` when others follow. */
export async function readCheckpoints(
  q: Queryable,
  office: string,
  after: number,
  limit: number,
): Promise<{ checkpoints: AuditCheckpoint[]; more: boolean }> {
  const { rows } = await q.query<{ office: string; seq: string; hash: string; gen_time: Date; token: Buffer }>(
    `SELECT office, seq, hash, gen_time, token FROM audit_checkpoint WHERE office = $1 AND seq > $2
     ORDER BY seq LIMIT $3`,
    [office, after, limit + 1],
  );
  return {
    checkpoints: rows.slice(0, limit).map((r) => ({
      office: r.office,
      seq: Number(r.seq),
      hash: r.hash,
      genTime: r.gen_time,
      token: new Uint8Array(r.token),
    })),
    more: rows.length > limit,
  };
}

/** Starts the checkpoints every `intervalMs` (the first pass after one interval). */
export function startAuditCheckpoints(options: {
  pool: Queryable;
  tsa: CheckpointTsa;
  intervalMs: number;
  logger: Pick<Logger, 'warn'>;
}): Schedule {
  return startSchedule(() => checkpointAuditChains(options.pool, options.tsa, options.logger), {
    intervalMs: options.intervalMs,
    logger: options.logger,
    what: 'audit checkpoint',
  });
}
