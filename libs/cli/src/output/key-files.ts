import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { encryptPrivateKey, exportPrivateKey, toPem, type Certificate } from '@lienthong/pki';
import { assertWritable, writeOutput } from '../inputs/files.ts';
import type { CliIo } from '../io.ts';
import { describeCertificate } from './certificate-summary.ts';

/** The paths `pki ca` and `pki issue` write in their --out folder. */
export function keyPairPaths(dir: string): { readonly cert: string; readonly key: string } {
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/** Refuses to run when cert.pem or key.pem exists in `dir` (unless `force`), before any key is generated. */
export function assertKeyPairWritable(io: CliIo, dir: string, force: boolean): void {
  const paths = keyPairPaths(dir);
  assertWritable(io, [paths.cert, paths.key], force);
}

/**
 * Writes DIR/cert.pem and DIR/key.pem: the key as PKCS#8 (RFC 5958), encrypted
 * with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC; RFC 8018) when a passphrase is
 * given, file mode 0600. Prints what was written; never the key.
 */
export function writeKeyPair(
  io: CliIo,
  dir: string,
  certificate: Certificate,
  privateKey: KeyObject,
  passphrase: string | undefined,
): void {
  const paths = keyPairPaths(dir);
  const keyPem =
    passphrase === undefined
      ? toPem('PRIVATE KEY', exportPrivateKey(privateKey))
      : toPem('ENCRYPTED PRIVATE KEY', encryptPrivateKey(privateKey, passphrase));
  writeOutput(io, paths.key, keyPem, true);
  writeOutput(io, paths.cert, toPem('CERTIFICATE', certificate.der));
  io.stdout(`wrote ${paths.cert}: ${describeCertificate(certificate)}\n`);
  io.stdout(
    `wrote ${paths.key}: PKCS#8 private key, ${passphrase === undefined ? 'NOT encrypted (give --passphrase-env VAR to encrypt it)' : 'encrypted (PBES2, AES-256-CBC)'}\n`,
  );
}
