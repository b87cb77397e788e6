import type { CryptoEngine } from '../crypto-engine.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { BasicOcspResponse } from '../ocsp/response.ts';
import { verifyOcspResponse } from '../ocsp/verify.ts';
import type { IssuerInfo, RevocationStatus } from './crl-check.ts';

/**
 * Certificate status from OCSP responses (RFC 6960 §3.2) as a revocation
 * source of RFC 5280 §6.1.3 (a)(3): the first response that speaks of `cert`,
 * is signed by its issuer or a responder the issuer authorised, and is not
 * stale at `time`. A response produced after `time` still speaks for it
 * (validation at a past time, as for CRLs). Revocation counts only when it took
 * effect by `time`.
 */
export function checkOcspStatus(
  cert: Certificate,
  issuer: IssuerInfo,
  responses: readonly BasicOcspResponse[],
  time: Date,
  engine: CryptoEngine,
  candidates: readonly Certificate[],
): RevocationStatus {
  let message = 'No OCSP response for this certificate.';
  for (const r of responses) {
    const v = verifyOcspResponse(r, { issuer, certificate: cert, time, engine, certificates: candidates });
    if (!v.valid || v.status === undefined) {
      if (v.single !== undefined) message = v.message;
      continue;
    }
    if (v.status.status === 'good') return { status: 'good' };
    if (v.status.status === 'revoked') {
      if (v.status.revocationTime <= time)
        return {
          status: 'revoked',
          revocationDate: v.status.revocationTime,
          ...(v.status.reason === undefined ? {} : { reason: v.status.reason }),
        };
      return { status: 'good' };
    }
    message = 'The OCSP responder does not know this certificate (unknown).';
  }
  return { status: 'undetermined', message };
}
