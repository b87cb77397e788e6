/** Asking this service's OCSP responder about a certificate, as a relying party would. */
import { buildOcspRequest, readCertificate, readOcspResponse } from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';

/** The OCSP status (good, revoked, unknown) the app answers for `certificate` (DER, issued by its issuing CA). */
export async function ocspStatus(app: ServiceApp, certificate: Uint8Array): Promise<string> {
  const listed = await app.inject({ method: 'GET', url: '/v1/ca/certificates' });
  const issuingId = listed
    .json<{ certificates: { id: string; role: string }[] }>()
    .certificates.find((c) => c.role === 'issuing-ca')!.id;
  const issuing = readCertificate(
    (await app.inject({ method: 'GET', url: `/v1/ca/certificates/${issuingId}` })).rawPayload,
  );
  const request = buildOcspRequest({ issuer: issuing, certificates: [readCertificate(certificate)] });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ocsp',
    headers: { 'content-type': 'application/ocsp-request' },
    payload: Buffer.from(request),
  });
  if (res.statusCode !== 200) throw new Error(`OCSP: ${res.statusCode} ${res.body}`);
  return readOcspResponse(res.rawPayload).basic!.responses[0]!.certStatus.status;
}
