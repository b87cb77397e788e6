/**
 * The rules of signing keys, as plain functions: who may use a key or manage its image, which
 * algorithm a key signs a given digest with, and whether a certificate can sign at all.
 */
import {
  allowsKeyUsage,
  importPublicKey,
  isCa,
  KeyUsageBit,
  type Certificate,
  type HashName,
  type SigningAlgorithm,
} from '@lienthong/pki';
import { roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { SigningKeyRecord } from './key-repository.ts';

/** The owner recorded for office seal keys: the office's registry (văn thư) uses them. */
export const sealOwner = 'registry';

/**
 * Whether `principal` may use `key` (already known to be of the principal's office): a
 * personal key only by its owner acting as a signer, a seal only by the office's registry.
 */
export function mayUseKey(principal: Principal, key: SigningKeyRecord): boolean {
  if (key.purpose === 'seal') return principal.roles.includes(roles.registry);
  return key.owner === principal.subject && principal.roles.includes(roles.signer);
}

/**
 * Whether `principal` may set, read or remove the appearance image of `key` (of the
 * principal's office): a personal key's owner, as for using it; for a seal, the office's
 * registry (who stamps with it) or its CA administrators (who issued it).
 */
export function mayManageKeyImage(principal: Principal, key: SigningKeyRecord): boolean {
  if (key.purpose === 'seal')
    return principal.roles.includes(roles.registry) || principal.roles.includes(roles.caAdmin);
  return mayUseKey(principal, key);
}

/** The owners whose keys `principal` may list: their own, and the seals when they are the registry; every owner (undefined) for the office's CA administrators. */
export function ownersVisibleTo(principal: Principal): string[] | undefined {
  if (principal.roles.includes(roles.caAdmin)) return undefined;
  const owners = [principal.subject];
  if (principal.roles.includes(roles.registry)) owners.push(sealOwner);
  return owners;
}

/** Whether `principal` may see `key` (of the principal's office): whoever may use it, and the office's CA administrators (who unlock and revoke). */
export function mayViewKey(principal: Principal, key: SigningKeyRecord): boolean {
  return mayUseKey(principal, key) || principal.roles.includes(roles.caAdmin);
}

/**
 * Whether `principal` may unlock `key` after too many wrong PINs: a CA administrator of the
 * office, never for their own key (someone else vouches that the owner, not a guesser, wants
 * more attempts). Seals have no PIN and never lock.
 */
export function mayUnlockKey(principal: Principal, key: SigningKeyRecord): boolean {
  return key.purpose === 'personal' && principal.roles.includes(roles.caAdmin) && key.owner !== principal.subject;
}

/** The signing algorithm for a key of `spki`'s type and a content digest of `hash`; undefined when they do not go together. */
export function algorithmFor(spki: Uint8Array, hash: HashName): SigningAlgorithm | undefined {
  const key = importPublicKey(spki);
  if (key.asymmetricKeyType === 'rsa') {
    return hash === 'sha256'
      ? 'RSA-SHA256'
      : hash === 'sha384'
        ? 'RSA-SHA384'
        : hash === 'sha512'
          ? 'RSA-SHA512'
          : undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' && hash === 'sha256') return 'ECDSA-SHA256';
    if (curve === 'secp384r1' && hash === 'sha384') return 'ECDSA-SHA384';
  }
  return undefined;
}

/** Why `certificate` cannot sign at `at`, or undefined when it can (EN 319 412-2: end entity, non-repudiation or digital signature). */
export function unfitForSigning(certificate: Certificate, at: Date): string | undefined {
  if (isCa(certificate)) return 'it is a CA certificate';
  if (at < certificate.notBefore) return 'it is not valid yet';
  if (at > certificate.notAfter) return 'it has expired';
  if (
    certificate.keyUsage !== undefined &&
    !allowsKeyUsage(certificate, KeyUsageBit.digitalSignature) &&
    !allowsKeyUsage(certificate, KeyUsageBit.nonRepudiation)
  ) {
    return 'its keyUsage allows neither digitalSignature nor nonRepudiation';
  }
  return undefined;
}
