/**
 * The secrets of a suite started by `startSuite` (suite.ts), kept in its data folder, each
 * made once and written 0600: the signing service's key-encryption passphrase, the embedded
 * access-token issuer's key, and delivery's and the archive's own token keys. None is ever printed.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A secret kept in the data folder: read it, or make it and write it there (0600) on the first start. */
export async function keptSecret(
  file: string,
  make: () => string,
  isValid: (kept: string) => boolean,
): Promise<string> {
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (isValid(kept)) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 'wx': two starts at once do not overwrite each other's secret.
  await writeFile(file, `${make()}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}

/** The suite's secrets (PKCS#8 PEM keys and the KEK). */
export interface SuiteSecrets {
  signingKek: string;
  /** The embedded token issuer: an Ed25519 key whose public half the services trust. */
  issuerKey: string;
  /** Delivery's own key for sealing evidence through signing (services/delivery README, "Evidence"). */
  evidenceKey: string;
  /** The archive's own key for asking signing for validation reports (services/archive README, "Ingest"). */
  archiveKey: string;
}

const ed25519Pem = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim();
const isPem = (kept: string): boolean => kept.startsWith('-----BEGIN PRIVATE KEY-----');

/** Reads the secrets kept in `dataDir`, making those missing. */
export async function suiteSecrets(dataDir: string): Promise<SuiteSecrets> {
  return {
    signingKek: await keptSecret(
      join(dataDir, 'signing.kek'),
      () => randomBytes(32).toString('base64url'),
      (kept) => kept.length >= 32,
    ),
    issuerKey: await keptSecret(join(dataDir, 'auth-issuer.pem'), ed25519Pem, isPem),
    evidenceKey: await keptSecret(join(dataDir, 'delivery-evidence.pem'), ed25519Pem, isPem),
    archiveKey: await keptSecret(join(dataDir, 'archive-service.pem'), ed25519Pem, isPem),
  };
}
