/**
 * Remote signing of a content digest (ký số từ xa): a detached CAdES signature (ETSI EN
 * 319 122-1, B-B or B-T with this service's TSA) made with a server-held key of the caller,
 * unlocked for this one use (keys/key-use.ts).
 */
import {
  addSignatureTimeStamp,
  completeSignature,
  createSignedDataTemplate,
  prepareSignature,
  readCertificate,
  type CadesSignOptions,
  type HashName,
  type SignedDataTemplate,
  type Signer,
} from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { localTimeStamper } from '../ca/tsa-service.ts';
import { signingErrors } from '../errors.ts';
import { findSigningKey } from '../keys/key-repository.ts';
import { algorithmFor, mayUseKey } from '../keys/key-rules.ts';
import { unlockForUse } from '../keys/key-use.ts';
import { checkDigestLength } from './digest-length.ts';

/** A request to sign a content digest with a stored key. */
export interface DigestSignRequest {
  keyId: string;
  /** The key's PIN; required for personal keys, ignored for seals. */
  pin?: string;
  digest: Uint8Array;
  digestAlgorithm: HashName;
  /** B-B, or B-T with a signature time-stamp from this service's TSA. */
  level: 'B-B' | 'B-T';
}

/** Signs a content digest as detached CAdES with the caller's key; returns CMS DER. */
export async function signDigestWithKey(
  ca: CaContext,
  principal: Principal,
  request: DigestSignRequest,
): Promise<Uint8Array> {
  checkDigestLength(request.digest, request.digestAlgorithm);
  // The digest must suit the key before the key is unlocked and the use logged.
  const known = await findSigningKey(ca.pool, principal.office, request.keyId);
  if (
    known !== undefined &&
    mayUseKey(principal, known) &&
    algorithmFor(readCertificate(known.certificateDer).spki, request.digestAlgorithm) === undefined
  ) {
    throw new AppError(signingErrors.DIGEST_ALGORITHM_UNSUITABLE, {
      detail: `This key does not sign ${request.digestAlgorithm} digests.`,
    });
  }
  const { key, signer } = await unlockForUse(
    ca,
    principal,
    request.keyId,
    request.pin,
    Buffer.from(request.digest).toString('hex'),
  );
  const certificate = readCertificate(key.certificateDer);
  const algorithm = algorithmFor(certificate.spki, request.digestAlgorithm);
  if (algorithm === undefined) {
    throw new AppError(signingErrors.DIGEST_ALGORITHM_UNSUITABLE, {
      detail: `This key does not sign ${request.digestAlgorithm} digests.`,
    });
  }
  const cms = await signDigestCades(
    request.digest,
    { certificate, chain: key.chainDer.map((der) => readCertificate(der)), algorithm },
    signer(algorithm),
  );
  return request.level === 'B-T' ? addSignatureTimeStamp(cms, localTimeStamper(ca)) : cms;
}

/**
 * The detached CAdES B-B SignedData (ETSI EN 319 122-1: content-type, message-digest,
 * signing-certificate-v2; eContentType id-data) of one content digest, signed by `signer`
 * over its signed attributes. `template`, the encodings that depend only on the signer
 * (libs/pki `createSignedDataTemplate`), is built once when a batch is signed with one key.
 */
export async function signDigestCades(
  digest: Uint8Array,
  options: CadesSignOptions,
  signer: Signer,
  template: SignedDataTemplate = createSignedDataTemplate(options),
): Promise<Uint8Array> {
  const prepared = prepareSignature(digest, options, template);
  return completeSignature(prepared, await signer.sign(prepared.signedAttributes));
}
