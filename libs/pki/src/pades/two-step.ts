import { completeSignature, prepareSignature, type CadesSignOptions } from '../cades-sign.ts';
import { addSignatureTimeStamp, type TimeStamper } from '../cades/timestamps.ts';
import type { Certificate } from '../certificate.ts';
import { systemClock } from '../clock.ts';
import { nodeCryptoEngine, type CryptoEngine } from '../crypto-engine.ts';
import { PdfError } from '../pdf/errors.ts';
import type { ByteSource, PdfSink } from '../pdf/source.ts';
import { hashOf, type SigningAlgorithm } from '../signer.ts';
import type { HashName, SignatureScheme } from '../x509/algorithm.ts';
import { byteRangeDigest } from './byte-range.ts';
import { docMdpPermission } from './doc-mdp.ts';
import type { AllowStampOptions, PdfSignatureState, PdfSignOptions, PreparedPdfSignature, PreparePdfOptions } from './pades-options.ts';
import { patchContents } from './placeholder.ts';
import { appendSignatureRevision } from './signature-revision.ts';
import { placeSignature, signatureEntries, type FieldLock } from './signature-field.ts';
import { DATE_FIELD, ensureStampFields, NUMBER_FIELD, SEAL_FIELD } from './stamp-fields.ts';

function estimateCapacity(options: PdfSignOptions, timeStamped: boolean): number {
  const certs = [options.certificate, ...(options.chain ?? [])].reduce((n, c) => n + c.der.length, 0);
  return certs + 3 * 1024 + (timeStamped ? 12 * 1024 : 0);
}

function schemeOf(algorithm: SigningAlgorithm): SignatureScheme {
  const hash = hashOf(algorithm);
  if (algorithm.startsWith('RSA-PSS')) return { key: 'rsa-pss', hash, saltLength: hash === 'sha384' ? 48 : hash === 'sha512' ? 64 : 32 };
  if (algorithm.startsWith('ECDSA')) return { key: 'ecdsa', hash };
  return { key: 'rsa', hash };
}

function cadesOptions(options: { certificate: Certificate; chain?: readonly Certificate[] }, algorithm: SigningAlgorithm): CadesSignOptions {
  // No signing-time attribute: the time goes in /M (ETSI EN 319 142-1 §5.2.1, §5.3).
  return { certificate: options.certificate, chain: options.chain, algorithm };
}

function lockFor(options: PdfSignOptions): { certify?: 1 | 2 | 3; lock?: FieldLock; stamp?: AllowStampOptions } {
  if (options.allowStamp === undefined || options.allowStamp === false) return { certify: options.certify, lock: options.lock };
  const stamp = options.allowStamp === true ? {} : options.allowStamp;
  const fields = [stamp.numberField ?? NUMBER_FIELD, stamp.dateField ?? DATE_FIELD, stamp.sealField ?? SEAL_FIELD];
  return { certify: options.certify ?? 2, lock: options.lock ?? { action: 'Exclude', fields }, stamp };
}

/**
 * Step one of two-step PAdES signing (USB token): appends the revision with
 * the signature field and a zero /Contents, computes the ByteRange digest by
 * streaming the output, builds the CAdES signed attributes (content-type,
 * message-digest, signing-certificate-v2; no signing-time). The prepared PDF
 * stays in `sink`; `state` completes it.
 */
export async function preparePdfSignature(source: ByteSource, sink: PdfSink, options: PreparePdfOptions): Promise<PreparedPdfSignature> {
  const time = (options.clock ?? systemClock).now();
  const { certify, lock, stamp } = lockFor(options);
  const capacity = options.contentsSize ?? estimateCapacity(options, options.timeStamped === true);
  const placeholder = await appendSignatureRevision(source, sink, capacity, async (edits, sig) => {
    // §12.8.2.2: after a certification with /P 1 no change is permitted, and a document has one certification signature.
    const permission = await docMdpPermission(edits.doc);
    if (permission === 1) throw new PdfError('PDF_INVALID_ARGUMENT', 'The document is certified with DocMDP /P 1: no further signature is permitted.');
    if (permission !== undefined && certify !== undefined) throw new PdfError('PDF_INVALID_ARGUMENT', 'The document already has a certification signature.');
    await placeSignature(edits, sig, options, lock);
    if (stamp !== undefined) await ensureStampFields(edits, stamp);
    if (certify !== undefined) {
      const { dict: catalog } = await edits.catalog();
      // Keep other permissions (/UR3) when present.
      const perms = await edits.dictIn(catalog, 'Perms');
      perms.entries.set('DocMDP', sig);
    }
    return signatureEntries(options, time, certify, lock);
  });
  const hash: HashName = hashOf(options.algorithm);
  const documentDigest = await byteRangeDigest(sink, placeholder.byteRange, hash);
  const prepared = prepareSignature(documentDigest, cadesOptions(options, options.algorithm));
  return {
    signedAttributes: prepared.signedAttributes,
    digest: prepared.digest,
    digestInfo: prepared.digestInfo,
    state: {
      version: 1,
      byteRange: placeholder.byteRange,
      contentsOffset: placeholder.contentsOffset,
      capacity: placeholder.capacity,
      algorithm: options.algorithm,
      documentDigest: Buffer.from(documentDigest).toString('hex'),
      signedAttributesDigest: Buffer.from(prepared.digest).toString('hex'),
    },
  };
}

/**
 * Step two: checks that the prepared PDF in `sink` is unchanged (its
 * ByteRange digest), rebuilds the signed attributes from the certificate,
 * checks the token's signature value with the certificate's key, assembles the CMS around the token's signature value, optionally adds the
 * signature-time-stamp (B-T), and writes it into /Contents in place.
 */
export async function completePdfSignature(
  sink: PdfSink,
  state: PdfSignatureState,
  signatureValue: Uint8Array,
  options: { certificate: Certificate; chain?: readonly Certificate[]; timeStamper?: TimeStamper; engine?: CryptoEngine },
): Promise<Uint8Array> {
  if (state.version !== 1 || sink.size !== state.byteRange[2] + state.byteRange[3] || state.contentsOffset !== state.byteRange[1]) throw new PdfError('PDF_STATE_MISMATCH', 'The PDF is not the one prepared (size or offsets differ).');
  const hash = hashOf(state.algorithm);
  const digest = await byteRangeDigest(sink, state.byteRange, hash);
  if (Buffer.from(digest).toString('hex') !== state.documentDigest) throw new PdfError('PDF_STATE_MISMATCH', 'The prepared PDF changed since step one.');
  const prepared = prepareSignature(digest, cadesOptions(options, state.algorithm));
  if (Buffer.from(prepared.digest).toString('hex') !== state.signedAttributesDigest) throw new PdfError('PDF_STATE_MISMATCH', 'The certificate is not the one the signature was prepared for.');
  // A token that signed with another key, or returned ECDSA r‖s instead of DER, must not produce a broken PDF.
  if (!(options.engine ?? nodeCryptoEngine).verify(schemeOf(state.algorithm), options.certificate.spki, prepared.signedAttributes, signatureValue)) {
    throw new PdfError('PDF_SIGNATURE_INVALID', 'The signature value does not verify with the certificate (another key, or ECDSA r‖s instead of DER: see ecdsaRawToDer).');
  }
  let cms = completeSignature(prepared, signatureValue);
  if (options.timeStamper !== undefined) cms = await addSignatureTimeStamp(cms, options.timeStamper);
  await patchContents(sink, { byteRange: state.byteRange, contentsOffset: state.contentsOffset, capacity: state.capacity }, cms);
  return cms;
}
