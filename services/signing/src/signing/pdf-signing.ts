/**
 * PAdES signatures (ETSI EN 319 142-1) with a stored key: the signer's own key (with its
 * PIN) or the office seal (the registry). The PDF is read from a file and the signed PDF
 * written to another, in chunks; B-T and up are time-stamped by this service's TSA, B-LT
 * and B-LTA carry the local CA's CRLs in the DSS when the local CA issued the certificate.
 * The PDF is read and written on a parsing worker (pdf-tasks.ts); the key stays here and
 * signs what the worker asks it to sign.
 */
import type { PadesLevel } from '@lienthong/pades';
import { readCertificate, type SigningAlgorithm } from '@lienthong/pki';
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
import type { ParsingPool } from '../workers/parsing-pool.ts';
import type { ExistingField } from './pdf-field.ts';
import type { InspectTargetJob, SignPdfJob, TimestampCall } from './pdf-tasks.ts';
import { planSignatureBlock, visibleRequestOf } from './signature-block.ts';
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
  /** Told the purpose of the key once it is found (the metrics tell a seal from a person's signature). */
  onKey?: (purpose: 'personal' | 'seal') => void;
}

/** CRLs (DER) of the local CA for the DSS, when it issued the key's certificate. */
async function localCrls(ca: CaContext, key: SigningKeyRecord): Promise<Uint8Array[]> {
  if (key.caCertificateId === null) return [];
  const { issuing, root } = ca.hierarchy;
  return [(await currentCrl(ca, issuing)).der, (await currentCrl(ca, root)).der];
}

/**
 * Checks the field and page a signature is to go to, on a parsing worker (pdf-field.ts);
 * nothing to check without a field or a visible block.
 */
export async function inspectTargetOn(
  workers: ParsingPool,
  input: string,
  field: string | undefined,
  visible: VisibleRequest | undefined,
): Promise<ExistingField | undefined> {
  if (field === undefined && visible === undefined) return undefined;
  const job: InspectTargetJob = {
    input,
    ...(field === undefined ? {} : { field }),
    ...(visible === undefined ? {} : { page: visible.page }),
  };
  return workers.run<ExistingField | undefined>('inspectTarget', job);
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
  workers: ParsingPool,
  principal: Principal,
  request: PdfSignRequest,
  input: string,
  output: string,
  inputDigest: string,
): Promise<void> {
  const visible = request.visible === undefined ? undefined : visibleRequestOf(request.visible);
  const known = await findSigningKey(ca.pool, principal.office, request.keyId);
  if (known === undefined || !mayUseKey(principal, known)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
  request.onKey?.(known.purpose);
  const field = await inspectTargetOn(workers, input, request.field, visible);
  const block = visible === undefined ? undefined : await planBlock(ca, known, visible, field);
  const { key, signer } = await unlockForUse(
    ca,
    principal,
    request.keyId,
    request.pin,
    inputDigest,
    `pdf ${request.level}`,
  );
  const crls = request.level === 'B-LT' || request.level === 'B-LTA' ? await localCrls(ca, key) : [];
  const keySigner = signer(key.algorithm as SigningAlgorithm);
  const timeStamper = localTimeStamper(ca);
  const job: SignPdfJob = {
    input,
    output,
    algorithm: keySigner.algorithm,
    certificate: key.certificateDer,
    chain: key.chainDer,
    level: request.level,
    crls,
    now: ca.clock.now(),
    // The field request alone: the PIN stays here.
    placement: {
      allowStamp: request.allowStamp,
      ...(request.field === undefined ? {} : { field: request.field }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.location === undefined ? {} : { location: request.location }),
    },
    ...(block === undefined ? {} : { block }),
  };
  await workers.run('signPdf', job, {
    sign: (data: Uint8Array) => keySigner.sign(data),
    timestamp: ({ imprint, hash }: TimestampCall) => timeStamper(imprint, hash),
  });
}
