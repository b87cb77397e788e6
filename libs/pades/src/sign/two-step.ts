import { PdfError, type ByteSource, type PdfSink } from '@lienthong/pdf';
import {
  prepareSignature,
  type TimeStamper,
  type Certificate,
  nodeCryptoEngine,
  type CryptoEngine,
  hashOf,
  type SigningAlgorithm,
  type SignatureScheme,
} from '@lienthong/pki';
import { byteRangeDigest } from './byte-range.ts';
import type { PdfSignatureState, PreparedPdfSignature, PreparePdfOptions } from './pades-options.ts';
import { cadesOptions, finishSignatureRevision, prepareSignatureRevision } from './signing-steps.ts';

function schemeOf(algorithm: SigningAlgorithm): SignatureScheme {
  const hash = hashOf(algorithm);
  if (algorithm.startsWith('RSA-PSS'))
    return { key: 'rsa-pss', hash, saltLength: hash === 'sha384' ? 48 : hash === 'sha512' ? 64 : 32 };
  if (algorithm.startsWith('ECDSA')) return { key: 'ecdsa', hash };
  return { key: 'rsa', hash };
}

/**
 * Step one of two-step PAdES signing (USB token): appends the revision with
 * the signature field and a zero /Contents, computes the ByteRange digest
 * (hashing the bytes as they are written), builds the CAdES signed attributes (content-type,
 * message-digest, signing-certificate-v2; no signing-time). The prepared PDF
 * stays in `sink`; `state` completes it.
 */
export async function preparePdfSignature(
  source: ByteSource,
  sink: PdfSink,
  options: PreparePdfOptions,
): Promise<PreparedPdfSignature> {
  const { cades, state } = await prepareSignatureRevision(source, sink, options);
  return { signedAttributes: cades.signedAttributes, digest: cades.digest, digestInfo: cades.digestInfo, state };
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
  options: {
    certificate: Certificate;
    chain?: readonly Certificate[];
    timeStamper?: TimeStamper;
    engine?: CryptoEngine;
  },
): Promise<Uint8Array> {
  if (
    state.version !== 1 ||
    sink.size !== state.byteRange[2] + state.byteRange[3] ||
    state.contentsOffset !== state.byteRange[1]
  )
    throw new PdfError('PDF_STATE_MISMATCH', 'The PDF is not the one prepared (size or offsets differ).');
  const hash = hashOf(state.algorithm);
  const digest = await byteRangeDigest(sink, state.byteRange, hash);
  if (Buffer.from(digest).toString('hex') !== state.documentDigest)
    throw new PdfError('PDF_STATE_MISMATCH', 'The prepared PDF changed since step one.');
  const prepared = prepareSignature(digest, cadesOptions(options, state.algorithm));
  if (Buffer.from(prepared.digest).toString('hex') !== state.signedAttributesDigest)
    throw new PdfError('PDF_STATE_MISMATCH', 'The certificate is not the one the signature was prepared for.');
  // A token that signed with another key, or returned ECDSA r‖s instead of DER, must not produce a broken PDF.
  if (
    !(options.engine ?? nodeCryptoEngine).verify(
      schemeOf(state.algorithm),
      options.certificate.spki,
      prepared.signedAttributes,
      signatureValue,
    )
  ) {
    throw new PdfError(
      'PDF_SIGNATURE_INVALID',
      'The signature value does not verify with the certificate (another key, or ECDSA r‖s instead of DER: see ecdsaRawToDer).',
    );
  }
  return finishSignatureRevision(
    sink,
    { byteRange: state.byteRange, contentsOffset: state.contentsOffset, capacity: state.capacity },
    prepared,
    signatureValue,
    options.timeStamper,
  );
}
