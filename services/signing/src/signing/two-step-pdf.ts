/**
 * Two-step signing of a PDF (PAdES) for keys on a USB token. `prepare` writes the
 * signature's revision with an empty /Contents and keeps the prepared PDF in the object
 * store; it returns the signed attributes the token must sign. `complete` checks the
 * token's value against the certificate, fills /Contents (time-stamped for B-T) and returns
 * the signed PDF. The server never sees the private key; a session completes once. A
 * visible block is drawn at prepare time (the appearance is part of the signed revision).
 * The uploaded PDF is read and the prepared one written on a parsing worker (pdf-tasks.ts);
 * `complete` only fills the /Contents of the service's own prepared file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { withTransaction } from '@lienthong/db';
import { completePdfSignature, type PdfSignatureState, type PreparedPdfSignature } from '@lienthong/pades';
import { openFileSink } from '@lienthong/pdf';
import { readCertificate } from '@lienthong/pki';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import { signingErrors } from '../errors.ts';
import { logSigning } from '../keys/signing-log-repository.ts';
import { completeTwoStepSession, insertTwoStepSession } from './two-step-repository.ts';
import { algorithmFor, unfitForSigning } from '../keys/key-rules.ts';
import { requireCallersCertificate } from '../keys/person-registry.ts';
import type { ParsingPool } from '../workers/parsing-pool.ts';
import { asPdfError } from './pdf-errors.ts';
import { inspectTargetOn } from './pdf-signing.ts';
import type { PreparePdfJob } from './pdf-tasks.ts';
import { planSignatureBlock, visibleRequestOf } from './signature-block.ts';
import type { VisibleQuery, VisibleRequest } from './signature-block.ts';
import { openSession, readCertificateOrRefuse, twoStepTtlMs, verifiedValue } from './two-step.ts';
import type { PreparedTwoStep } from './two-step.ts';

/** The bucket where prepared PDFs wait for their token signature. */
export const twoStepBucket = 'signing-two-step';

/** What the signer asks of a token-signed PDF signature. */
export interface PdfTwoStepRequest {
  certificate: Uint8Array;
  chain: Uint8Array[];
  level: 'B-B' | 'B-T';
  allowStamp: boolean;
  field?: string;
  reason?: string;
  location?: string;
  /** A visible signature block (lines default to the certificate's CN; no image: the key is on the token). */
  visible?: VisibleQuery;
}

interface StoredState {
  state: PdfSignatureState;
  level: 'B-B' | 'B-T';
}

/** An uploaded PDF: its file and the request's scratch folder. */
export interface PdfFile {
  path: string;
  dir: string;
}

/**
 * Step one: prepares the uploaded `pdf` (a signer; 403 otherwise, then 400 when no PDF came)
 * and returns what the token signs. A PDF libs/pades cannot sign is 400 PDF_UNREADABLE.
 */
export async function prepareTwoStepPdf(
  ca: CaContext,
  store: ObjectStore,
  workers: ParsingPool,
  principal: Principal,
  request: PdfTwoStepRequest,
  pdf: PdfFile | undefined,
): Promise<PreparedTwoStep> {
  requireRoleOf(principal, roles.signer);
  if (pdf === undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'The body holds no PDF.' });
  const visible = request.visible === undefined ? undefined : visibleRequestOf(request.visible);
  return asPdfError(() => preparePdf(ca, store, workers, principal, request, visible, pdf));
}

async function preparePdf(
  ca: CaContext,
  store: ObjectStore,
  workers: ParsingPool,
  principal: Principal,
  request: PdfTwoStepRequest,
  visible: VisibleRequest | undefined,
  pdf: PdfFile,
): Promise<PreparedTwoStep> {
  const { path: input, dir } = pdf;
  const certificate = readCertificateOrRefuse(request.certificate, 'lienthong-certificate');
  const chain = request.chain.map((der, i) => readCertificateOrRefuse(der, `lienthong-chain[${i}]`));
  const unfit = unfitForSigning(certificate, ca.clock.now());
  if (unfit !== undefined)
    throw new AppError(signingErrors.CERTIFICATE_NOT_FOR_SIGNING, { detail: `The certificate cannot sign: ${unfit}.` });
  await requireCallersCertificate(ca.pool, principal, certificate, 'two-step-refused');
  const algorithm = algorithmFor(certificate.spki, 'sha256') ?? algorithmFor(certificate.spki, 'sha384');
  if (algorithm === undefined)
    throw new AppError(signingErrors.DIGEST_ALGORITHM_UNSUITABLE, {
      detail: "The certificate's key is neither RSA nor ECDSA P-256/P-384.",
    });
  const field = await inspectTargetOn(workers, input, request.field, visible);
  // Drawn at prepare time: the block's time is when the signer asked, minutes before the token signs.
  const block =
    visible === undefined
      ? undefined
      : planSignatureBlock(
          visible,
          { purpose: 'personal', certificate, image: undefined },
          field?.size,
          ca.clock.now(),
        );
  const id = randomUUID();
  const preparedPath = join(dir, 'prepared.pdf');
  const job: PreparePdfJob = {
    input,
    output: preparedPath,
    algorithm,
    certificate: certificate.der,
    chain: chain.map((c) => c.der),
    timeStamped: request.level === 'B-T',
    now: ca.clock.now(),
    placement: {
      allowStamp: request.allowStamp,
      ...(request.field === undefined ? {} : { field: request.field }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.location === undefined ? {} : { location: request.location }),
    },
    ...(block === undefined ? {} : { block }),
  };
  const prepared = await workers.run<PreparedPdfSignature>('preparePdf', job);
  const objectKey = `${principal.office}/${id}.pdf`;
  await store.put(twoStepBucket, objectKey, createReadStream(preparedPath), { contentType: 'application/pdf' });
  const expiresAt = new Date(ca.clock.now().getTime() + twoStepTtlMs);
  await withTransaction(ca.pool, async (client) => {
    await insertTwoStepSession(client, {
      id,
      kind: 'pdf',
      office: principal.office,
      owner: principal.subject,
      algorithm,
      certificateDer: certificate.der,
      chainDer: chain.map((c) => c.der),
      contentDigest: Buffer.from(prepared.state.documentDigest, 'hex'),
      signedAttributes: prepared.signedAttributes,
      expiresAt,
      pdfState: { state: prepared.state, level: request.level } satisfies StoredState,
      objectKey,
    });
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'two-step-prepare',
      digest: prepared.state.documentDigest,
      detail: `pdf ${id}`,
    });
  });
  return {
    id,
    algorithm,
    signedAttributes: prepared.signedAttributes,
    digest: prepared.digest,
    digestInfo: prepared.digestInfo,
    expiresAt,
  };
}

/** Step two: fills the prepared PDF with the token's signature; returns the path of the signed PDF (in `dir`). */
export async function completeTwoStepPdf(
  ca: CaContext,
  store: ObjectStore,
  principal: Principal,
  id: string,
  signatureValue: Uint8Array,
  dir: string,
): Promise<string> {
  // Claim the session in a short transaction; the file work happens outside it.
  const session = await withTransaction(ca.pool, async (client) => {
    const open = await openSession(ca, client, 'pdf', principal, id);
    const certificate = readCertificate(open.certificateDer);
    const value = verifiedValue(
      open.algorithm as PdfSignatureState['algorithm'],
      certificate.spki,
      open.signedAttributes,
      signatureValue,
    );
    if (value === undefined) throw new AppError(signingErrors.SIGNATURE_VALUE_INVALID);
    await completeTwoStepSession(client, id, ca.clock.now());
    return { ...open, certificate, value };
  });
  const { state, level } = session.pdfState as StoredState;
  const output = join(dir, 'signed.pdf');
  try {
    await pipeline((await store.get(twoStepBucket, session.objectKey!)).body, createWriteStream(output));
    const sink = await openFileSink(output);
    try {
      await completePdfSignature(sink, state, session.value, {
        certificate: session.certificate,
        chain: session.chainDer.map((der) => readCertificate(der)),
        ...(level === 'B-T' ? { timeStamper: localTimeStamper(ca) } : {}),
      });
    } finally {
      await sink.close();
    }
  } catch (error) {
    await completeTwoStepSession(ca.pool, id, null);
    throw error;
  }
  await logSigning(ca.pool, {
    office: principal.office,
    subject: principal.subject,
    action: 'two-step-complete',
    detail: `pdf ${id}`,
  });
  await store.delete(twoStepBucket, session.objectKey!);
  return output;
}
