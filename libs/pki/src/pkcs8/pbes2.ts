/**
 * PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) written with PBES2 (RFC 8018 §6.2): PBKDF2
 * (§5.2) with HMAC-SHA256 as its PRF (Appendix B.1.2) and AES-256-CBC (Appendix B.2.5, NIST
 * OID) — at an iteration count of the caller's choosing. node:crypto's KeyObject.export with
 * a passphrase always uses 2,048 iterations, far below today's recommendations (OWASP 2023:
 * 600,000 for PBKDF2-HMAC-SHA256), so the structure is encoded here with the DER writer;
 * `decryptPrivateKey` (node:crypto, OpenSSL) reads it back, as does `openssl pkcs8`.
 */
import { createCipheriv, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import { parseDer, readOctetString, readOid, readSmallInt, sequence } from '../der/reader.ts';
import { int, nul, octets, oid, seq } from '../der/writer.ts';
import { PkiError } from '../errors.ts';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const HMAC_WITH_SHA256 = '1.2.840.113549.2.9';
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';

/** The PBKDF2 iteration count written by default: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const pbes2DefaultIterations = 600_000;

/** The bounds accepted when writing: at least 1,000 (RFC 8018 §4.2's floor), at most 10 million. */
const MIN_ITERATIONS = 1_000;
const MAX_ITERATIONS = 10_000_000;

/** How {@link encryptPrivateKeyPbes2} encrypts; salt and IV are random unless given (for known-answer tests). */
export interface Pbes2Options {
  /** PBKDF2 iteration count (default {@link pbes2DefaultIterations}). */
  readonly iterations?: number;
  /** PBKDF2 salt, 16 to 64 bytes (default 16 random bytes). */
  readonly salt?: Uint8Array;
  /** AES-CBC IV, 16 bytes (default random). */
  readonly iv?: Uint8Array;
}

/**
 * Encrypts `privateKey` as a DER EncryptedPrivateKeyInfo under `password` (a string is taken
 * as its UTF-8 bytes, bytes as they are — as OpenSSL does) with PBES2: PBKDF2-HMAC-SHA256
 * deriving a 256-bit key, AES-256-CBC with PKCS#7 padding over the PrivateKeyInfo DER.
 * Throws PkiError INVALID_ARGUMENT for a public key, an empty password or out-of-range options.
 */
export function encryptPrivateKeyPbes2(
  privateKey: KeyObject,
  password: string | Uint8Array,
  options: Pbes2Options = {},
): Uint8Array {
  if (privateKey.type !== 'private') throw new PkiError('INVALID_ARGUMENT', 'Not a private key.');
  const secret = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  if (secret.length === 0) throw new PkiError('INVALID_ARGUMENT', 'The password is empty.');
  const iterations = options.iterations ?? pbes2DefaultIterations;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS)
    throw new PkiError(
      'INVALID_ARGUMENT',
      `The PBKDF2 iteration count must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}.`,
    );
  const salt = options.salt ?? randomBytes(16);
  if (salt.length < 16 || salt.length > 64)
    throw new PkiError('INVALID_ARGUMENT', 'The PBKDF2 salt must have 16 to 64 bytes.');
  const iv = options.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new PkiError('INVALID_ARGUMENT', 'The AES-CBC IV must have 16 bytes.');
  const key = pbkdf2Sync(secret, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const plain = privateKey.export({ type: 'pkcs8', format: 'der' });
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  key.fill(0);
  const algorithm = seq(
    oid(PBES2),
    seq(
      seq(oid(PBKDF2), seq(octets(salt), int(iterations), seq(oid(HMAC_WITH_SHA256), nul()))),
      seq(oid(AES_256_CBC), octets(iv)),
    ),
  );
  return seq(algorithm, octets(encrypted));
}

/**
 * The PBKDF2 iteration count of a PBES2 EncryptedPrivateKeyInfo, or undefined when it is
 * encrypted otherwise (or not PBES2 with PBKDF2 at all). Throws PkiError MALFORMED when the
 * bytes are not an EncryptedPrivateKeyInfo.
 */
export function pbes2IterationsOf(encrypted: Uint8Array): number | undefined {
  try {
    const [algorithm] = sequence(parseDer(encrypted), 'EncryptedPrivateKeyInfo');
    const [algId, params] = sequence(algorithm, 'encryptionAlgorithm');
    if (readOid(algId, 'encryptionAlgorithm') !== PBES2) return undefined;
    const [kdf] = sequence(params, 'PBES2-params');
    const [kdfId, kdfParams] = sequence(kdf, 'keyDerivationFunc');
    if (readOid(kdfId, 'keyDerivationFunc') !== PBKDF2) return undefined;
    const [salt, count] = sequence(kdfParams, 'PBKDF2-params');
    readOctetString(salt, 'PBKDF2 salt');
    return readSmallInt(count, 'PBKDF2 iterationCount');
  } catch (error) {
    if (error instanceof PkiError)
      throw new PkiError('MALFORMED', 'Not a PKCS#8 EncryptedPrivateKeyInfo.', { cause: error });
    throw error;
  }
}
