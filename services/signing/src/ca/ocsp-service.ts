/**
 * The OCSP responder (RFC 6960) for the issuing CA, answering from the certificates table: a
 * serial the CA issued is good or revoked, any other serial (or a CertID of another CA) is
 * unknown. Certificates issued by the issuing CA are answered by the delegated responder
 * (§4.2.2.2). A request about a certificate the root issued (the issuing CA's own) is answered
 * `unauthorized` (§2.3): only the root could sign that answer, its key stays offline, and the
 * root's revocation information is its pre-issued CRL, which the issuing CA's certificate
 * names (it carries no OCSP pointer).
 * A body that is not an OCSPRequest is a client error (OCSP_REQUEST_MALFORMED, 400)
 * rather than an OCSPResponse with malformedRequest, like every other endpoint here.
 */
import {
  certIdMatchesIssuer,
  encodeOcspError,
  isPkiError,
  issueOcspResponse,
  readOcspRequest,
  type OcspCertStatus,
} from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { CaContext } from './ca-context.ts';
import { signerFor } from './ca-context.ts';
import { findIssuedBySerials } from './certificate-repository.ts';

/** How long a response may be cached (nextUpdate − thisUpdate), seconds. */
export const ocspValiditySeconds = 3600;

/** Answers one DER OCSPRequest with a DER OCSPResponse. Throws AppError for unreadable input. */
export async function answerOcspRequest(ca: CaContext, der: Uint8Array): Promise<Uint8Array> {
  let request;
  try {
    request = readOcspRequest(der);
  } catch (error) {
    if (isPkiError(error)) throw new AppError(signingErrors.OCSP_REQUEST_MALFORMED, { detail: error.message });
    throw error;
  }
  const { root, issuing, ocsp } = ca.hierarchy;
  const rootCert = ca.certificateOf(root);
  if (request.certIds.length > 0 && request.certIds.every((id) => certIdMatchesIssuer(id, rootCert)))
    return encodeOcspError('unauthorized');
  const issuer = issuing;
  const responder = ocsp;
  const serials = request.certIds.map((id) => Buffer.from(id.serialNumber).toString('hex'));
  const known = new Map((await findIssuedBySerials(ca.pool, issuer.id, serials)).map((r) => [r.serialHex, r]));
  const statusOf = (serialHex: string): OcspCertStatus => {
    const record = known.get(serialHex);
    if (record === undefined) return { status: 'unknown' };
    if (record.revokedAt === null) return { status: 'good' };
    return {
      status: 'revoked',
      revocationTime: record.revokedAt,
      ...(record.revocationReason === null ? {} : { reason: record.revocationReason }),
    };
  };
  return issueOcspResponse({
    request: der,
    issuer: ca.certificateOf(issuer),
    responderCert: ca.certificateOf(responder),
    signer: await signerFor(ca.pool, ca, responder),
    statusOf,
    clock: ca.clock,
    nextUpdate: ocspValiditySeconds,
  });
}
