/**
 * Two-step signing for keys on a USB token (the server never sees the private key).
 * `prepare` takes the signer's certificate and the content digest and returns exactly what
 * the token must sign: the DER signed attributes (RFC 5652 §5.4), with their digest and
 * DigestInfo for tokens that sign a precomputed hash. `complete` takes the token's signature
 * value, checks it against the certificate over those attributes, and returns the detached
 * CAdES signature. A session belongs to its caller, completes once and expires.
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { PoolClient } from '@lienthong/db';
import {
  completeSignature,
  ecdsaRawToDer,
  isPkiError,
  prepareSignature,
  readCertificate,
  verifySignatureValue,
  type Certificate,
  type HashName,
  type SigningAlgorithm,
} from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { algorithmFor, unfitForSigning } from '../keys/key-rules.ts';
import { requireCallersCertificate } from '../keys/person-registry.ts';
import { logSigning } from '../keys/signing-log-repository.ts';
import { checkDigestLength } from './digest-length.ts';
import { completeTwoStepSession, insertTwoStepSession, lockTwoStepSession } from './two-step-repository.ts';
import type { TwoStepSession } from './two-step-repository.ts';

/** How long a prepared signature waits for the token. */
export const twoStepTtlMs = 10 * 60_000;

/** What `prepare` returns. */
export interface PreparedTwoStep {
  id: string;
  algorithm: SigningAlgorithm;
  /** The DER signed attributes: the exact bytes the token signs. */
  signedAttributes: Uint8Array;
  /** Their digest, for tokens that sign a precomputed hash. */
  digest: Uint8Array;
  /** DigestInfo of that digest, for RSA tokens that take CKM_RSA_PKCS input. */
  digestInfo: Uint8Array;
  expiresAt: Date;
}

/** A certificate of the request, or 400 CERTIFICATE_MALFORMED naming it. */
export function readCertificateOrRefuse(der: Uint8Array, what: string): Certificate {
  try {
    return readCertificate(der);
  } catch (error) {
    if (isPkiError(error))
      throw new AppError(signingErrors.CERTIFICATE_MALFORMED, {
        detail: `${what} is not a DER X.509 certificate.`,
        cause: error,
      });
    throw error;
  }
}

/**
 * Step one: the signed attributes for the caller's token to sign (a signer; 403 otherwise).
 * The token's certificate must name the caller as registered (422 CERTIFICATE_IDENTITY_MISMATCH).
 */
export async function prepareTwoStep(
  ca: CaContext,
  principal: Principal,
  input: {
    certificate: Uint8Array;
    chain: Uint8Array[];
    digest: Uint8Array;
    digestAlgorithm: HashName;
  },
): Promise<PreparedTwoStep> {
  requireRoleOf(principal, roles.signer);
  checkDigestLength(input.digest, input.digestAlgorithm);
  const certificate = readCertificateOrRefuse(input.certificate, 'certificate');
  const chain = input.chain.map((der, i) => readCertificateOrRefuse(der, `chain[${i}]`));
  const unfit = unfitForSigning(certificate, ca.clock.now());
  if (unfit !== undefined)
    throw new AppError(signingErrors.CERTIFICATE_NOT_FOR_SIGNING, { detail: `The certificate cannot sign: ${unfit}.` });
  await requireCallersCertificate(ca.pool, principal, certificate, 'two-step-refused');
  const algorithm = algorithmFor(certificate.spki, input.digestAlgorithm);
  if (algorithm === undefined)
    throw new AppError(signingErrors.DIGEST_ALGORITHM_UNSUITABLE, {
      detail: `This certificate's key does not sign ${input.digestAlgorithm} digests.`,
    });
  const prepared = prepareSignature(input.digest, { certificate, chain, algorithm });
  const id = randomUUID();
  const expiresAt = new Date(ca.clock.now().getTime() + twoStepTtlMs);
  await withTransaction(ca.pool, async (client) => {
    await insertTwoStepSession(client, {
      id,
      office: principal.office,
      owner: principal.subject,
      algorithm,
      certificateDer: certificate.der,
      chainDer: chain.map((c) => c.der),
      contentDigest: input.digest,
      signedAttributes: prepared.signedAttributes,
      expiresAt,
    });
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'two-step-prepare',
      digest: Buffer.from(input.digest).toString('hex'),
      detail: id,
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

/** The caller's open session of `kind`, row-locked; 404, 409 (completed) or 410 (expired) otherwise. */
export async function openSession(
  ca: CaContext,
  client: PoolClient,
  kind: 'cms' | 'pdf',
  principal: Principal,
  id: string,
): Promise<TwoStepSession> {
  const session = await lockTwoStepSession(client, kind, principal.office, principal.subject, id);
  if (session === undefined) throw new AppError(signingErrors.SIGNING_SESSION_NOT_FOUND);
  if (session.completedAt !== null) throw new AppError(signingErrors.SIGNING_SESSION_USED);
  if (session.expiresAt <= ca.clock.now()) throw new AppError(signingErrors.SIGNING_SESSION_EXPIRED);
  return session;
}

/** Step two: checks the token's signature value and returns the detached CAdES signature (CMS DER). */
export async function completeTwoStep(
  ca: CaContext,
  principal: Principal,
  id: string,
  signatureValue: Uint8Array,
): Promise<Uint8Array> {
  return withTransaction(ca.pool, async (client) => {
    const session = await openSession(ca, client, 'cms', principal, id);
    const certificate = readCertificate(session.certificateDer);
    const algorithm = session.algorithm as SigningAlgorithm;
    const value = verifiedValue(algorithm, certificate.spki, session.signedAttributes, signatureValue);
    if (value === undefined) throw new AppError(signingErrors.SIGNATURE_VALUE_INVALID);
    const prepared = prepareSignature(session.contentDigest, {
      certificate,
      chain: session.chainDer.map((der) => readCertificate(der)),
      algorithm,
    });
    if (Buffer.compare(prepared.signedAttributes, session.signedAttributes) !== 0)
      throw new Error('signing: prepared attributes could not be rebuilt');
    await completeTwoStepSession(client, id, ca.clock.now());
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'two-step-complete',
      detail: id,
    });
    return completeSignature(prepared, value);
  });
}

/**
 * The value as CMS carries it when it verifies: as given, or — tokens return ECDSA as r‖s
 * (PKCS#11, WebCrypto) — converted to the DER Ecdsa-Sig-Value. Undefined when neither verifies.
 */
export function verifiedValue(
  algorithm: SigningAlgorithm,
  spki: Uint8Array,
  data: Uint8Array,
  value: Uint8Array,
): Uint8Array | undefined {
  if (verifySignatureValue(algorithm, spki, data, value)) return value;
  if (!algorithm.startsWith('ECDSA') || value.length % 2 !== 0 || value.length > 132) return undefined;
  const der = ecdsaRawToDer(value);
  return verifySignatureValue(algorithm, spki, data, der) ? der : undefined;
}
