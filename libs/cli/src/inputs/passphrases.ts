import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { passphraseFromEnv } from './private-key.ts';

/** Passphrases of a command that writes a key and may read an issuer key. */
export interface Passphrases {
  /** Encrypts the key written (at least 16 characters). */
  readonly newKey?: string;
  /** Decrypts the issuer key. */
  readonly issuerKey?: string;
}

/**
 * Resolves --passphrase-env VAR (encrypts the key written and, unless
 * --issuer-passphrase-env names another variable, decrypts the issuer key).
 * These two options are the only way the CLI reads the environment.
 */
export function resolvePassphrases(
  io: CliIo,
  values: { readonly 'passphrase-env'?: string; readonly 'issuer-passphrase-env'?: string },
  writesKey: boolean,
): Passphrases {
  const own = values['passphrase-env'];
  const issuer = values['issuer-passphrase-env'];
  const out: { newKey?: string; issuerKey?: string } = {};
  if (own !== undefined) {
    if (writesKey) out.newKey = passphraseFromEnv(io, 'passphrase-env', own, 16);
    else out.issuerKey = passphraseFromEnv(io, 'passphrase-env', own);
  }
  if (issuer !== undefined) out.issuerKey = passphraseFromEnv(io, 'issuer-passphrase-env', issuer);
  else if (writesKey && own !== undefined) out.issuerKey = out.newKey;
  return out;
}

/** Both --issuer-cert and --issuer-key, or neither. */
export function issuerPair(
  command: string,
  cert: string | undefined,
  key: string | undefined,
): { cert: string; key: string } | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined)
    throw new CliError(
      'USAGE',
      `${command}: --issuer-cert and --issuer-key go together. Run 'lienthong ${command} --help'.`,
    );
  return { cert, key };
}
