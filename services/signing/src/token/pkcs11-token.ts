/**
 * A PKCS#11 token (PKCS#11 v2.40 base specification): the module loaded once per process,
 * the slot found by token label, a read/write session logged in as the user.
 *
 * A module is initialised once per process (a second C_Initialize answers
 * CKR_CRYPTOKI_ALREADY_INITIALIZED), so modules are shared and counted: the last session
 * closed finalises it. Calls are synchronous: one C_SignInit/C_Sign pair cannot interleave
 * with another on the same session.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { tokenError, toTokenError, ckrName } from './pkcs11-errors.ts';

/** The pkcs11js binding (a CommonJS native addon: loaded with require). */
export const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Js;

/** Where the token is and how to log in. */
export interface TokenOptions {
  /** Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  readonly modulePath: string;
  /** CK_TOKEN_INFO.label of the token (without the blank padding). */
  readonly tokenLabel: string;
  /** The user PIN (CKU_USER). Never logged, never in an error message. */
  readonly pin: string;
}

/** An open, logged-in session on a token. */
export interface TokenSession {
  readonly module: Pkcs11Js.PKCS11;
  readonly handle: Pkcs11Js.Handle;
  readonly slot: Pkcs11Js.Handle;
  readonly tokenLabel: string;
  /** Closes the session (the token logs out with its last session); finalises the module when no session is left. Idempotent. */
  close(): void;
}

interface LoadedModule {
  readonly module: Pkcs11Js.PKCS11;
  sessions: number;
  /** Keyed hash of the PIN each slot is logged in with, to check a PIN given while already logged in. */
  readonly logins: Map<string, { pin: string; sessions: number }>;
}

const loaded = new Map<string, LoadedModule>();
const PIN_KEY = randomBytes(32);
const pinTag = (pin: string): string => createHmac('sha256', PIN_KEY).update(pin).digest('hex');

function loadModule(path: string): LoadedModule {
  const existing = loaded.get(path);
  if (existing) return existing;
  const module = new pkcs11js.PKCS11();
  try {
    module.load(path);
    module.C_Initialize();
  } catch (error) {
    if (ckrName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      try {
        module.close();
      } catch {
        // the library was not loaded
      }
      throw tokenError('SIGNING_TOKEN_MODULE_UNAVAILABLE', `${path}: ${ckrName(error) ?? (error as Error).message}.`);
    }
  }
  const entry = { module, sessions: 0, logins: new Map() };
  loaded.set(path, entry);
  return entry;
}

function release(path: string, entry: LoadedModule): void {
  entry.sessions -= 1;
  if (entry.sessions > 0) return;
  loaded.delete(path);
  try {
    entry.module.C_Finalize();
  } finally {
    entry.module.close();
  }
}

/** The first slot whose token has that label (CK_TOKEN_INFO.label is blank-padded to 32 bytes). */
export function findSlot(module: Pkcs11Js.PKCS11, tokenLabel: string): Pkcs11Js.Handle | undefined {
  return module.C_GetSlotList(true).find((slot) => module.C_GetTokenInfo(slot).label.trimEnd() === tokenLabel);
}

/**
 * Opens a read/write session on the token labelled `tokenLabel` and logs the user in
 * (C_OpenSession, C_Login with CKU_USER). Throws AppError SIGNING_TOKEN_MODULE_UNAVAILABLE,
 * SIGNING_TOKEN_NOT_FOUND, SIGNING_TOKEN_PIN_INCORRECT or SIGNING_TOKEN_PIN_LOCKED.
 */
export function openTokenSession(options: TokenOptions): TokenSession {
  const entry = loadModule(options.modulePath);
  entry.sessions += 1;
  const { module } = entry;
  let handle: Pkcs11Js.Handle | undefined;
  try {
    const slot = findSlot(module, options.tokenLabel);
    if (slot === undefined) throw tokenError('SIGNING_TOKEN_NOT_FOUND', `No token labelled '${options.tokenLabel}'.`);
    handle = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    const slotKey = slot.toString('hex');
    login(module, handle, slotKey, entry.logins, options.pin);
    let open = true;
    const session = handle;
    return {
      module,
      handle: session,
      slot,
      tokenLabel: options.tokenLabel,
      close() {
        if (!open) return;
        open = false;
        try {
          module.C_CloseSession(session);
        } finally {
          const l = entry.logins.get(slotKey);
          if (l && --l.sessions === 0) entry.logins.delete(slotKey);
          release(options.modulePath, entry);
        }
      },
    };
  } catch (error) {
    if (handle !== undefined) module.C_CloseSession(handle);
    release(options.modulePath, entry);
    throw toTokenError(error, `token '${options.tokenLabel}'`);
  }
}

// Login state is per application and token: a second session of this process is already
// logged in (CKR_USER_ALREADY_LOGGED_IN) and C_Login would not check its PIN, so that
// PIN is compared with the one the token accepted.
function login(
  module: Pkcs11Js.PKCS11,
  session: Pkcs11Js.Handle,
  slotKey: string,
  logins: LoadedModule['logins'],
  pin: string,
): void {
  const tag = pinTag(pin);
  try {
    module.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    if (ckrName(error) !== 'CKR_USER_ALREADY_LOGGED_IN') throw toTokenError(error, 'C_Login');
    const current = logins.get(slotKey);
    if (current?.pin !== tag)
      throw tokenError('SIGNING_TOKEN_PIN_INCORRECT', 'C_Login: not the PIN this token is logged in with.');
    current.sessions += 1;
    return;
  }
  logins.set(slotKey, { pin: tag, sessions: 1 });
}
