/**
 * The error catalogue of @lienthong/pki. Every failure the library reports
 * carries one of these stable codes; `message` says what went wrong and where.
 * Validation functions return results instead of throwing; parsers and
 * builders throw {@link PkiError}.
 */
export const PKI_ERRORS = {
  MALFORMED: 'The DER or PEM input is not a well-formed structure of the expected type.',
  UNSUPPORTED_ALGORITHM: 'The algorithm (signature, digest or key type) is not supported.',
  INVALID_ARGUMENT: 'An argument given to the library is missing or out of range.',
  KEY_DECRYPTION_FAILED: 'An encrypted private key could not be decrypted with the key-encryption passphrase.',
  PKCS12_INVALID: 'The PKCS#12 file could not be read (wrong password or corrupt file).',
  SIGNER_MISMATCH: 'The signer key does not match the public key of the certificate.',
} as const;

/** A stable error code of the catalogue {@link PKI_ERRORS}. */
export type PkiErrorCode = keyof typeof PKI_ERRORS;

/** An error thrown by a parser or builder of this library, with a stable code. */
export class PkiError extends Error {
  readonly code: PkiErrorCode;
  constructor(code: PkiErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? PKI_ERRORS[code] : `${PKI_ERRORS[code]} ${detail}`, options);
    this.name = 'PkiError';
    this.code = code;
  }
}

/** True when `e` is a {@link PkiError} (optionally with the given code). */
export function isPkiError(e: unknown, code?: PkiErrorCode): e is PkiError {
  return e instanceof PkiError && (code === undefined || e.code === code);
}
