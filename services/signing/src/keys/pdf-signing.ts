/**
 * PAdES signatures (ETSI EN 319 142-1) with a stored key: the signer's own key (with its
 * PIN) or the office seal (the registry). The PDF is read from a file and the signed PDF
 * written to another, in chunks; B-T and up are time-stamped by this service's TSA, B-LT
 * and B-LTA carry the local CA's CRLs in the DSS when the local CA issued the certificate.
 */
import { openFileSource, createFileSink, extendPdf, readCertificate, readCrl, signatureAppearance, signPdf, vietnameseFonts } from '@lienthong/pki';
import type { Crl, PadesLevel, SigningAlgorithm } from '@lienthong/pki';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { currentCrl } from '../ca/crl-service.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import { unlockForUse } from './key-use.ts';
import type { SigningKeyRecord } from './key-repository.ts';

/** What the caller asks of a PDF signature. */
export interface PdfSignRequest {
  keyId: string;
  pin?: string;
  level: PadesLevel;
  /** The signer's signature of the Party flow: certify so that the number/date stamp and the seal stay permitted. */
  allowStamp: boolean;
  /** The signature field to create or fill (e.g. `lienthong-seal` for the office's seal in the Party flow). */
  field?: string;
  reason?: string;
  location?: string;
  /** A visible signature block: 1-based page, [x1, y1, x2, y2] in points, the lines (authority form first, drawn bold); the signing time is added. */
  visible?: { page: number; rect: [number, number, number, number]; lines: string[] };
}

/** The signing time as a Vietnamese reader expects it: 23/11/2026 20:51 (+07:00). */
export function vietnamTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())} (+07:00)`;
}

function visibleBlock(visible: NonNullable<PdfSignRequest['visible']>, at: Date) {
  const [x1, y1, x2, y2] = visible.rect;
  const lines = [...visible.lines.map((text, i) => ({ text, bold: i === 0 })), { text: `Ký số: ${vietnamTime(at)}`, size: 7 }];
  return {
    page: visible.page - 1,
    visible: { x: x1, y: y1, appearance: (alloc: () => number) => signatureAppearance({ width: x2 - x1, height: y2 - y1, lines }, vietnameseFonts(), alloc) },
  };
}

/** CRLs of the local CA for the DSS, when it issued the key's certificate. */
async function localCrls(ca: CaContext, key: SigningKeyRecord): Promise<Crl[]> {
  if (key.caCertificateId === null) return [];
  const { issuing, root } = ca.hierarchy;
  return [readCrl((await currentCrl(ca, issuing)).der), readCrl((await currentCrl(ca, root)).der)];
}

/**
 * Raises the signed PDF at `input` to B-LT or B-LTA into `output`: a DSS with the document's
 * own certificates, this CA's root and its current CRLs, then (B-LTA) a document time-stamp
 * from this TSA. Anyone may extend a document: it adds validation data, never a signature.
 */
export async function extendPdfFile(ca: CaContext, level: 'B-LT' | 'B-LTA', input: string, output: string): Promise<void> {
  const { issuing, root } = ca.hierarchy;
  const crls = [readCrl((await currentCrl(ca, issuing)).der), readCrl((await currentCrl(ca, root)).der)];
  const source = await openFileSource(input);
  const sink = await createFileSink(output);
  try {
    await extendPdf(source, sink, { level, timeStamper: localTimeStamper(ca), validationData: { crls, certificates: [ca.certificateOf(root), ca.certificateOf(issuing)] } });
  } finally {
    await source.close();
    await sink.close();
  }
}

/** Signs the PDF at `input` into `output` (`inputDigest`: hex SHA-256 of the input, for the signing log). */
export async function signPdfWithKey(ca: CaContext, principal: Principal, request: PdfSignRequest, input: string, output: string, inputDigest: string): Promise<void> {
  const { key, signer } = await unlockForUse(ca, principal, request.keyId, request.pin, inputDigest, `pdf ${request.level}`);
  const certificate = readCertificate(key.certificateDer);
  const crls = request.level === 'B-LT' || request.level === 'B-LTA' ? await localCrls(ca, key) : [];
  const source = await openFileSource(input);
  const sink = await createFileSink(output);
  try {
    await signPdf(source, sink, {
      signer: signer(key.algorithm as SigningAlgorithm),
      certificate,
      chain: key.chainDer.map((der) => readCertificate(der)),
      level: request.level,
      timeStamper: localTimeStamper(ca),
      validationData: { crls },
      clock: ca.clock,
      ...(request.allowStamp ? { allowStamp: true } : {}),
      ...(request.field === undefined ? {} : { fieldName: request.field }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.location === undefined ? {} : { location: request.location }),
      ...(request.visible === undefined ? {} : visibleBlock(request.visible, ca.clock.now())),
    });
  } finally {
    await source.close();
    await sink.close();
  }
}
