/**
 * Stable codes for what a PKCS#11 token (HSM, USB token, SoftHSM2) can refuse. The
 * token's own return values (CKR_*, PKCS#11 v2.40 §5.1) are mapped here, once; messages
 * name the operation and the CKR_ value, never the PIN. To be merged into the service's
 * catalogue (services/signing/src/errors.ts) when the key store is wired.
 */
import { AppError, defineErrors } from '@lienthong/service';

export const tokenErrors = defineErrors({
  SIGNING_TOKEN_MODULE_UNAVAILABLE: { status: 503, title: 'PKCS#11 module unavailable', detail: 'The PKCS#11 module could not be loaded or initialised.' },
  SIGNING_TOKEN_NOT_FOUND: { status: 503, title: 'Token not found', detail: 'No slot holds a token with that label.' },
  SIGNING_TOKEN_PIN_INCORRECT: { status: 503, title: 'Token PIN incorrect', detail: 'The token refused the user PIN (CKR_PIN_INCORRECT).' },
  SIGNING_TOKEN_PIN_LOCKED: { status: 503, title: 'Token PIN locked', detail: 'The user PIN is locked after too many wrong attempts (CKR_PIN_LOCKED); the security officer must reset it.' },
  SIGNING_TOKEN_KEY_NOT_FOUND: { status: 404, title: 'Key not found on the token', detail: 'No private key on the token has that label or id.' },
  SIGNING_TOKEN_KEY_EXISTS: { status: 409, title: 'Key already on the token', detail: 'A key with that label is already on the token.' },
  SIGNING_TOKEN_KEY_UNSUITABLE: { status: 422, title: 'Key unsuitable', detail: 'The key type does not fit the signature algorithm.' },
  SIGNING_TOKEN_FAILED: { status: 502, title: 'Token operation failed', detail: 'The token returned an error.' },
});

export type TokenErrorCode = keyof typeof tokenErrors;

/** An AppError of the token catalogue. */
export function tokenError(code: TokenErrorCode, detail?: string): AppError {
  return new AppError(tokenErrors[code], detail === undefined ? {} : { detail });
}

/** The CKR_ name of a pkcs11js error (its message is the name, its code the value), or undefined. */
export function ckrName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const m = /^(CKR_[A-Z0-9_]+)/.exec(error.message);
  return m?.[1];
}

const BY_CKR: Readonly<Record<string, TokenErrorCode>> = {
  CKR_PIN_INCORRECT: 'SIGNING_TOKEN_PIN_INCORRECT',
  CKR_PIN_LEN_RANGE: 'SIGNING_TOKEN_PIN_INCORRECT',
  CKR_PIN_INVALID: 'SIGNING_TOKEN_PIN_INCORRECT',
  CKR_PIN_LOCKED: 'SIGNING_TOKEN_PIN_LOCKED',
  CKR_TOKEN_NOT_PRESENT: 'SIGNING_TOKEN_NOT_FOUND',
  CKR_DEVICE_REMOVED: 'SIGNING_TOKEN_NOT_FOUND',
  CKR_KEY_TYPE_INCONSISTENT: 'SIGNING_TOKEN_KEY_UNSUITABLE',
  CKR_KEY_FUNCTION_NOT_PERMITTED: 'SIGNING_TOKEN_KEY_UNSUITABLE',
  CKR_MECHANISM_INVALID: 'SIGNING_TOKEN_KEY_UNSUITABLE',
};

/**
 * Maps anything a PKCS#11 call threw to a token AppError. `operation` names the step
 * ("C_Login", "sign with key 'seal-2026'") for the detail; the PIN is never part of it,
 * and the native error is not attached as cause (its stack holds call arguments).
 */
export function toTokenError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const ckr = ckrName(error);
  const code = ckr === undefined ? 'SIGNING_TOKEN_FAILED' : (BY_CKR[ckr] ?? 'SIGNING_TOKEN_FAILED');
  const what = ckr ?? (error instanceof Error ? error.name : 'unknown error');
  return tokenError(code, `${operation}: ${what}.`);
}
