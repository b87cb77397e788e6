// Shared PAdES test setup: the test hierarchy, an in-process TSA, and the signed bytes of a ByteRange.
import { fixedClock, issueTimeStampToken, keySigner, buildTimeStampRequest, type TimeStamper } from '../../src/index.ts';
import type { ByteRange } from '../../src/pades/index.ts';
import { buildHierarchy, NOW, type Hierarchy } from '../helpers/hierarchy.ts';

export { NOW };

let serial = 1n;
export function tsaOf(h: Hierarchy, at: Date = NOW): TimeStamper {
  return async (imprint, hash) =>
    issueTimeStampToken({ request: buildTimeStampRequest({ hash, imprint, nonce: true }), tsaCertificate: h.tsa.certificate, chain: [h.intermediate.certificate], signer: keySigner(h.tsa.privateKey), clock: fixedClock(at), serialNumber: serial++, policy: '1.3.6.1.4.1.99999.2.1' });
}

export function signedBytes(pdf: Uint8Array, br: ByteRange): Uint8Array {
  return Buffer.concat([pdf.subarray(br[0], br[0] + br[1]), pdf.subarray(br[2], br[2] + br[3])]);
}

export const hierarchy: Promise<Hierarchy> = buildHierarchy();
