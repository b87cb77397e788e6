/**
 * The error catalogue of the lienthong command-line tool. Every error that
 * stops a command carries one of these stable codes; the command prints one
 * line (`lienthong: CODE: detail`) and exits with {@link EXIT.unusable}.
 * A negative verdict (a chain or signature that does not validate) is not an
 * error: it is a result, printed on stdout with exit code {@link EXIT.invalid}.
 */
export const CLI_ERRORS = {
  USAGE: 'The command line is not valid.',
  FILE_NOT_READABLE: 'A file could not be read.',
  BAD_CERTIFICATE: 'A file does not hold a readable X.509 certificate.',
  BAD_CRL: 'A file does not hold a readable CRL.',
  BAD_PRIVATE_KEY: 'A file does not hold a readable private key.',
  BAD_SIGNATURE_FILE: 'A file does not hold a readable CMS signature.',
  UNSUPPORTED_FORMAT: 'The file format is not supported yet.',
  BAD_DATE: 'A date is not an ISO-8601 date or date-time.',
  BAD_NAME: 'A distinguished name could not be read.',
  PASSPHRASE_MISSING: 'A passphrase is needed and the named environment variable is unset or too short.',
  KEY_DECRYPTION_FAILED: 'The private key did not decrypt with the passphrase.',
  KEY_MISMATCH: 'The private key does not belong to the certificate.',
  OUTPUT_EXISTS: 'An output file exists already.',
  OUTPUT_NOT_WRITABLE: 'An output file could not be written.',
  PKI_ERROR: 'The PKI library refused the request.',
  BAD_TOKEN_KEY: 'A file does not hold a private key an access-token issuer can use (Ed25519, P-256, RSA ≥ 2048).',
  BAD_PDF: 'A file is not a readable PDF (no %PDF- header, truncated, broken cross-reference data).',
  PDF_REFUSED: 'The PDF layer refused the operation (its own code follows).',
  PDF_NOT_SIGNED: 'The PDF holds no signature to extend.',
  BAD_OCSP: 'A file does not hold a readable OCSP response.',
  BAD_APPEARANCE: 'The --appearance description or its seal image cannot be used.',
  OUTPUT_IS_INPUT: 'The output file is the input file.',
  TSA_FAILED: 'The time-stamping authority could not be reached or did not grant a token.',
} as const;

/** A stable error code of {@link CLI_ERRORS}. */
export type CliErrorCode = keyof typeof CLI_ERRORS;

/** Process exit codes: 0 valid/done, 1 a negative verdict, 2 unusable input or command line. */
export const EXIT = { ok: 0, invalid: 1, unusable: 2 } as const;

/** A process exit code of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that stops a command (exit 2); `detail` names the file, option or value at fault. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? CLI_ERRORS[code], options);
    this.name = 'CliError';
    this.code = code;
  }
}

/** True when `e` is a {@link CliError}. */
export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}
