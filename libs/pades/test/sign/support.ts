// Shared PAdES test setup: the test hierarchy, an in-process TSA, and the signed bytes of a ByteRange.
import type { ByteRange, SignPdfOptions } from '../../src/index.ts';
import {
  buildOcspRequest,
  fixedClock,
  issueOcspResponse,
  issueTimeStampToken,
  keySigner,
  buildTimeStampRequest,
  type Certificate,
  type TimeStamper,
} from '@lienthong/pki';
import { buildHierarchy, NOW, type Hierarchy } from '../../../pki/test/helpers/hierarchy.ts';

export { NOW };

let serial = 1n;
export function tsaOf(h: Hierarchy, at: Date = NOW): TimeStamper {
  return async (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint, nonce: true }),
      tsaCertificate: h.tsa.certificate,
      chain: [h.intermediate.certificate],
      signer: keySigner(h.tsa.privateKey),
      clock: fixedClock(at),
      serialNumber: serial++,
      policy: '1.3.6.1.4.1.99999.2.1',
    });
}

export function signedBytes(pdf: Uint8Array, br: ByteRange): Uint8Array {
  return Buffer.concat([pdf.subarray(br[0], br[0] + br[1]), pdf.subarray(br[2], br[2] + br[3])]);
}

export const hierarchy: Promise<Hierarchy> = buildHierarchy();

/** A "good" OCSP answer for `cert` from the test hierarchy's responder at the pinned time. */
export async function ocspGood(h: Hierarchy, cert: Certificate): Promise<Uint8Array> {
  return issueOcspResponse({
    request: buildOcspRequest({ issuer: h.intermediate.certificate, certificates: [cert], nonce: false }),
    issuer: h.intermediate.certificate,
    responderCert: h.ocsp.certificate,
    signer: keySigner(h.ocsp.privateKey),
    statusOf: () => ({ status: 'good' }),
    clock: fixedClock(NOW),
    nextUpdate: 30 * 86400,
  });
}

/** Who signs, at the pinned time: the person or the office seal of the test hierarchy. */
export function signerOf(
  h: Hierarchy,
  party: 'person' | 'seal',
): Pick<SignPdfOptions, 'signer' | 'certificate' | 'chain' | 'clock'> {
  return {
    signer: keySigner(h[party].privateKey),
    certificate: h[party].certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
  };
}
