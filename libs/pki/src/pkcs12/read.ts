import { createPrivateKey, type KeyObject } from 'node:crypto';
import { PkiError, isPkiError } from '../errors.ts';
import { keyMatchesSpki } from '../keys.ts';
import { readCertificate, type Certificate } from '../x509/certificate.ts';
import { readPfx } from './pfx.ts';

/** The content of a PKCS#12 file (RFC 7292): the key and its certificate with the chain. */
export interface Pkcs12Contents {
  readonly privateKey: KeyObject;
  /** The certificate whose public key matches the private key. */
  readonly certificate: Certificate;
  /** The other certificates of the file (the issuing CAs), as found. */
  readonly chain: readonly Certificate[];
}

function readAll<T>(items: readonly Uint8Array[], read: (der: Uint8Array) => T, what: string): T[] {
  return items.map((der) => {
    try {
      return read(der);
    } catch (e) {
      throw new PkiError('PKCS12_INVALID', `A ${what} in the file is malformed.`, { cause: e });
    }
  });
}

/**
 * Imports a PKCS#12 / PFX file (RFC 7292 §4), e.g. exported from a Windows
 * certificate store or by `openssl pkcs12 -export`; the input is untrusted.
 * Password integrity mode only: the MAC (HMAC-SHA-1/SHA-2 keyed by the PKCS#12
 * KDF, Appendix B) is checked first, and a file without one is refused. Keys
 * shrouded with PBES2 (RFC 8018: PBKDF2 + AES-CBC or DES-EDE3-CBC, password as
 * UTF-8) or the PKCS#12 3DES PBE ids (Appendix C, password as BMPString) are
 * decrypted with node:crypto; RC2 only where the system's OpenSSL still has it.
 * The first private key with a matching certificate is taken; the other
 * certificates form the chain. Throws PkiError PKCS12_INVALID with the reason.
 */
export function importPkcs12(pfx: Uint8Array, password: string): Pkcs12Contents {
  let keys: KeyObject[];
  let certs: Certificate[];
  try {
    const bags = readPfx(pfx, password);
    keys = readAll(
      bags.keys,
      (der) => createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }),
      'private key',
    );
    certs = readAll(bags.certificates, readCertificate, 'certificate');
  } catch (e) {
    if (isPkiError(e, 'PKCS12_INVALID')) throw e;
    const detail = isPkiError(e, 'MALFORMED') ? (e.detail ?? '') : '';
    throw new PkiError(
      'PKCS12_INVALID',
      `The file is not a well-formed PKCS#12 structure.${detail === '' ? '' : ` ${detail}`}`,
      { cause: e },
    );
  }
  if (keys.length === 0) throw new PkiError('PKCS12_INVALID', 'No private key in the file.');
  for (const privateKey of keys) {
    const certificate = certs.find((c) => keyMatchesSpki(privateKey, c.spki));
    if (certificate !== undefined) return { privateKey, certificate, chain: certs.filter((c) => c !== certificate) };
  }
  throw new PkiError('PKCS12_INVALID', 'No certificate in the file matches the private key.');
}
