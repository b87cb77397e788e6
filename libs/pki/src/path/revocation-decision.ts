import { CrlReason } from '../crl/crl.ts';
import type { RevocationStatus } from './crl-check.ts';

type Decided = Exclude<RevocationStatus, { status: 'undetermined' }>;

const isPermanent = (s: RevocationStatus): boolean => s.status === 'revoked' && s.reason !== CrlReason.certificateHold;
const issued = (s: Decided): number => s.thisUpdate?.getTime() ?? Number.NEGATIVE_INFINITY;

/**
 * Combines the answers of several revocation sources (CRLs of RFC 5280 §6.3,
 * OCSP responses of RFC 6960) about one certificate. A revocation cannot be
 * talked round: a revocation other than certificateHold from any source
 * decides, whatever the others say. Otherwise the newest answer (by
 * thisUpdate) decides between "good" and a hold; a tie goes to the hold.
 * Undetermined only when no source decides.
 */
export function combineRevocationStatuses(statuses: readonly RevocationStatus[]): RevocationStatus {
  const permanent = statuses.filter(isPermanent) as Decided[];
  if (permanent.length > 0)
    return permanent.reduce((a, b) =>
      a.status === 'revoked' && b.status === 'revoked' && b.revocationDate < a.revocationDate ? b : a,
    );
  const decided = statuses.filter((s): s is Decided => s.status !== 'undetermined');
  if (decided.length > 0)
    return decided.reduce((a, b) => {
      if (issued(b) !== issued(a)) return issued(b) > issued(a) ? b : a;
      return b.status === 'revoked' ? b : a;
    });
  const undetermined = statuses.filter((s) => s.status === 'undetermined');
  const policyRule = undetermined.find((s) => s.policyRule !== undefined)?.policyRule;
  return {
    status: 'undetermined',
    message: undetermined.map((s) => s.message).join(' ') || 'No revocation source.',
    ...(policyRule === undefined ? {} : { policyRule }),
  };
}
