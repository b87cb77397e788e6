// Every signed structure our code produces, made from the test hierarchy at the pinned time:
// the structures the interop tests hand to independent implementations.
import { createHash } from 'node:crypto';
import {
  buildOcspRequest,
  buildTimeStampRequest,
  fixedClock,
  issueOcspResponse,
  issueTimeStampToken,
  keySigner,
  signCades,
  type OcspCertStatus,
} from '../../src/index.ts';
import { NOW, buildHierarchy, type Hierarchy } from './hierarchy.ts';

export const CONTENT = new TextEncoder().encode('Công văn số 123-CV/TU ngày 01/06/2026 của Tỉnh ủy Hà Nam.\n');
export const TSA_POLICY = '1.3.6.1.4.1.99999.2.1';
export const REVOKED_AT = new Date('2026-05-10T00:00:00Z');

export interface SignedStructures {
  readonly h: Hierarchy;
  /** OCSPRequest for the person and the revoked person, SHA-1 CertIDs, with a nonce. */
  readonly ocspRequest: Uint8Array;
  /** OCSPResponse of the delegated responder to `ocspRequest`: good and revoked (keyCompromise). */
  readonly ocspResponse: Uint8Array;
  /** TimeStampReq over SHA-256 of CONTENT, nonce and certReq. */
  readonly tsRequest: Uint8Array;
  /** TimeStampResp granted to `tsRequest`: serial 42, accuracy 1 s, genTime NOW. */
  readonly tsResponse: Uint8Array;
  /** CAdES B-B over CONTENT (detached), signing-time NOW: RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256. */
  readonly cades: { readonly rsa: Uint8Array; readonly pss: Uint8Array; readonly ecdsa: Uint8Array };
}

export async function buildSignedStructures(): Promise<SignedStructures> {
  const h = await buildHierarchy();
  const clock = fixedClock(NOW);
  const ocspRequest = buildOcspRequest({
    issuer: h.intermediate.certificate,
    certificates: [h.person.certificate, h.revokedPerson.certificate],
  });
  const statusOf = (serialHex: string): OcspCertStatus =>
    serialHex === h.revokedPerson.certificate.serialHex
      ? { status: 'revoked', revocationTime: REVOKED_AT, reason: 1 }
      : { status: 'good' };
  const ocspResponse = await issueOcspResponse({
    request: ocspRequest,
    issuer: h.intermediate.certificate,
    responderCert: h.ocsp.certificate,
    signer: keySigner(h.ocsp.privateKey),
    statusOf,
    clock,
    nextUpdate: 7 * 86400,
  });
  const tsRequest = buildTimeStampRequest({
    hash: 'sha256',
    imprint: createHash('sha256').update(CONTENT).digest(),
    nonce: true,
    certReq: true,
  });
  const tsResponse = await issueTimeStampToken({
    request: tsRequest,
    tsaCertificate: h.tsa.certificate,
    chain: [h.intermediate.certificate],
    signer: keySigner(h.tsa.privateKey),
    clock,
    serialNumber: 42n,
    policy: TSA_POLICY,
    accuracy: { seconds: 1 },
  });
  const options = { chain: [h.intermediate.certificate], signingTime: true, clock };
  const cades = {
    rsa: await signCades(CONTENT, keySigner(h.person.privateKey, 'RSA-SHA256'), {
      ...options,
      certificate: h.person.certificate,
    }),
    pss: await signCades(CONTENT, keySigner(h.person.privateKey, 'RSA-PSS-SHA256'), {
      ...options,
      certificate: h.person.certificate,
    }),
    ecdsa: await signCades(CONTENT, keySigner(h.seal.privateKey, 'ECDSA-SHA256'), {
      ...options,
      certificate: h.seal.certificate,
    }),
  };
  return { h, ocspRequest, ocspResponse, tsRequest, tsResponse, cades };
}
