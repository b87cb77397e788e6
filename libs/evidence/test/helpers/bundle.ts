// A delivery of one document to two recipient offices with the evidence of each step,
// chained per leg, batched and time-stamped once, laid out as a bundle.
import { createHash } from 'node:crypto';
import { buildOcspRequest, fixedClock, issueOcspResponse, keySigner, type Certificate } from '@lienthong/pki';
import { assembleBundle, buildBatch, type BundleContents, type EvidenceStatement } from '../../src/index.ts';
import { NOW, OTHER, RECIPIENT, signEvidence, stampRoot, statementOf, type OfficesPki } from './offices.ts';

export interface DeliveryEvidence {
  /** Every evidence CMS by a short name: S (submission), C1 H1 A1 (leg to HU-DT), C2 R2 (leg to HU-KB). */
  readonly cms: Readonly<Record<string, Uint8Array>>;
  readonly contents: BundleContents;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A "good" OCSP answer for `cert` from the test hierarchy's delegated responder, at the pinned time. */
async function ocspGood(pki: OfficesPki, cert: Certificate): Promise<Uint8Array> {
  return issueOcspResponse({
    request: buildOcspRequest({ issuer: pki.h.intermediate.certificate, certificates: [cert], nonce: false }),
    issuer: pki.h.intermediate.certificate,
    responderCert: pki.h.ocsp.certificate,
    signer: keySigner(pki.h.ocsp.privateKey),
    statusOf: () => ({ status: 'good' }),
    clock: fixedClock(NOW),
    nextUpdate: 30 * 86400,
  });
}

/** Signs the chain of each leg at minutes before the pinned time; then one batch, one token. */
export async function deliveryEvidence(
  pki: OfficesPki,
  document: Uint8Array,
  options: { timestamped?: boolean; documentId?: string } = {},
): Promise<DeliveryEvidence> {
  const doc = {
    documentSha256: sha256(document),
    documentLength: document.length,
    documentId: options.documentId ?? 'doc-1',
  };
  const cms: Record<string, Uint8Array> = {};
  let minute = 10;
  const sign = async (name: string, event: EvidenceStatement['event'], after: string | undefined, fields = {}) => {
    const statement = statementOf(event, {
      ...doc,
      time: new Date(NOW.getTime() - minute-- * 60_000),
      ...(after === undefined ? {} : { previous: sha256(cms[after]!) }),
      ...fields,
    });
    cms[name] = await signEvidence(pki, statement);
  };
  await sign('S', 'SubmissionAcceptance', undefined);
  await sign('C1', 'ContentConsignment', 'S');
  await sign('H1', 'ContentHandover', 'C1');
  await sign('A1', 'AcceptanceByRecipient', 'H1', { deadline: undefined });
  await sign('C2', 'ContentConsignment', 'S', { recipientOffice: OTHER });
  await sign('R2', 'RejectionByRecipient', 'C2', { recipientOffice: OTHER, actingOffice: OTHER });
  const all = Object.values(cms);
  const { root, proofs } = buildBatch(all.map((c) => createHash('sha256').update(c).digest()));
  const token = await stampRoot(pki, root);
  return {
    cms,
    contents: {
      documentId: doc.documentId,
      document,
      evidence: all.map((c, i) =>
        options.timestamped === false ? { cms: c } : { cms: c, stamp: { proof: proofs[i]!, token } },
      ),
      // The root travels as data only: a verifier must be given its trust anchors.
      certificates: [pki.h.intermediate.certificate.der, pki.h.root.certificate.der],
      crls: [pki.h.rootCrl.der, pki.h.intermediateCrl.der],
      ocspResponses: [await ocspGood(pki, pki.seals[RECIPIENT]!.certificate)],
    },
  };
}

export { RECIPIENT, OTHER };
export const bundleOf = (contents: BundleContents): Map<string, Uint8Array> => assembleBundle(contents);
