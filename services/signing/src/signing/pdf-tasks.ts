/**
 * The PDF work of the signing routes as parsing-worker jobs (src/parsing-worker.ts): reading
 * the uploaded PDF and writing the signed, prepared or extended one. A job gets plain data —
 * file paths, certificate and CRL DER, the CA's clock reading, the visible block as data —
 * and never a private key: the signature over the signed attributes and the time-stamp token
 * are asked of the main thread (`context.call('sign', bytes)`, `context.call('timestamp', …)`),
 * which signs with the key it unlocked (node:crypto or the PKCS#11 token) and answers from
 * its TSA. A PDF libs/pdf or libs/pades cannot use becomes 400 PDF_UNREADABLE here, in the
 * worker, and crosses back as that error.
 */
import { extendPdf, preparePdfSignature, signPdf, type PadesLevel, type PreparedPdfSignature } from '@lienthong/pades';
import { createFileSink, isPdfError, openFileSource } from '@lienthong/pdf';
import {
  fixedClock,
  readCertificate,
  readCrl,
  type HashName,
  type SigningAlgorithm,
  type TimeStamper,
} from '@lienthong/pki';
import { AppError } from '@lienthong/service/errors';
import type { WorkerTaskContext } from '@lienthong/service/worker';
import { signingErrors } from '../errors.ts';
import { asPdfError } from './pdf-errors.ts';
import { inspectTarget, type ExistingField } from './pdf-field.ts';
import { fieldOptions, type FieldRequest, type SignatureBlock } from './signature-block.ts';

/** What the main thread answers a worker's `timestamp` call with: a TimeStampToken, DER. */
export interface TimestampCall {
  imprint: Uint8Array;
  hash: HashName;
}

/** Where a signature goes and how it looks: the field request and the visible block, as data. */
export interface PlacementJob {
  placement: FieldRequest;
  block?: SignatureBlock;
  /** The signing time: the CA's clock when the request came. */
  now: Date;
}

/** A PAdES signature of the PDF at `input` into `output`, signed by the main thread. */
export type SignPdfJob = PlacementJob & {
  input: string;
  output: string;
  algorithm: SigningAlgorithm;
  certificate: Uint8Array;
  chain: Uint8Array[];
  level: PadesLevel;
  /** CRLs for the DSS (B-LT, B-LTA), DER. */
  crls: Uint8Array[];
};

/** The first step of a two-step signature: the prepared PDF written to `output`. */
export type PreparePdfJob = PlacementJob & {
  input: string;
  output: string;
  algorithm: SigningAlgorithm;
  certificate: Uint8Array;
  chain: Uint8Array[];
  timeStamped: boolean;
};

/** A signed PDF raised to B-LT or B-LTA. */
export interface ExtendPdfJob {
  input: string;
  output: string;
  level: 'B-LT' | 'B-LTA';
  crls: Uint8Array[];
  certificates: Uint8Array[];
}

/** The target of a signature to check (pdf-field.ts). */
export interface InspectTargetJob {
  input: string;
  field?: string;
  page?: number;
}

const timeStamperOf =
  (context: WorkerTaskContext): TimeStamper =>
  async (imprint, hash) =>
    (await context.call('timestamp', { imprint, hash } satisfies TimestampCall)) as Uint8Array;

/** Checks the field or page a signature is to go to (400 SIGNATURE_FIELD_UNUSABLE, VALIDATION_FAILED). */
export async function inspectTargetJob(job: InspectTargetJob): Promise<ExistingField | undefined> {
  return asPdfError(() =>
    inspectTarget(job.input, {
      ...(job.field === undefined ? {} : { field: job.field }),
      ...(job.page === undefined ? {} : { page: job.page }),
    }),
  );
}

/** Signs the PDF; the signature value comes from the main thread's `sign`. */
export async function signPdfJob(job: SignPdfJob, context: WorkerTaskContext): Promise<void> {
  await asPdfError(async () => {
    const source = await openFileSource(job.input);
    const sink = await createFileSink(job.output);
    try {
      await signPdf(source, sink, {
        signer: {
          algorithm: job.algorithm,
          sign: async (data) => (await context.call('sign', data)) as Uint8Array,
        },
        certificate: readCertificate(job.certificate),
        chain: job.chain.map((der) => readCertificate(der)),
        level: job.level,
        timeStamper: timeStamperOf(context),
        validationData: { crls: job.crls.map((der) => readCrl(der)) },
        clock: fixedClock(job.now),
        ...fieldOptions(job.placement, job.block, job.now),
      });
    } finally {
      await source.close();
      await sink.close();
    }
  });
}

/** Writes the prepared PDF of a two-step signature; returns what the token signs and the state to complete it. */
export async function preparePdfJob(job: PreparePdfJob): Promise<PreparedPdfSignature> {
  return asPdfError(async () => {
    const source = await openFileSource(job.input);
    const sink = await createFileSink(job.output);
    try {
      return await preparePdfSignature(source, sink, {
        certificate: readCertificate(job.certificate),
        chain: job.chain.map((der) => readCertificate(der)),
        algorithm: job.algorithm,
        clock: fixedClock(job.now),
        timeStamped: job.timeStamped,
        ...fieldOptions(job.placement, job.block, job.now),
      });
    } finally {
      await source.close();
      await sink.close();
    }
  });
}

/** Raises the signed PDF to B-LT / B-LTA; the document time-stamp comes from the main thread's `timestamp`. */
export async function extendPdfJob(job: ExtendPdfJob, context: WorkerTaskContext): Promise<void> {
  await asPdfError(async () => {
    const source = await openFileSource(job.input);
    const sink = await createFileSink(job.output);
    try {
      await extendPdf(source, sink, {
        level: job.level,
        timeStamper: timeStamperOf(context),
        validationData: {
          crls: job.crls.map((der) => readCrl(der)),
          certificates: job.certificates.map((der) => readCertificate(der)),
        },
      });
    } catch (error) {
      // No signature to extend is the caller's mistake, not ours.
      if (isPdfError(error, 'PDF_INVALID_ARGUMENT'))
        throw new AppError(signingErrors.PDF_UNREADABLE, { detail: error.message, extra: { pdfError: error.code } });
      throw error;
    } finally {
      await source.close();
      await sink.close();
    }
  });
}
