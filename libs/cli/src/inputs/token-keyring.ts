/**
 * The key folder of `lienthong token keys`: the private keys of one token issuer (the
 * deployment's access tokens, or a service's own tokens to signing), one PKCS#8 PEM per key
 * id (mode 0600), `keyring.json` saying which key is current and when each was made and
 * superseded, and `jwks.json`, the public JWK set (RFC 7517 §5) of every kept key, to deploy
 * as the verifying services' JWKS variable. Nothing else may be in the folder: a stray or
 * damaged file is refused (KEYRING_INVALID) rather than guessed about.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultMaxLifetimeSeconds, parseJwks } from '@lienthong/service/access-token';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/** Whose tokens the keys sign, and where their public and private halves are deployed. */
export interface KeyPurpose {
  /** The variable of the verifying service that takes `jwks.json`. */
  jwksVariable: string;
  /** Who verifies: the services of the deployment, or signing. */
  verifiers: string;
  /** The longest lifetime a token of these keys may have, in seconds (the verifier's limit). */
  maxLifetimeSeconds: number;
  /** Where the current private key goes: `token issue --keys`, or a service's variables. */
  privateKeyUse: string;
}

/** The purposes a key folder may serve (`--purpose`). */
export const keyPurposes: Readonly<Record<string, KeyPurpose>> = {
  auth: {
    jwksVariable: 'LIENTHONG_AUTH_JWKS',
    verifiers: 'every service',
    maxLifetimeSeconds: defaultMaxLifetimeSeconds,
    privateKeyUse: "'lienthong token issue --keys DIR' signs with the current key",
  },
  evidence: {
    jwksVariable: 'LIENTHONG_SIGNING_EVIDENCE_JWKS',
    verifiers: 'signing',
    maxLifetimeSeconds: 600,
    privateKeyUse:
      'delivery: LIENTHONG_DELIVERY_EVIDENCE_KEY=$(cat DIR/KID.pem) LIENTHONG_DELIVERY_EVIDENCE_KEY_ID=KID',
  },
  archive: {
    jwksVariable: 'LIENTHONG_SIGNING_ARCHIVE_JWKS',
    verifiers: 'signing',
    maxLifetimeSeconds: 600,
    privateKeyUse: 'archive: LIENTHONG_ARCHIVE_SERVICE_KEY=$(cat DIR/KID.pem) LIENTHONG_ARCHIVE_SERVICE_KEY_ID=KID',
  },
};

/** One key of the folder, as `keyring.json` records it. */
export interface KeyEntry {
  kid: string;
  /** When it was made (ISO 8601). */
  created: string;
  /** When another key became current (ISO 8601); null for the current key. */
  superseded: string | null;
}

/** The folder's state. */
export interface Keyring {
  version: 1;
  purpose: string;
  current: string;
  keys: KeyEntry[];
}

/** `keyring.json` and `jwks.json`: every other name of the folder is a key's `KID.pem`. */
export const keyringFile = 'keyring.json';
export const jwksFile = 'jwks.json';

/** The most keys a folder keeps: libs/service's `parseJwks` takes at most 32. */
export const maxKeys = 32;

const kidPattern = /^[a-z]+-\d{8}T\d{6}Z-[A-Za-z0-9_-]{8}$/;
const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

function invalid(dir: string, what: string): never {
  throw new CliError('KEYRING_INVALID', `${dir}: ${what}`);
}

/** A new Ed25519 key and its id: purpose, UTC time, the start of its RFC 7638 thumbprint. */
export function newKey(purpose: string, now: Date): { kid: string; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { crv, kty, x } = publicKey.export({ format: 'jwk' });
  const thumbprint = createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { kid: `${purpose}-${stamp}-${thumbprint.slice(0, 8)}`, privateKey };
}

/** The public JWK set of `keys` (each with its kid, `alg` and `use`), as one line of JSON. */
export function jwksOf(keys: ReadonlyArray<{ kid: string; privateKey: KeyObject }>): string {
  return JSON.stringify({
    keys: keys.map(({ kid, privateKey }) => ({
      ...createPublicKey(privateKey).export({ format: 'jwk' }),
      kid,
      alg: 'EdDSA',
      use: 'sig',
    })),
  });
}

function readState(dir: string, full: string): Keyring {
  let text: string;
  try {
    text = readFileSync(join(full, keyringFile), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT')
      invalid(dir, `no ${keyringFile}: not a key folder (make one with 'lienthong token keys init --dir ${dir}').`);
    invalid(dir, `${keyringFile} cannot be read.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    invalid(dir, `${keyringFile} is not JSON.`);
  }
  const state = value as Partial<Keyring> | null;
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    invalid(dir, `${keyringFile} is not an object.`);
  const unknown = Object.keys(state).find((k) => !['version', 'purpose', 'current', 'keys'].includes(k));
  if (unknown !== undefined) invalid(dir, `${keyringFile} has an unknown field ${JSON.stringify(unknown)}.`);
  if (state.version !== 1) invalid(dir, `${keyringFile}: "version" is not 1.`);
  if (typeof state.purpose !== 'string' || keyPurposes[state.purpose] === undefined)
    invalid(dir, `${keyringFile}: "purpose" is not one of ${Object.keys(keyPurposes).join(', ')}.`);
  if (!Array.isArray(state.keys) || state.keys.length === 0 || state.keys.length > maxKeys)
    invalid(dir, `${keyringFile}: "keys" is not a list of 1 to ${String(maxKeys)} keys.`);
  const keys = state.keys.map((entry: unknown, index) => {
    const e = entry as Partial<KeyEntry> | null;
    const where = `${keyringFile}: keys[${String(index)}]`;
    if (
      typeof e !== 'object' ||
      e === null ||
      Object.keys(e).some((k) => !['kid', 'created', 'superseded'].includes(k))
    )
      invalid(dir, `${where} is not { "kid", "created", "superseded" }.`);
    if (typeof e.kid !== 'string' || !kidPattern.test(e.kid)) invalid(dir, `${where} has a bad "kid".`);
    if (typeof e.created !== 'string' || !isoPattern.test(e.created) || Number.isNaN(Date.parse(e.created)))
      invalid(dir, `${where} has a bad "created" time.`);
    if (e.superseded !== null && (typeof e.superseded !== 'string' || !isoPattern.test(e.superseded)))
      invalid(dir, `${where} has a bad "superseded" time.`);
    return { kid: e.kid, created: e.created, superseded: e.superseded ?? null };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) invalid(dir, `${keyringFile} names a key twice.`);
  const current = keys.find((k) => k.kid === state.current);
  if (current === undefined) invalid(dir, `${keyringFile}: "current" is not one of its keys.`);
  if (current.superseded !== null) invalid(dir, `${keyringFile}: the current key is marked superseded.`);
  if (keys.some((k) => k !== current && k.superseded === null))
    invalid(dir, `${keyringFile}: a key that is not current is not marked superseded.`);
  return { version: 1, purpose: state.purpose, current: current.kid, keys };
}

function readKey(dir: string, full: string, kid: string): KeyObject {
  const file = join(full, `${kid}.pem`);
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    invalid(dir, `${kid}.pem is missing (${keyringFile} names it).`);
  }
  if (!stat.isFile()) invalid(dir, `${kid}.pem is not a regular file.`);
  if ((stat.mode & 0o077) !== 0)
    invalid(dir, `${kid}.pem may be read by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it.`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch {
    invalid(dir, `${kid}.pem is not a readable private key.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') invalid(dir, `${kid}.pem is not an Ed25519 key.`);
  return key;
}

/** A loaded key folder: its state and its keys, in the order `keyring.json` lists them. */
export interface LoadedKeyring {
  dir: string;
  full: string;
  state: Keyring;
  keys: Array<{ kid: string; privateKey: KeyObject }>;
}

/**
 * Reads and checks the key folder `dir`: `keyring.json`, every key it names (a regular file,
 * mode 0600 or stricter, an Ed25519 private key), `jwks.json` (the public keys of exactly
 * those keys), and no other entry. Throws KEYRING_INVALID naming what is wrong.
 */
export function loadKeyring(io: CliIo, dir: string): LoadedKeyring {
  const full = resolve(io.cwd, dir);
  let entries: string[];
  try {
    if (!lstatSync(full).isDirectory()) invalid(dir, 'is not a folder.');
    entries = readdirSync(full);
  } catch (e) {
    if (e instanceof CliError) throw e;
    invalid(dir, `cannot be read (${(e as { code?: string }).code ?? 'error'}).`);
  }
  const state = readState(dir, full);
  const expected = new Set([keyringFile, jwksFile, ...state.keys.map((k) => `${k.kid}.pem`)]);
  const foreign = entries.find((name) => !expected.has(name));
  if (foreign !== undefined)
    invalid(dir, `${JSON.stringify(foreign)} is not one of its keys or files (${keyringFile} does not name it).`);
  const keys = state.keys.map((entry) => ({ kid: entry.kid, privateKey: readKey(dir, full, entry.kid) }));
  let jwks: string;
  try {
    jwks = readFileSync(join(full, jwksFile), 'utf8');
    parseJwks(jwks);
  } catch {
    invalid(dir, `${jwksFile} is missing or not a JWK set.`);
  }
  if (jwks.trim() !== jwksOf(keys)) invalid(dir, `${jwksFile} does not hold the public keys of the folder's keys.`);
  return { dir, full, state, keys };
}

function writeAtomically(dir: string, file: string, data: string, mode: number): void {
  const temporary = `${file}.tmp-${String(process.pid)}`;
  try {
    writeFileSync(temporary, data, { mode, flag: 'wx' });
    renameSync(temporary, file);
  } catch (e) {
    throw new CliError('OUTPUT_NOT_WRITABLE', `${dir}: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
}

/** Makes the folder (0700) if needed; it must be empty. */
export function createKeyFolder(io: CliIo, dir: string): string {
  const full = resolve(io.cwd, dir);
  try {
    mkdirSync(full, { recursive: true, mode: 0o700 });
    if (readdirSync(full).length > 0)
      throw new CliError('OUTPUT_EXISTS', `${dir} is not empty; 'init' makes a new key folder (use 'rotate' on one).`);
    chmodSync(full, 0o700);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('OUTPUT_NOT_WRITABLE', `${dir}: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
  return full;
}

/** Writes a new private key (0600, never replacing a file). */
export function writeKey(dir: string, full: string, kid: string, privateKey: KeyObject): void {
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    writeFileSync(join(full, `${kid}.pem`), pem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new CliError('OUTPUT_NOT_WRITABLE', `${dir}: ${kid}.pem: ${e instanceof Error ? e.message : String(e)}.`, {
      cause: e,
    });
  }
}

/**
 * Writes `jwks.json` then `keyring.json` (each replaced whole), then removes the key files
 * of `removed`: the state names a key only while its file exists.
 */
export function saveKeyring(
  dir: string,
  full: string,
  state: Keyring,
  keys: ReadonlyArray<{ kid: string; privateKey: KeyObject }>,
  removed: readonly string[] = [],
): void {
  writeAtomically(dir, join(full, jwksFile), `${jwksOf(keys)}\n`, 0o644);
  writeAtomically(dir, join(full, keyringFile), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  for (const kid of removed) {
    try {
      unlinkSync(join(full, `${kid}.pem`));
    } catch (e) {
      throw new CliError('OUTPUT_NOT_WRITABLE', `${dir}: ${kid}.pem could not be removed: ${String(e)}.`, {
        cause: e,
      });
    }
  }
}
