import type { CryptoEngine } from '../crypto-engine.ts';
import type { EncodingPolicy } from '../der/reader.ts';
import type { AlgorithmPolicy } from '../policy/algorithm-policy.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { BasicOcspResponse } from '../ocsp/response.ts';
import { verifyOcspResponse } from '../ocsp/verify.ts';
import type { IssuerInfo, RevocationStatus } from './crl-check.ts';
import { combineRevocationStatuses } from './revocation-decision.ts';

/**
 * Certificate status from OCSP responses (RFC 6960 §3.2) as a revocation
 * source of RFC 5280 §6.1.3 (a)(3). Every response that speaks of `cert`, is
 * signed by its issuer or a responder the issuer authorised, and is not stale
 * at `time` is heard; they are combined by {@link combineRevocationStatuses}
 * (a revocation wins, else the newest answer). A response produced after
 * `time` still speaks for it (validation at a past time, as for CRLs).
 * Revocation counts only when it took effect by `time`. A response that is not
 * DER, or whose algorithms `judge`'s policy refuses, is not heard.
 */
export function checkOcspStatus(
  cert: Certificate,
  issuer: IssuerInfo,
  responses: readonly BasicOcspResponse[],
  time: Date,
  engine: CryptoEngine,
  candidates: readonly Certificate[],
  judge: {
    readonly algorithmPolicy: AlgorithmPolicy;
    readonly revocationAlgorithmTime: Date;
    readonly encoding: EncodingPolicy;
  },
): RevocationStatus {
  let message = 'No OCSP response for this certificate.';
  let policyRule: string | undefined;
  const heard: RevocationStatus[] = [];
  for (const r of responses) {
    const v = verifyOcspResponse(r, {
      issuer,
      certificate: cert,
      time,
      engine,
      certificates: candidates,
      algorithmPolicy: judge.algorithmPolicy,
      algorithmTime: judge.revocationAlgorithmTime,
      encoding: judge.encoding,
    });
    if (!v.valid || v.status === undefined || v.single === undefined) {
      if (v.single !== undefined) message = v.message;
      policyRule ??= v.policyRule;
      continue;
    }
    const thisUpdate = v.single.thisUpdate;
    const s = v.status;
    if (s.status === 'good' || (s.status === 'revoked' && s.revocationTime > time))
      heard.push({ status: 'good', thisUpdate });
    else if (s.status === 'revoked')
      heard.push({
        status: 'revoked',
        revocationDate: s.revocationTime,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        thisUpdate,
      });
    else message = 'The OCSP responder does not know this certificate (unknown).';
  }
  if (heard.length > 0) return combineRevocationStatuses(heard);
  return { status: 'undetermined', message, ...(policyRule === undefined ? {} : { policyRule }) };
}
