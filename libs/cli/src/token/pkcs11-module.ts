/**
 * The signer's PKCS#11 module (PKCS#11 v2.40 base specification): a USB token's library
 * (VGCA, Bkav, SafeNet … or SoftHSM2) loaded for one command, its slots listed, the token
 * chosen by label or slot id, a session opened and, with a PIN, logged in as the user. The
 * CKR_ values the token answers are mapped to the tool's codes once, here; the PIN is never
 * part of a message, and the native error (whose stack may hold call arguments) is not kept.
 */
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { CliError, type CliErrorCode } from '../errors.ts';

let binding: typeof Pkcs11Js | undefined;

/**
 * The pkcs11js binding (a CommonJS native addon: loaded with require), loaded on first use
 * so that the commands without a token never load it.
 */
export function pkcs11(): typeof Pkcs11Js {
  binding ??= createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Js;
  return binding;
}

/** The CKR_ name of a pkcs11js error (its message starts with it), or undefined. */
export function ckrName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /^(CKR_[A-Z0-9_]+)/.exec(error.message)?.[1];
}

const BY_CKR: Readonly<Record<string, CliErrorCode>> = {
  CKR_PIN_INCORRECT: 'TOKEN_PIN_INCORRECT',
  CKR_PIN_LEN_RANGE: 'TOKEN_PIN_INCORRECT',
  CKR_PIN_INVALID: 'TOKEN_PIN_INCORRECT',
  CKR_PIN_LOCKED: 'TOKEN_PIN_LOCKED',
  CKR_TOKEN_NOT_PRESENT: 'TOKEN_NOT_FOUND',
  CKR_DEVICE_REMOVED: 'TOKEN_NOT_FOUND',
  CKR_SLOT_ID_INVALID: 'TOKEN_NOT_FOUND',
  CKR_KEY_TYPE_INCONSISTENT: 'TOKEN_KEY_UNSUITABLE',
  CKR_KEY_FUNCTION_NOT_PERMITTED: 'TOKEN_KEY_UNSUITABLE',
  CKR_MECHANISM_INVALID: 'TOKEN_KEY_UNSUITABLE',
};

/** Anything a PKCS#11 call threw as a CliError of the TOKEN_ codes; `operation` names the step. */
export function tokenFailure(error: unknown, operation: string): CliError {
  if (error instanceof CliError) return error;
  const ckr = ckrName(error);
  const code = ckr === undefined ? 'TOKEN_FAILED' : (BY_CKR[ckr] ?? 'TOKEN_FAILED');
  return new CliError(code, `${operation}: ${ckr ?? (error instanceof Error ? error.message : String(error))}.`);
}

/** A loaded, initialised module; `close` finalises and unloads it. */
export interface TokenModule {
  readonly module: Pkcs11Js.PKCS11;
  readonly path: string;
  close(): void;
}

/** Loads the module at `path` and initialises it (C_Initialize); TOKEN_MODULE_UNAVAILABLE when it is not one. */
export function loadTokenModule(path: string): TokenModule {
  const { PKCS11 } = pkcs11();
  const module = new PKCS11();
  try {
    module.load(path);
    module.C_Initialize();
  } catch (error) {
    try {
      module.close();
    } catch {
      // the library was never loaded
    }
    const reason = ckrName(error) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    throw new CliError('TOKEN_MODULE_UNAVAILABLE', `--token-module ${path}: ${reason}.`);
  }
  let open = true;
  return {
    module,
    path,
    close() {
      if (!open) return;
      open = false;
      try {
        module.C_Finalize();
      } finally {
        module.close();
      }
    },
  };
}

/** Runs `body` with the module at `path` loaded, and finalises it after. */
export async function withTokenModule<T>(path: string, body: (m: TokenModule) => Promise<T> | T): Promise<T> {
  const m = loadTokenModule(path);
  try {
    return await body(m);
  } finally {
    m.close();
  }
}

// CK_ULONG in host byte order (little-endian on the platforms Node supports for this addon).
export function ulong(value: Buffer): number {
  return value.length === 8 ? Number(value.readBigUInt64LE()) : value.readUInt32LE();
}

/** A slot and the token in it (CK_SLOT_INFO, CK_TOKEN_INFO; labels without their blank padding). */
export interface TokenSlot {
  readonly handle: Buffer;
  /** CK_SLOT_ID, in decimal: what --token-slot names. */
  readonly id: string;
  readonly description: string;
  readonly token?: {
    readonly label: string;
    readonly manufacturer: string;
    readonly model: string;
    readonly serial: string;
    readonly initialized: boolean;
  };
}

/** Every slot of the module, with its token when one is present. */
export function listSlots(m: TokenModule): TokenSlot[] {
  try {
    const present = new Set(m.module.C_GetSlotList(true).map((h) => h.toString('hex')));
    return m.module.C_GetSlotList(false).map((handle) => {
      const slot = m.module.C_GetSlotInfo(handle);
      const id = String(ulong(handle));
      const description = slot.slotDescription.trimEnd();
      if (!present.has(handle.toString('hex'))) return { handle, id, description };
      const info = m.module.C_GetTokenInfo(handle);
      return {
        handle,
        id,
        description,
        token: {
          label: info.label.trimEnd(),
          manufacturer: info.manufacturerID.trimEnd(),
          model: info.model.trimEnd(),
          serial: info.serialNumber.trimEnd(),
          initialized: (info.flags & pkcs11().CKF_TOKEN_INITIALIZED) !== 0,
        },
      };
    });
  } catch (error) {
    throw tokenFailure(error, 'C_GetSlotList');
  }
}

/** Which token: its label, or its slot id; neither is the only initialised token present. */
export interface TokenChoice {
  readonly tokenLabel?: string;
  readonly tokenSlot?: string;
}

/** The slot of the token chosen; TOKEN_NOT_FOUND when none matches, or when several could and none was named. */
export function chooseSlot(m: TokenModule, choice: TokenChoice): TokenSlot {
  const present = listSlots(m).filter((s) => s.token?.initialized === true);
  if (choice.tokenLabel !== undefined) {
    const slot = present.find((s) => s.token!.label === choice.tokenLabel);
    if (slot === undefined)
      throw new CliError(
        'TOKEN_NOT_FOUND',
        `no token labelled '${choice.tokenLabel}' in ${m.path} (present: ${present.map((s) => `'${s.token!.label}'`).join(', ') || 'none'}).`,
      );
    return slot;
  }
  if (choice.tokenSlot !== undefined) {
    const slot = present.find((s) => s.id === choice.tokenSlot);
    if (slot === undefined) throw new CliError('TOKEN_NOT_FOUND', `no initialised token in slot ${choice.tokenSlot}.`);
    return slot;
  }
  if (present.length === 1) return present[0]!;
  throw new CliError(
    'TOKEN_NOT_FOUND',
    present.length === 0
      ? `no initialised token in ${m.path}: is it plugged in?`
      : `${present.length} tokens in ${m.path}: name one with --token-label or --token-slot ('lienthong token list').`,
  );
}

/** An open session on a token; `close` ends it (logging out). */
export interface TokenSession {
  readonly module: Pkcs11Js.PKCS11;
  readonly handle: Buffer;
  readonly tokenLabel: string;
  close(): void;
}

/**
 * Opens a session on `slot` (read/write when `rw`) and, with a PIN, logs the user in
 * (C_Login CKU_USER): TOKEN_PIN_INCORRECT, TOKEN_PIN_LOCKED or TOKEN_FAILED when refused.
 */
export function openSession(m: TokenModule, slot: TokenSlot, options: { pin?: string; rw?: boolean }): TokenSession {
  const label = slot.token?.label ?? slot.id;
  let handle: Buffer;
  try {
    handle = m.module.C_OpenSession(
      slot.handle,
      pkcs11().CKF_SERIAL_SESSION | (options.rw === true ? pkcs11().CKF_RW_SESSION : 0),
    );
  } catch (error) {
    throw tokenFailure(error, `open a session on token '${label}'`);
  }
  const close = () => {
    try {
      m.module.C_CloseSession(handle);
    } catch {
      // the module is finalised right after; nothing more to release
    }
  };
  if (options.pin !== undefined) {
    try {
      m.module.C_Login(handle, pkcs11().CKU_USER, options.pin);
    } catch (error) {
      if (ckrName(error) !== 'CKR_USER_ALREADY_LOGGED_IN') {
        close();
        throw tokenFailure(error, `log in to token '${label}'`);
      }
    }
  }
  return { module: m.module, handle, tokenLabel: label, close };
}
