/**
 * The error catalogue of the lienthong command-line tool. Every error that
 * stops a command carries one of these stable codes; the command prints one
 * line (`lienthong: CODE: detail`) and exits with {@link EXIT.unusable}.
 * A negative verdict (a chain or signature that does not validate) is not an
 * error: it is a result, printed on stdout with exit code {@link EXIT.invalid}.
 * The statuses are what a service answers with should one of these reach a handler.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const cliErrors = defineErrors({
  USAGE: { status: 400, title: 'The command line is not valid' },
  FILE_NOT_READABLE: { status: 400, title: 'A file could not be read' },
  BAD_CERTIFICATE: { status: 400, title: 'A file does not hold a readable X.509 certificate' },
  BAD_CRL: { status: 400, title: 'A file does not hold a readable CRL' },
  BAD_PRIVATE_KEY: { status: 400, title: 'A file does not hold a readable private key' },
  BAD_SIGNATURE_FILE: { status: 400, title: 'A file does not hold a readable CMS signature' },
  UNSUPPORTED_FORMAT: { status: 415, title: 'The file format is not supported yet' },
  BAD_DATE: { status: 400, title: 'A date is not an ISO-8601 date or date-time' },
  BAD_NAME: { status: 400, title: 'A distinguished name could not be read' },
  PASSPHRASE_MISSING: {
    status: 400,
    title: 'A passphrase is needed and the named environment variable is unset or too short',
  },
  KEY_DECRYPTION_FAILED: { status: 400, title: 'The private key did not decrypt with the passphrase' },
  KEY_MISMATCH: { status: 400, title: 'The private key does not belong to the certificate' },
  BAD_TWO_STEP_FILE: {
    status: 400,
    title: 'A to-sign file of doc sign --prepare, or a signature value file, cannot be read or used',
  },
  OUTPUT_EXISTS: { status: 409, title: 'An output file exists already' },
  OUTPUT_NOT_WRITABLE: { status: 500, title: 'An output file could not be written' },
  PKI_ERROR: { status: 400, title: 'The PKI library refused the request' },
  BAD_TOKEN_KEY: {
    status: 400,
    title: 'A file does not hold a private key an access-token issuer can use (Ed25519, P-256, RSA ≥ 2048)',
  },
  BAD_PDF: {
    status: 400,
    title: 'A file is not a readable PDF (no %PDF- header, truncated, broken cross-reference data)',
  },
  PDF_REFUSED: { status: 422, title: 'The PDF layer refused the operation (its own code follows)' },
  PDF_NOT_SIGNED: { status: 422, title: 'The PDF holds no signature to extend' },
  BAD_OCSP: { status: 400, title: 'A file does not hold a readable OCSP response' },
  BAD_APPEARANCE: { status: 400, title: 'The --appearance description or its seal image cannot be used' },
  OUTPUT_IS_INPUT: { status: 400, title: 'The output file is the input file' },
  TSA_FAILED: { status: 502, title: 'The time-stamping authority could not be reached or did not grant a token' },
  CONFIG_MISSING: { status: 400, title: 'No client configuration: give --config FILE or set LIENTHONG_CONFIG' },
  CONFIG_INVALID: { status: 400, title: 'The client configuration file cannot be read or used' },
  BAD_BUNDLE: { status: 400, title: 'A folder cannot be read as an evidence bundle' },
  AUDIT_STATE_INVALID: {
    status: 400,
    title: 'The state file of audit verify (the heads verified before) cannot be read or used',
  },
  KEYRING_INVALID: {
    status: 400,
    title: 'A token key folder is damaged: a missing, foreign or unreadable file, or a key readable by others',
  },
  KEY_IN_USE: { status: 409, title: 'A token key named to retire is current, or tokens it signed may still be live' },
  SERVICE_UNREACHABLE: {
    status: 502,
    title: 'A service could not be reached, or did not answer as a lienthong service',
  },
  TOKEN_MODULE_UNAVAILABLE: {
    status: 400,
    title: 'The --token-module file is not a PKCS#11 module that loads and initialises',
  },
  TOKEN_NOT_FOUND: {
    status: 404,
    title: 'No token in the slots of the PKCS#11 module matches --token-label or --token-slot',
  },
  TOKEN_PIN_INCORRECT: { status: 401, title: 'The token refused the PIN' },
  TOKEN_PIN_LOCKED: { status: 423, title: 'The token has locked its user PIN' },
  TOKEN_KEY_NOT_FOUND: { status: 404, title: 'No key (or certificate) on the token with that label or id' },
  TOKEN_KEY_EXISTS: { status: 409, title: 'An object with that label is already on the token' },
  TOKEN_KEY_UNSUITABLE: {
    status: 422,
    title: 'The token key cannot do what is asked (not RSA or EC P-256/P-384, or not for signing)',
  },
  TOKEN_FAILED: { status: 502, title: 'The token refused or failed an operation (its CKR_ value follows)' },
});

/** A stable error code of {@link cliErrors}. */
export type CliErrorCode = CodeOf<typeof cliErrors>;

/** Process exit codes: 0 valid/done, 1 a negative verdict, 2 unusable input or command line. */
export const EXIT = { ok: 0, invalid: 1, unusable: 2 } as const;

/** A process exit code of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that stops a command (exit 2); `detail` names the file, option or value at fault. */
export class CliError extends errorClass(cliErrors) {}

/** True when `e` is a {@link CliError} (of `code`, when given). */
export const isCliError = errorGuard(CliError);
