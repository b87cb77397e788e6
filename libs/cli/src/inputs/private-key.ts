import { createPrivateKey, type KeyObject } from 'node:crypto';
import { decryptPrivateKey, fromPem, readPrivateKey } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { isPemText, readInput } from './files.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The passphrase held in the environment variable `name` (named with
 * --passphrase-env; never given on the command line). `minLength` 16 is what
 * encryptPrivateKey asks for a key-encryption passphrase.
 */
export function passphraseFromEnv(io: CliIo, option: string, name: string, minLength = 1): string {
  if (!ENV_NAME.test(name))
    throw new CliError('USAGE', `--${option} ${name}: expected the name of an environment variable.`);
  const value = io.env[name];
  if (value === undefined || value === '')
    throw new CliError('PASSPHRASE_MISSING', `--${option}: the environment variable ${name} is unset or empty.`);
  if (value.length < minLength)
    throw new CliError(
      'PASSPHRASE_MISSING',
      `--${option}: the passphrase in ${name} is shorter than ${minLength} characters.`,
    );
  return value;
}

function decrypt(path: string, der: Uint8Array, passphrase: string | undefined): KeyObject {
  if (passphrase === undefined)
    throw new CliError(
      'PASSPHRASE_MISSING',
      `${path}: the key is encrypted; name the variable holding its passphrase with --passphrase-env.`,
    );
  try {
    return decryptPrivateKey(der, passphrase);
  } catch (e) {
    throw new CliError('KEY_DECRYPTION_FAILED', `${path}: the key did not decrypt with the passphrase given.`, {
      cause: e,
    });
  }
}

/**
 * Reads a private key: PKCS#8 (RFC 5958) PEM "PRIVATE KEY" or "ENCRYPTED
 * PRIVATE KEY" (PBES2, as `pki ca` writes it), legacy "RSA/EC PRIVATE KEY"
 * PEM, or PKCS#8 DER. The key is never printed.
 */
export function readPrivateKeyFile(io: CliIo, path: string, passphrase: string | undefined): KeyObject {
  const bytes = readInput(io, path);
  try {
    if (isPemText(bytes)) {
      const text = Buffer.from(bytes).toString('latin1');
      const blocks = fromPem(text);
      const encrypted = blocks.find((b) => b.label === 'ENCRYPTED PRIVATE KEY');
      if (encrypted !== undefined) return decrypt(path, encrypted.der, passphrase);
      const plain = blocks.find((b) => b.label === 'PRIVATE KEY');
      if (plain !== undefined) return readPrivateKey(plain.der);
      if (blocks.some((b) => b.label === 'RSA PRIVATE KEY' || b.label === 'EC PRIVATE KEY'))
        return createPrivateKey({ key: text, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
      throw new CliError('BAD_PRIVATE_KEY', `${path}: no PEM block PRIVATE KEY or ENCRYPTED PRIVATE KEY.`);
    }
    try {
      return readPrivateKey(bytes);
    } catch {
      if (passphrase === undefined)
        throw new CliError(
          'BAD_PRIVATE_KEY',
          `${path}: not an unencrypted PKCS#8 private key (for an encrypted one, name its passphrase variable with --passphrase-env).`,
        );
      return decrypt(path, bytes, passphrase);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('BAD_PRIVATE_KEY', `${path}: not a readable private key.`, { cause: e });
  }
}
