import type { KeyObject } from 'node:crypto';
import { keyMatchesSpki, keySigner, type Certificate, type Signer } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readCertificatesFile } from './certificates.ts';
import { readPrivateKeyFile } from './private-key.ts';

/** A CA that signs: its certificate and an in-process signer for its key. */
export interface LoadedIssuer {
  readonly certificate: Certificate;
  readonly signer: Signer;
  readonly privateKey: KeyObject;
}

/** Loads the issuer certificate (first of the file) and its key, and checks that they form a pair. */
export function loadIssuer(io: CliIo, certPath: string, keyPath: string, passphrase: string | undefined): LoadedIssuer {
  const [certificate] = readCertificatesFile(io, certPath);
  const privateKey = readPrivateKeyFile(io, keyPath, passphrase);
  if (!keyMatchesSpki(privateKey, certificate!.spki))
    throw new CliError('KEY_MISMATCH', `${keyPath} is not the key of the certificate in ${certPath}.`);
  return { certificate: certificate!, privateKey, signer: keySigner(privateKey) };
}
