/**
 * The audit log as the routes serve it, with its access rule: an office's archivists (lưu
 * trữ) read their office's chain and no other; naming another office is 403, never an empty
 * answer. The registry and the office's systems do not read it: it records what archivists
 * and the archive did with the records, which is the archivists' to check.
 */
import type { AuditEntry, AuditHead } from '@lienthong/evidence';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { Queryable } from '../queryable.ts';
import { readCheckpoints } from './audit-checkpoint.ts';
import { readAudit, readAuditHead } from './audit-log.ts';

/** Who may read an office's audit log. */
export const auditReaders = [roles.archivist];

/** The caller's office, once the caller may read its log and named no other. */
function officeOf(principal: Principal, office: string | undefined): string {
  requireRoleOf(principal, ...auditReaders);
  if (office !== undefined && office !== principal.office)
    throw new AppError(serviceErrors.FORBIDDEN, {
      detail: "an office's audit log is read only by that office's archivists",
    });
  return principal.office;
}

/** A page of the caller's office's chain after `after`; `nextAfter` is the seq to ask after next (null on the last page). */
export async function auditPage(
  q: Queryable,
  principal: Principal,
  query: { office?: string; after: number; limit: number },
): Promise<{ office: string; entries: AuditEntry[]; nextAfter: number | null }> {
  const office = officeOf(principal, query.office);
  const { entries, more } = await readAudit(q, office, query.after, query.limit);
  return { office, entries, nextAfter: more ? entries.at(-1)!.seq : null };
}

/** The head of the caller's office's chain: its last entry's seq and hash (seq 0 and nulls while empty). */
export async function auditHeadOf(
  q: Queryable,
  principal: Principal,
  office: string | undefined,
): Promise<{ office: string; seq: number; hash: AuditHead['hash'] | null; at: string | null }> {
  const mine = officeOf(principal, office);
  const head = await readAuditHead(q, mine);
  return { office: mine, seq: head?.seq ?? 0, hash: head?.hash ?? null, at: head?.at ?? null };
}

/** A page of the caller's office's checkpoints after seq `after` (tokens in base64); `nextAfter` as for entries. */
export async function checkpointPage(
  q: Queryable,
  principal: Principal,
  query: { office?: string; after: number; limit: number },
): Promise<{
  office: string;
  checkpoints: Array<{ seq: number; hash: string; genTime: string; token: string }>;
  nextAfter: number | null;
}> {
  const office = officeOf(principal, query.office);
  const { checkpoints, more } = await readCheckpoints(q, office, query.after, query.limit);
  return {
    office,
    checkpoints: checkpoints.map((c) => ({
      seq: c.seq,
      hash: c.hash,
      genTime: c.genTime.toISOString(),
      token: Buffer.from(c.token).toString('base64'),
    })),
    nextAfter: more ? checkpoints.at(-1)!.seq : null,
  };
}
