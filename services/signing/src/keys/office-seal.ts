/**
 * The seal an office's acts are signed with when no one chooses a key (the delivery
 * evidence): the newest seal key of the registered office whose certificate can sign now
 * (valid, end entity, a signing keyUsage) and is not revoked, in the database or in the
 * PKCS#11 token this instance opened, that signs SHA-256.
 */
import { keySigner, readCertificate, type Certificate, type Signer, type SigningAlgorithm } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { listUnrevokedSeals } from './key-repository.ts';
import type { SigningKeyRecord } from './key-repository.ts';
import { algorithmFor, unfitForSigning } from './key-rules.ts';
import { registeredOffice } from './person-registry.ts';
import { heldSealKey, tokenSignerOf } from './seal-signer.ts';

/** An office's seal ready to sign: its key record, certificate, SHA-256 algorithm and signer. */
export interface OfficeSeal {
  key: SigningKeyRecord;
  certificate: Certificate;
  algorithm: SigningAlgorithm;
  signer: Signer;
}

/**
 * The seal of `office` (see above). 409 OFFICE_NOT_REGISTERED when the office is not
 * registered or the directory retired it; 409 OFFICE_HAS_NO_SEAL when no seal qualifies.
 */
export async function findOfficeSeal(ca: CaContext, office: string): Promise<OfficeSeal> {
  await registeredOffice(ca.pool, office);
  const now = ca.clock.now();
  const passedOver: string[] = [];
  for (const key of await listUnrevokedSeals(ca.pool, office)) {
    const certificate = readCertificate(key.certificateDer);
    const unfit = unfitForSigning(certificate, now);
    const algorithm = algorithmFor(certificate.spki, 'sha256');
    if (unfit !== undefined || algorithm === undefined) {
      passedOver.push(`${key.id}: ${unfit ?? 'its key does not sign SHA-256 digests'}`);
      continue;
    }
    if (key.storage === 'pkcs11') {
      if (ca.token === undefined) {
        passedOver.push(`${key.id}: in a PKCS#11 token this instance has not opened`);
        continue;
      }
      return { key, certificate, algorithm, signer: tokenSignerOf(ca, key)(algorithm) };
    }
    return { key, certificate, algorithm, signer: keySigner(heldSealKey(ca, key), algorithm) };
  }
  throw new AppError(signingErrors.OFFICE_HAS_NO_SEAL, {
    detail:
      passedOver.length === 0
        ? `The office ${office} has no seal whose certificate is not revoked (POST /v1/ca/seals issues one).`
        : `The office ${office} has no seal that can sign now: ${passedOver.slice(0, 5).join('; ')}.`,
  });
}
