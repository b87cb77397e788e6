/**
 * The error catalogue of @lienthong/pki (documented in README.md). Parsers and builders
 * throw {@link PkiError} with one of these stable codes; `message` says what went wrong and
 * where. Validators (path validation, CMS and time-stamp verification) never throw: they
 * return results. The status is what a service answers if such an error reaches a handler.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const pkiErrors = defineErrors({
  MALFORMED: { status: 400, title: 'The DER or PEM input is not a well-formed structure of the expected type' },
  UNSUPPORTED_ALGORITHM: { status: 400, title: 'The algorithm (signature, digest or key type) is not supported' },
  INVALID_ARGUMENT: { status: 400, title: 'An argument given to the library is missing or out of range' },
  KEY_DECRYPTION_FAILED: {
    status: 500,
    title: 'An encrypted private key could not be decrypted with the key-encryption passphrase',
  },
  PKCS12_INVALID: { status: 400, title: 'The PKCS#12 file could not be read (wrong password or corrupt file)' },
  SIGNER_MISMATCH: { status: 400, title: 'The signer key does not match the public key of the certificate' },
});

/** A stable error code of the catalogue {@link pkiErrors}. */
export type PkiErrorCode = CodeOf<typeof pkiErrors>;

/** An error thrown by a parser or builder of this library: `new PkiError(code, detail?, { cause })`. */
export class PkiError extends errorClass(pkiErrors) {}

/** True when `e` is a {@link PkiError} (of `code`, when given). */
export const isPkiError = errorGuard(PkiError);
