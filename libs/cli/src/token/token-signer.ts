/**
 * A libs/pki `Signer` whose key stays on the signer's token (PKCS#11 v2.40 current
 * mechanisms): RSASSA-PKCS1-v1_5 with CKM_SHA256/384/512_RSA_PKCS (§2.1.11; the token
 * hashes), ECDSA with CKM_ECDSA over a SHA-2 digest made here (§2.3.7), its r‖s turned
 * into the DER Ecdsa-Sig-Value (RFC 5480 §2.2) that CMS, PKCS #10 and intake's completion take.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { ecdsaRawToDer, hashOf, type Signer, type SigningAlgorithm } from '@lienthong/pki';
import { CliError } from '../errors.ts';
import { pkcs11, tokenFailure, type TokenSession } from './pkcs11-module.ts';
import type { TokenKey } from './token-objects.ts';

/** The mechanism that hashes and signs with RSASSA-PKCS1-v1_5 for `algorithm`, if it is one. */
function rsaMechanism(algorithm: SigningAlgorithm): number | undefined {
  const p = pkcs11();
  return {
    'RSA-SHA256': p.CKM_SHA256_RSA_PKCS,
    'RSA-SHA384': p.CKM_SHA384_RSA_PKCS,
    'RSA-SHA512': p.CKM_SHA512_RSA_PKCS,
  }[algorithm as string];
}

/** The algorithm a key signs a certification request with: RSA-SHA256, or ECDSA with the curve's SHA-2. */
export function algorithmForKey(spki: Uint8Array): SigningAlgorithm {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType === 'rsa') return 'RSA-SHA256';
  return key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ECDSA-SHA384' : 'ECDSA-SHA256';
}

/**
 * A {@link Signer} of `algorithm` with `key`; TOKEN_KEY_UNSUITABLE when the algorithm is
 * not one the key's type signs here (RSA-PSS is not offered). `sign` throws TOKEN_* codes.
 */
export function tokenSigner(session: TokenSession, key: TokenKey, algorithm: SigningAlgorithm): Signer {
  const isEcdsa = algorithm.startsWith('ECDSA');
  const rsa = rsaMechanism(algorithm);
  if (isEcdsa ? key.keyType !== 'ec' : key.keyType !== 'rsa' || rsa === undefined)
    throw new CliError(
      'TOKEN_KEY_UNSUITABLE',
      `key '${key.label}' is ${key.keyType.toUpperCase()}: it does not sign ${algorithm} here.`,
    );
  return {
    algorithm,
    sign: async (data) => {
      try {
        const input = isEcdsa ? createHash(hashOf(algorithm)).update(data).digest() : Buffer.from(data);
        session.module.C_SignInit(session.handle, { mechanism: isEcdsa ? pkcs11().CKM_ECDSA : rsa! }, key.handle);
        const value = session.module.C_Sign(session.handle, input, Buffer.alloc(1024));
        return isEcdsa ? ecdsaRawToDer(value) : new Uint8Array(value);
      } catch (error) {
        throw tokenFailure(error, `sign with key '${key.label}' (${algorithm})`);
      }
    },
  };
}
