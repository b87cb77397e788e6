import type { KeyObject } from 'node:crypto';
import { importPkcs12, keyMatchesSpki, keySigner, type Certificate, type Signer } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readCertificateFiles, readCertificatesFile } from './certificates.ts';
import { isPemText, readInput } from './files.ts';
import { passphraseFromEnv, readPrivateKeyFile } from './private-key.ts';

/** A signer's key with its certificate and the issuing CAs to put in the CMS. */
export interface SigningIdentity {
  readonly signer: Signer;
  readonly privateKey: KeyObject;
  readonly certificate: Certificate;
  readonly chain: readonly Certificate[];
}

/** What a command was given to find a signing key: --key, --cert, --chain, --passphrase-env (or their --tsa-… twins). */
export interface SigningKeyOptions {
  readonly key: string;
  readonly cert?: string;
  readonly chain?: readonly string[];
  /** The environment variable holding the key's passphrase or the PKCS#12 password. */
  readonly passphraseEnv?: string;
  /** The option names, for messages (`key`, `cert`, `passphrase-env`, or `tsa-key`, …). */
  readonly names: { readonly key: string; readonly cert: string; readonly passphraseEnv: string };
}

/**
 * True when DER bytes look like a PFX (RFC 7292 §4): SEQUENCE { INTEGER 3, … },
 * where a PKCS#8 PrivateKeyInfo starts with version 0 or 1 and an
 * EncryptedPrivateKeyInfo with a SEQUENCE.
 */
export function isPkcs12(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30 || bytes.length < 5) return false;
  const first = bytes[1]!;
  const at = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return bytes[at] === 0x02 && bytes[at + 1] === 0x01 && bytes[at + 2] === 0x03;
}

function readPkcs12(
  io: CliIo,
  path: string,
  bytes: Uint8Array,
  password: string | undefined,
): { privateKey: KeyObject; certificate: Certificate; chain: readonly Certificate[] } {
  if (password === undefined)
    throw new CliError(
      'PASSPHRASE_MISSING',
      `${path}: a PKCS#12 file needs its password; name the variable holding it with --passphrase-env.`,
    );
  try {
    return importPkcs12(bytes, password);
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    const text = `${e instanceof Error ? e.message : ''} ${cause instanceof Error ? cause.message : ''}`;
    if (/password|MAC could not be verified|decrypt/i.test(text))
      throw new CliError('KEY_DECRYPTION_FAILED', `${path}: the PKCS#12 file did not open with the password given.`, {
        cause: e,
      });
    throw new CliError('BAD_PRIVATE_KEY', `${path}: not a readable PKCS#12 file with a key and its certificate.`, {
      cause: e,
    });
  }
}

/**
 * Loads a signing key: PKCS#8 PEM or DER (encrypted or not), or PKCS#12
 * (RFC 7292; the certificate and chain then come from the file unless --cert
 * is given). The certificate file may be a bundle: the first certificate is
 * the signer's, the others join the chain. The key must match the certificate.
 */
export function loadSigningIdentity(io: CliIo, options: SigningKeyOptions): SigningIdentity {
  const { names } = options;
  const passphrase =
    options.passphraseEnv === undefined ? undefined : passphraseFromEnv(io, names.passphraseEnv, options.passphraseEnv);
  const bytes = readInput(io, options.key);
  const extra = readCertificateFiles(io, options.chain);
  let privateKey: KeyObject;
  let certificate: Certificate | undefined;
  let chain: Certificate[] = [];
  if (!isPemText(bytes) && isPkcs12(bytes)) {
    const p12 = readPkcs12(io, options.key, bytes, passphrase);
    privateKey = p12.privateKey;
    certificate = p12.certificate;
    chain = [...p12.chain];
  } else {
    privateKey = readPrivateKeyFile(io, options.key, passphrase);
  }
  if (options.cert !== undefined) {
    const [first, ...rest] = readCertificatesFile(io, options.cert);
    certificate = first!;
    chain = rest;
  }
  if (certificate === undefined)
    throw new CliError('USAGE', `--${names.cert} is required unless --${names.key} is a PKCS#12 file.`);
  if (!keyMatchesSpki(privateKey, certificate.spki))
    throw new CliError(
      'KEY_MISMATCH',
      `${options.key} is not the key of the certificate${options.cert === undefined ? '' : ` in ${options.cert}`} (${certificate.serialHex}).`,
    );
  const seen = new Set([certificate.fingerprint]);
  const all = [...chain, ...extra].filter((c) => !seen.has(c.fingerprint) && seen.add(c.fingerprint) !== undefined);
  return { signer: keySigner(privateKey), privateKey, certificate, chain: all };
}
