import { createDecipheriv, getCiphers, pbkdf2Sync } from 'node:crypto';
import { is, readOctetString, readOid, readSmallInt, sequence, type DerNode } from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { SHA1, pkcs12Kdf, refuse, type WorkBudget } from './kdf.ts';

/** The password in the two forms PKCS#12 uses: UTF-8 for PBES2 (as OpenSSL does), BMP for the PKCS#12 PBE ids. */
export interface Pkcs12Password {
  readonly utf8: Buffer;
  /** BMPString + 00 00, in the encoding the MAC accepted (RFC 7292 Appendix B.1). */
  readonly bmp: Buffer;
}

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';

/** PBKDF2 PRFs (RFC 8018 Appendix B.1). */
const PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** PBES2 encryption schemes (RFC 8018 Appendix B.2; NIST AES OIDs): node cipher, key and IV lengths. */
const SCHEMES: Readonly<Record<string, { cipher: string; keyLength: number; ivLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};

/** The PKCS#12 password-based encryption ids (RFC 7292 Appendix C), keyed and IV'd by the PKCS#12 KDF with SHA-1. */
const PKCS12_PBE: Readonly<Record<string, { name: string; cipher: string; keyLength: number; ivLength: number }>> = {
  '1.2.840.113549.1.12.1.3': {
    name: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
    cipher: 'des-ede3-cbc',
    keyLength: 24,
    ivLength: 8,
  },
  '1.2.840.113549.1.12.1.4': {
    name: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
    cipher: 'des-ede-cbc',
    keyLength: 16,
    ivLength: 8,
  },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2-cbc', keyLength: 16, ivLength: 8 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2-40-cbc', keyLength: 5, ivLength: 8 },
};

const REEXPORT =
  'Re-export the file with modern encryption, e.g. `openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256`.';

function decipher(cipher: string, key: Buffer, iv: Uint8Array, data: Uint8Array, what: string): Buffer {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new PkiError(
      'PKCS12_INVALID',
      `The ${what} could not be decrypted (wrong password, a separate password for it, or a corrupt file).`,
      { cause: e },
    );
  }
}

function decryptPbes2(
  params: DerNode | undefined,
  data: Uint8Array,
  password: Pkcs12Password,
  budget: WorkBudget,
  what: string,
): Buffer {
  const [kdf, scheme] = sequence(params, 'PBES2-params');
  const [kdfOid, kdfParams] = sequence(kdf, 'keyDerivationFunc');
  const kdfId = readOid(kdfOid, 'keyDerivationFunc');
  if (kdfId !== PBKDF2)
    refuse(`The ${what} uses the key-derivation function ${kdfId}; only PBKDF2 is supported. ${REEXPORT}`);
  const [saltNode, iterNode, ...rest] = sequence(kdfParams, 'PBKDF2-params');
  if (saltNode === undefined || !is(saltNode, 0x04))
    refuse(`The ${what} uses a PBKDF2 salt that is not an OCTET STRING (otherSource is not supported).`);
  const salt = readOctetString(saltNode, 'PBKDF2 salt');
  const iterations = readSmallInt(iterNode, 'PBKDF2 iterationCount');
  let keyLength: number | undefined;
  let prf = 'sha1';
  for (const n of rest) {
    if (is(n, 0x02)) keyLength = readSmallInt(n, 'PBKDF2 keyLength');
    else {
      const prfId = readOid(sequence(n, 'PBKDF2 prf')[0], 'PBKDF2 prf');
      const found = PRFS[prfId];
      if (found === undefined) refuse(`The ${what} uses the PBKDF2 PRF ${prfId}, which is not supported.`);
      prf = found;
    }
  }
  const [schemeOid, ivNode] = sequence(scheme, 'encryptionScheme');
  const schemeId = readOid(schemeOid, 'encryptionScheme');
  const s = SCHEMES[schemeId];
  if (s === undefined)
    refuse(
      `The ${what} is encrypted with ${schemeId}, which is not supported (AES-CBC and DES-EDE3-CBC are). ${REEXPORT}`,
    );
  const iv = readOctetString(ivNode, 'encryptionScheme IV');
  if (iv.length !== s.ivLength) refuse(`The ${what} has an IV of ${iv.length} bytes for ${s.cipher}.`);
  if (keyLength !== undefined && keyLength !== s.keyLength)
    refuse(`The ${what} asks for a ${keyLength}-byte key for ${s.cipher}.`);
  budget.spend(iterations, `PBKDF2 of the ${what}`);
  const key = pbkdf2Sync(password.utf8, salt, iterations, s.keyLength, prf);
  return decipher(s.cipher, key, iv, data, what);
}

function decryptPkcs12Pbe(
  algId: string,
  params: DerNode | undefined,
  data: Uint8Array,
  password: Pkcs12Password,
  budget: WorkBudget,
  what: string,
): Buffer {
  const alg = PKCS12_PBE[algId]!;
  if (!getCiphers().includes(alg.cipher))
    refuse(
      `The ${what} is encrypted with ${alg.name} (${algId}), which this system's OpenSSL no longer provides. ${REEXPORT}`,
    );
  const [saltNode, iterNode] = sequence(params, 'pkcs-12PbeParams');
  const salt = readOctetString(saltNode, 'pkcs-12PbeParams salt');
  const iterations = readSmallInt(iterNode, 'pkcs-12PbeParams iterations');
  budget.spend(iterations, `PKCS#12 KDF of the ${what}`);
  budget.spend(iterations, `PKCS#12 KDF of the ${what}`);
  const key = pkcs12Kdf(SHA1, password.bmp, salt, iterations, 1, alg.keyLength);
  const iv = pkcs12Kdf(SHA1, password.bmp, salt, iterations, 2, alg.ivLength);
  return decipher(alg.cipher, key, iv, data, what);
}

/**
 * Decrypts `data` encrypted under the AlgorithmIdentifier `algorithm` with the
 * password: PBES2 (RFC 8018 §6.2) with PBKDF2 and AES-CBC or DES-EDE3-CBC, or a
 * PKCS#12 PBE id (RFC 7292 Appendix C). Throws PKCS12_INVALID naming what failed.
 */
export function decryptWithPassword(
  algorithm: DerNode | undefined,
  data: Uint8Array,
  password: Pkcs12Password,
  budget: WorkBudget,
  what: string,
): Buffer {
  const [oidNode, params] = sequence(algorithm, `encryption algorithm of the ${what}`);
  const algId = readOid(oidNode, `encryption algorithm of the ${what}`);
  if (algId === PBES2) return decryptPbes2(params, data, password, budget, what);
  if (PKCS12_PBE[algId] !== undefined) return decryptPkcs12Pbe(algId, params, data, password, budget, what);
  return refuse(
    `The ${what} is encrypted with ${algId}, which is not supported (PBES2 with PBKDF2 and AES or 3DES, and the PKCS#12 3DES ids are). ${REEXPORT}`,
  );
}
