/**
 * Stable codes for what a PKCS#11 token (HSM, USB token, SoftHSM2) can refuse. The
 * token's own return values (CKR_*, PKCS#11 v2.40 §5.1) are mapped here, once; messages
 * name the operation and the CKR_ value, never the PIN. The codes live in the service's
 * catalogue (errors.ts).
 */
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';

/** The token's codes, part of the service's catalogue (errors.ts). */
export const tokenErrors = {
  SIGNING_TOKEN_MODULE_UNAVAILABLE: signingErrors.SIGNING_TOKEN_MODULE_UNAVAILABLE,
  SIGNING_TOKEN_NOT_FOUND: signingErrors.SIGNING_TOKEN_NOT_FOUND,
  SIGNING_TOKEN_PIN_INCORRECT: signingErrors.SIGNING_TOKEN_PIN_INCORRECT,
  SIGNING_TOKEN_PIN_LOCKED: signingErrors.SIGNING_TOKEN_PIN_LOCKED,
  SIGNING_TOKEN_KEY_NOT_FOUND: signingErrors.SIGNING_TOKEN_KEY_NOT_FOUND,
  SIGNING_TOKEN_KEY_EXISTS: signingErrors.SIGNING_TOKEN_KEY_EXISTS,
  SIGNING_TOKEN_KEY_UNSUITABLE: signingErrors.SIGNING_TOKEN_KEY_UNSUITABLE,
  SIGNING_TOKEN_FAILED: signingErrors.SIGNING_TOKEN_FAILED,
} as const;

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
  if (error instanceof AppError) return error as AppError<string>;
  const ckr = ckrName(error);
  const code = ckr === undefined ? 'SIGNING_TOKEN_FAILED' : (BY_CKR[ckr] ?? 'SIGNING_TOKEN_FAILED');
  const what = ckr ?? (error instanceof Error ? error.name : 'unknown error');
  return tokenError(code, `${operation}: ${what}.`);
}
