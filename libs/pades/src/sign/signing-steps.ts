import { PdfError, type ByteSource, type PdfSink } from '@lienthong/pdf';
import {
  completeSignature,
  createSignedDataTemplate,
  prepareSignature,
  type CadesSignOptions,
  type PreparedSignature,
  type SignedDataTemplate,
  addSignatureTimeStamp,
  type TimeStamper,
  type Certificate,
  systemClock,
  hashOf,
  type SigningAlgorithm,
} from '@lienthong/pki';
import { docMdpPermission } from './doc-mdp.ts';
import type { AllowStampOptions, PdfSignatureState, PdfSignOptions, PreparePdfOptions } from './pades-options.ts';
import { patchContents, type Placeholder } from './placeholder.ts';
import { appendSignatureRevision } from './signature-revision.ts';
import { placeSignature, signatureEntries, type FieldLock } from './signature-field.ts';
import { DATE_FIELD, ensureStampFields, NUMBER_FIELD, SEAL_FIELD } from './stamp-fields.ts';

/** The prepared signature revision: the CAdES signed attributes (with their template), where /Contents is, and the two-step state. */
export interface PreparedRevision {
  readonly cades: PreparedSignature;
  readonly placeholder: Placeholder;
  readonly state: PdfSignatureState;
}

function estimateCapacity(options: PdfSignOptions, timeStamped: boolean): number {
  const certs = [options.certificate, ...(options.chain ?? [])].reduce((n, c) => n + c.der.length, 0);
  return certs + 3 * 1024 + (timeStamped ? 12 * 1024 : 0);
}

/** The CAdES options of a PAdES signature: no signing-time attribute, the time goes in /M (ETSI EN 319 142-1 §5.2.1, §5.3). */
export function cadesOptions(
  options: { certificate: Certificate; chain?: readonly Certificate[] },
  algorithm: SigningAlgorithm,
): CadesSignOptions {
  return { certificate: options.certificate, chain: options.chain, algorithm };
}

// The SignedData encodings of a signer (sid, certificates, signing-certificate-v2) depend only on the certificates and algorithm.
const templates = new WeakMap<
  Certificate,
  { chain: readonly Certificate[]; algorithm: SigningAlgorithm; template: SignedDataTemplate }[]
>();

function templateFor(options: CadesSignOptions): SignedDataTemplate {
  const chain = options.chain ?? [];
  const known = templates.get(options.certificate) ?? [];
  const hit = known.find(
    (k) =>
      k.algorithm === options.algorithm && k.chain.length === chain.length && k.chain.every((c, i) => c === chain[i]),
  );
  if (hit !== undefined) return hit.template;
  const template = createSignedDataTemplate(options);
  templates.set(options.certificate, [
    ...known.slice(-7),
    { chain: [...chain], algorithm: options.algorithm, template },
  ]);
  return template;
}

function lockFor(options: PdfSignOptions): { certify?: 1 | 2 | 3; lock?: FieldLock; stamp?: AllowStampOptions } {
  if (options.allowStamp === undefined || options.allowStamp === false)
    return { certify: options.certify, lock: options.lock };
  const stamp = options.allowStamp === true ? {} : options.allowStamp;
  const fields = [stamp.numberField ?? NUMBER_FIELD, stamp.dateField ?? DATE_FIELD, stamp.sealField ?? SEAL_FIELD];
  return { certify: options.certify ?? 2, lock: options.lock ?? { action: 'Exclude', fields }, stamp };
}

/**
 * Appends the revision with the signature field and a zero /Contents, and
 * builds the CAdES signed attributes (content-type, message-digest,
 * signing-certificate-v2) over its ByteRange digest, hashed while writing.
 */
export async function prepareSignatureRevision(
  source: ByteSource,
  sink: PdfSink,
  options: PreparePdfOptions,
): Promise<PreparedRevision> {
  const time = (options.clock ?? systemClock).now();
  const { certify, lock, stamp } = lockFor(options);
  const capacity = options.contentsSize ?? estimateCapacity(options, options.timeStamped === true);
  const revision = await appendSignatureRevision(
    source,
    sink,
    capacity,
    async (edits, sig) => {
      // §12.8.2.2: after a certification with /P 1 no change is permitted, and a document has one certification signature.
      const permission = await docMdpPermission(edits.doc);
      if (permission === 1)
        throw new PdfError(
          'PDF_INVALID_ARGUMENT',
          'The document is certified with DocMDP /P 1: no further signature is permitted.',
        );
      if (permission !== undefined && certify !== undefined)
        throw new PdfError('PDF_INVALID_ARGUMENT', 'The document already has a certification signature.');
      await placeSignature(edits, sig, options, lock);
      if (stamp !== undefined) await ensureStampFields(edits, stamp);
      if (certify !== undefined) {
        const { dict: catalog } = await edits.catalog();
        // Keep other permissions (/UR3) when present.
        const perms = await edits.dictIn(catalog, 'Perms');
        perms.entries.set('DocMDP', sig);
      }
      return signatureEntries(options, time, certify, lock);
    },
    hashOf(options.algorithm),
  );
  const documentDigest = revision.digest!;
  const cadesOpts = cadesOptions(options, options.algorithm);
  const cades = prepareSignature(documentDigest, cadesOpts, templateFor(cadesOpts));
  const placeholder: Placeholder = {
    byteRange: revision.byteRange,
    contentsOffset: revision.contentsOffset,
    capacity: revision.capacity,
  };
  return {
    cades,
    placeholder,
    state: {
      version: 1,
      byteRange: placeholder.byteRange,
      contentsOffset: placeholder.contentsOffset,
      capacity: placeholder.capacity,
      algorithm: options.algorithm,
      documentDigest: Buffer.from(documentDigest).toString('hex'),
      signedAttributesDigest: Buffer.from(cades.digest).toString('hex'),
    },
  };
}

/**
 * Assembles the CMS around the signature value, optionally adds the
 * signature-time-stamp (B-T), and writes it into /Contents in place. The
 * caller vouches that `cades` was prepared over this sink's ByteRange.
 */
export async function finishSignatureRevision(
  sink: PdfSink,
  placeholder: Placeholder,
  cades: PreparedSignature,
  signatureValue: Uint8Array,
  timeStamper?: TimeStamper,
): Promise<Uint8Array> {
  let cms = completeSignature(cades, signatureValue);
  if (timeStamper !== undefined) cms = await addSignatureTimeStamp(cms, timeStamper);
  await patchContents(sink, placeholder, cms);
  return cms;
}
