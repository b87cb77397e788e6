/**
 * PAdES signatures (ETSI EN 319 142-1) with a stored key: the signer's own key (with its
 * PIN) or the office seal (the registry). The PDF is read from a file and the signed PDF
 * written to another, in chunks; B-T and up are time-stamped by this service's TSA, B-LT
 * and B-LTA carry the local CA's CRLs in the DSS when the local CA issued the certificate.
 */
import { signPdf, type PadesLevel } from '@lienthong/pades';
import { createFileSink, openFileSource } from '@lienthong/pdf';
import { readCertificate, readCrl, type Crl, type SigningAlgorithm } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { currentCrl } from '../ca/crl-service.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import { signingErrors } from '../errors.ts';
import { findKeyImage, findSigningKey } from '../keys/key-repository.ts';
import type { SigningKeyRecord } from '../keys/key-repository.ts';
import { mayUseKey } from '../keys/key-rules.ts';
import { unlockForUse } from '../keys/key-use.ts';
import { asPdfError } from './pdf-errors.ts';
import { inspectTarget } from './pdf-field.ts';
import type { ExistingField } from './pdf-field.ts';
import { fieldOptions, planSignatureBlock, visibleRequestOf } from './signature-block.ts';
import type { SignatureBlock, VisibleQuery, VisibleRequest } from './signature-block.ts';

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
  /**
   * A visible signature block: 1-based page, [x1, y1, x2, y2] in points, the lines (authority
   * form first, drawn bold; default from the certificate's subject); the signing time is added,
   * and the key's image when it has one.
   */
  visible?: VisibleQuery;
}

/** CRLs of the local CA for the DSS, when it issued the key's certificate. */
async function localCrls(ca: CaContext, key: SigningKeyRecord): Promise<Crl[]> {
  if (key.caCertificateId === null) return [];
  const { issuing, root } = ca.hierarchy;
  return [readCrl((await currentCrl(ca, issuing)).der), readCrl((await currentCrl(ca, root)).der)];
}

/** The visible block of a signature with `key`, with its image if it has one. */
async function planBlock(
  ca: CaContext,
  key: SigningKeyRecord,
  visible: VisibleRequest,
  field: ExistingField | undefined,
): Promise<SignatureBlock> {
  const image = key.imageType === null ? undefined : await findKeyImage(ca.pool, key.office, key.id);
  return planSignatureBlock(
    visible,
    { purpose: key.purpose, certificate: readCertificate(key.certificateDer), image },
    field?.size,
    ca.clock.now(),
  );
}

/**
 * Signs the PDF at `input` into `output` (`inputDigest`: hex SHA-256 of the input, for the
 * signing log). The field to fill and the visible block are checked before the key is
 * unlocked, so that such a refusal records no use of the key. A PDF libs/pades cannot sign
 * is 400 PDF_UNREADABLE.
 */
export async function signPdfWithKey(
  ca: CaContext,
  principal: Principal,
  request: PdfSignRequest,
  input: string,
  output: string,
  inputDigest: string,
): Promise<void> {
  return asPdfError(() => signPdfFile(ca, principal, request, input, output, inputDigest));
}

async function signPdfFile(
  ca: CaContext,
  principal: Principal,
  request: PdfSignRequest,
  input: string,
  output: string,
  inputDigest: string,
): Promise<void> {
  const visible = request.visible === undefined ? undefined : visibleRequestOf(request.visible);
  const known = await findSigningKey(ca.pool, principal.office, request.keyId);
  if (known === undefined || !mayUseKey(principal, known)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
  const field =
    request.field === undefined && visible === undefined
      ? undefined
      : await inspectTarget(input, {
          ...(request.field === undefined ? {} : { field: request.field }),
          ...(visible === undefined ? {} : { page: visible.page }),
        });
  const block = visible === undefined ? undefined : await planBlock(ca, known, visible, field);
  const { key, signer } = await unlockForUse(
    ca,
    principal,
    request.keyId,
    request.pin,
    inputDigest,
    `pdf ${request.level}`,
  );
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
      ...fieldOptions(request, block, ca.clock.now()),
    });
  } finally {
    await source.close();
    await sink.close();
  }
}
