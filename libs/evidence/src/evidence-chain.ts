/**
 * The chain of a leg: each statement names the SHA-256 of the previous evidence of its leg
 * (`previous`), so the evidence of one recipient office reads as one line from the first
 * event to the last. A leg's first evidence names nothing, or the delivery's submission
 * acceptance (a statement without a recipient, covering every leg). A removed middle
 * evidence, a fork (two evidences after the same one), a link to another delivery or leg, or
 * a step back in time breaks it.
 */
import type { EvidenceStatement } from './statement.ts';

/** One evidence that verified, as the chain check sees it. */
export interface ChainLink {
  readonly path: string;
  /** SHA-256 of its CMS, lower-case hex. */
  readonly digest: string;
  readonly statement: EvidenceStatement;
}

/** The outcome for one leg (or for a delivery's own submission statements). */
export interface LegReport {
  readonly deliveryId: string;
  /** The recipient office; absent for the statements that cover the whole delivery. */
  readonly recipientOffice?: string;
  readonly ok: boolean;
  /** EVIDENCE_CHAIN_BROKEN when not ok. */
  readonly code?: 'EVIDENCE_CHAIN_BROKEN';
  readonly message: string;
  /** The leg's evidence in chain order (as far as the chain could be followed), by path. */
  readonly evidence: readonly string[];
}

const legKey = (s: EvidenceStatement): string => `${s.deliveryId}\u0000${s.recipientOffice ?? ''}`;

/** Checks the chain of every leg among `links`. */
export function checkChains(links: readonly ChainLink[]): LegReport[] {
  const byDigest = new Map(links.map((l) => [l.digest, l]));
  const legs = new Map<string, ChainLink[]>();
  for (const link of links) {
    const key = legKey(link.statement);
    legs.set(key, [...(legs.get(key) ?? []), link]);
  }
  const reports: LegReport[] = [];
  for (const members of legs.values()) {
    const { deliveryId, recipientOffice } = members[0]!.statement;
    const problems: string[] = [];
    const heads: ChainLink[] = [];
    const next = new Map<string, ChainLink>();
    for (const link of members) {
      const s = link.statement;
      const before = s.previous === undefined ? undefined : byDigest.get(s.previous);
      if (s.previous !== undefined && before === undefined) {
        problems.push(`${link.path} follows an evidence the bundle does not hold (${s.previous.slice(0, 16)}…)`);
        continue;
      }
      if (before !== undefined && before.statement.deliveryId !== deliveryId) {
        problems.push(`${link.path} follows ${before.path}, an evidence of another delivery`);
        continue;
      }
      const beforeInLeg = before !== undefined && legKey(before.statement) === legKey(s);
      if (before !== undefined && !beforeInLeg && before.statement.recipientOffice !== undefined) {
        problems.push(`${link.path} follows ${before.path}, an evidence of another leg`);
        continue;
      }
      if (before !== undefined && s.time.getTime() < before.statement.time.getTime())
        problems.push(`${link.path} is dated before ${before.path}, which it follows`);
      if (!beforeInLeg) heads.push(link);
      else if (next.has(before.digest))
        problems.push(`${link.path} and ${next.get(before.digest)!.path} both follow ${before.path}`);
      else next.set(before.digest, link);
    }
    if (heads.length !== 1 && problems.length === 0)
      problems.push(
        heads.length === 0 ? 'the leg has no first evidence' : `the leg has ${heads.length} first evidences`,
      );
    const order: string[] = [];
    for (let at = heads[0]; at !== undefined && order.length <= members.length; at = next.get(at.digest))
      order.push(at.path);
    if (problems.length === 0 && order.length !== members.length)
      problems.push('the chain does not reach every evidence of the leg');
    const who = recipientOffice === undefined ? `delivery ${deliveryId}` : `leg ${deliveryId} → ${recipientOffice}`;
    reports.push({
      deliveryId,
      ...(recipientOffice === undefined ? {} : { recipientOffice }),
      ok: problems.length === 0,
      ...(problems.length === 0 ? {} : { code: 'EVIDENCE_CHAIN_BROKEN' as const }),
      message:
        problems.length === 0 ? `${who}: ${members.length} evidence in one chain.` : `${who}: ${problems.join('; ')}.`,
      evidence: order,
    });
  }
  return reports;
}
