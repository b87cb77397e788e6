// The test PKI of libs/pki (root → issuing CA → TSA) with two office seals that name their
// offices as the signing service registers them (organizationIdentifier LT:VN-<code>), and
// evidence signed as the signing service's CMS route signs it: a detached CAdES B-B over the
// statement's digest, then the statement attached.
import { createHash, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  addSignatureTimeStamp,
  buildTimeStampRequest,
  completeSignature,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  issueTimeStampToken,
  keySigner,
  officeIdentifier,
  officeSealProfile,
  prepareSignature,
  type Certificate,
  type TimeStamper,
} from '@lienthong/pki';
import { buildHierarchy, NOW, type Hierarchy } from '../../../pki/test/helpers/hierarchy.ts';
import {
  attachStatement,
  encodeStatement,
  statementDigest,
  timeStampRequestFor,
  type EvidenceStatement,
} from '../../src/index.ts';

export { NOW };

/** The issuing office and two recipient offices of the tests. */
export const SENDER = 'VPTU-HN';
export const RECIPIENT = 'HU-DT';
export const OTHER = 'HU-KB';

export interface Seal {
  readonly office: string;
  readonly certificate: Certificate;
  readonly privateKey: KeyObject;
}

export interface OfficesPki {
  readonly h: Hierarchy;
  readonly seals: Readonly<Record<string, Seal>>;
  /** A seal of the sender whose certificate names no office (no organizationIdentifier). */
  readonly anonymous: Seal;
}

/** A seal of `office` issued by the test issuing CA; `notAfter` for one that expires early. */
export async function sealFor(
  h: Hierarchy,
  office: string,
  name: string,
  identified = true,
  notAfter?: Date,
): Promise<Seal> {
  const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const certificate = await issueCertificate(
    officeSealProfile({
      organisation: name,
      office: `Văn phòng ${name}`,
      ...(identified ? { organizationIdentifier: officeIdentifier(office) } : {}),
      publicKey: keys.publicKey,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      ...(notAfter === undefined ? { validityDays: 730 } : { notAfter }),
    }),
    { certificate: h.intermediate.certificate, signer: keySigner(h.intermediate.privateKey) },
    { clock: fixedClock(NOW) },
  );
  return { office, certificate, privateKey: keys.privateKey };
}

export async function buildOfficesPki(): Promise<OfficesPki> {
  const h = await buildHierarchy();
  return {
    h,
    seals: {
      [SENDER]: await sealFor(h, SENDER, 'Tỉnh ủy Hà Nam'),
      [RECIPIENT]: await sealFor(h, RECIPIENT, 'Huyện ủy Đồng Tháp'),
      [OTHER]: await sealFor(h, OTHER, 'Huyện ủy Kim Bảng'),
    },
    anonymous: await sealFor(h, SENDER, 'Tỉnh ủy Hà Nam', false),
  };
}

/** What the signing route does for a seal: detached CAdES B-B over the digest (services/signing digest-signing.ts). */
export async function signDigest(pki: OfficesPki, seal: Seal, digest: Uint8Array): Promise<Uint8Array> {
  const signer = keySigner(seal.privateKey);
  const prepared = prepareSignature(digest, {
    certificate: seal.certificate,
    chain: [pki.h.intermediate.certificate],
    algorithm: signer.algorithm,
  });
  return completeSignature(prepared, await signer.sign(prepared.signedAttributes));
}

/** The test TSA as a CAdES `TimeStamper` (the signing route's level B-T). */
export function timeStamperOf(pki: OfficesPki, at: Date = NOW): TimeStamper {
  return async (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint }),
      tsaCertificate: pki.h.tsa.certificate,
      chain: [pki.h.intermediate.certificate],
      signer: keySigner(pki.h.tsa.privateKey),
      clock: fixedClock(at),
      serialNumber: serial++,
      policy: '1.3.6.1.4.1.99999.2.1',
    });
}

/**
 * An evidence: the statement encoded, signed by `seal` (default: the acting office's), at
 * `level` B-T with a signature-time-stamp of its own when asked, the statement attached.
 */
export async function signEvidence(
  pki: OfficesPki,
  statement: EvidenceStatement,
  seal?: Seal,
  level: 'B-B' | 'B-T' = 'B-B',
): Promise<Uint8Array> {
  const bytes = encodeStatement(statement);
  const detached = await signDigest(pki, seal ?? pki.seals[statement.actingOffice]!, statementDigest(bytes));
  const signed = level === 'B-T' ? await addSignatureTimeStamp(detached, timeStamperOf(pki)) : detached;
  return attachStatement(signed, bytes);
}

let serial = 1n;

export const DOCUMENT = new TextEncoder().encode('%PDF-1.7 not really a PDF, the bytes the statements name\n');
export const DOCUMENT_SHA256 = createHash('sha256').update(DOCUMENT).digest('hex');

/** A statement of `event` on the leg to `recipient`, with the fields the event needs. */
export function statementOf(
  event: EvidenceStatement['event'],
  fields: Partial<EvidenceStatement> & { documentSha256: string; documentLength: number },
): EvidenceStatement {
  const recipientActs = ['AcceptanceByRecipient', 'RejectionByRecipient', 'RecallAcceptance', 'RecallRejection'];
  const recipient = fields.recipientOffice ?? RECIPIENT;
  return {
    id: randomUUID(),
    event,
    time: new Date(NOW.getTime() - 60_000),
    deliveryId: 'delivery-1',
    documentId: 'doc-1',
    senderOffice: SENDER,
    ...(event === 'SubmissionAcceptance' ? {} : { recipientOffice: recipient }),
    actingOffice: recipientActs.includes(event) ? recipient : SENDER,
    ...(event === 'AcceptanceByRecipient' ? { incomingNumber: '125' } : {}),
    ...(event === 'RejectionByRecipient' || event === 'RecallRejection' ? { reason: 'Gửi nhầm nơi nhận' } : {}),
    ...(event === 'AcceptanceRejectionExpiry' ? { deadline: new Date(NOW.getTime() - 120_000) } : {}),
    ...fields,
  };
}

/** The test TSA's token over a batch root at `at` (default the pinned time). */
export async function stampRoot(pki: OfficesPki, root: Uint8Array, at: Date = NOW): Promise<Uint8Array> {
  return issueTimeStampToken({
    request: timeStampRequestFor(root),
    tsaCertificate: pki.h.tsa.certificate,
    chain: [pki.h.intermediate.certificate],
    signer: keySigner(pki.h.tsa.privateKey),
    clock: fixedClock(at),
    serialNumber: serial++,
    policy: '1.3.6.1.4.1.99999.2.1',
  });
}
