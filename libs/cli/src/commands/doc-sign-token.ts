/**
 * `lienthong doc sign ID --token-module LIB.so …`: the two steps of a USB token's signature
 * (doc-sign-two-step.ts) done in one command by talking to the token itself (PKCS#11,
 * src/token/): log in, take the key's certificate from the token (or --certificate),
 * have intake prepare the signature, sign its signedAttributes on the token, send the value.
 * The login comes first, so a wrong PIN is answered before intake opens a session.
 */
import type { Certificate, SigningAlgorithm } from '@lienthong/pki';
import type { ClientConfig } from '../client/client-config.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readCertificateFiles, readCertificatesFile } from '../inputs/certificates.ts';
import { chooseSlot, openSession, withTokenModule, type TokenChoice } from '../token/pkcs11-module.ts';
import { certificateOf, findPrivateKey, publicKeyOf, type TokenKeyRef } from '../token/token-objects.ts';
import { tokenSigner } from '../token/token-signer.ts';
import { requestCompletion, requestPreparation, type BlockOptions } from './doc-sign-two-step.ts';

/** Where the token is, which key, its PIN, and the certificate files when the token holds none. */
export interface TokenSigning {
  modulePath: string;
  token: TokenChoice;
  key: TokenKeyRef;
  pin: string;
  certificate?: string;
  chain?: readonly string[];
}

const SIGNING_ALGORITHMS: readonly string[] = [
  'RSA-SHA256',
  'RSA-SHA384',
  'RSA-SHA512',
  'ECDSA-SHA256',
  'ECDSA-SHA384',
];

/** The certificate (and its CAs) of the files given, or undefined when none was given. */
function certificateFiles(
  io: CliIo,
  signing: TokenSigning,
): { certificate: Certificate; chain: Certificate[] } | undefined {
  if (signing.certificate === undefined) return undefined;
  const [certificate, ...bundled] = readCertificatesFile(io, signing.certificate);
  if (certificate === undefined)
    throw new CliError('BAD_CERTIFICATE', `${signing.certificate}: no certificate in the file.`);
  return { certificate, chain: [...bundled, ...readCertificateFiles(io, signing.chain)] };
}

/** Signs document `id` with the token key; prints `ID signed` (or the document as JSON). */
export async function signWithToken(
  io: CliIo,
  config: ClientConfig,
  id: string,
  signing: TokenSigning,
  block: BlockOptions,
  json: boolean,
): Promise<number> {
  const files = certificateFiles(io, signing);
  return withTokenModule(signing.modulePath, async (m) => {
    const session = openSession(m, chooseSlot(m, signing.token), { pin: signing.pin });
    try {
      const key = findPrivateKey(session, signing.key);
      const spki = publicKeyOf(session, key);
      const signer = files ?? certificateOf(session, key, spki);
      if (signer === undefined)
        throw new CliError(
          'TOKEN_KEY_NOT_FOUND',
          `no certificate of key '${key.label}' on token '${session.tokenLabel}': give it with --certificate FILE.`,
        );
      if (spki !== undefined && !Buffer.from(signer.certificate.spki).equals(Buffer.from(spki)))
        throw new CliError(
          'KEY_MISMATCH',
          `${signing.certificate ?? 'the certificate on the token'} does not hold the public key of '${key.label}'.`,
        );
      if (signing.chain !== undefined && files === undefined)
        signer.chain.splice(0, signer.chain.length, ...readCertificateFiles(io, signing.chain));
      const prepared = await requestPreparation(io, config, id, signer, block);
      if (!SIGNING_ALGORITHMS.includes(prepared.algorithm))
        throw new CliError(
          'TOKEN_KEY_UNSUITABLE',
          `intake asks for ${prepared.algorithm}, which this tool does not sign on a token.`,
        );
      const value = await tokenSigner(session, key, prepared.algorithm as SigningAlgorithm).sign(
        Buffer.from(prepared.signedAttributes, 'base64'),
      );
      const doc = await requestCompletion(io, config, id, prepared.session, value);
      io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : `${doc.id} ${doc.state}\n`);
      return EXIT.ok;
    } finally {
      session.close();
    }
  });
}
