/**
 * A libs/pki `Signer` whose private key stays in a PKCS#11 token. Mechanisms (PKCS#11
 * v2.40 current mechanisms): RSASSA-PKCS1-v1_5 with CKM_SHA256/384/512_RSA_PKCS (§2.1.11),
 * RSASSA-PSS with CKM_SHA256/384_RSA_PKCS_PSS and CK_RSA_PKCS_PSS_PARAMS (§2.1.12, salt =
 * hash length, MGF1 with the same hash, as RFC 4055 §3.1 and libs/pki encode it), ECDSA
 * with CKM_ECDSA over a SHA-2 digest made here (§2.3.7), its r‖s turned into the DER
 * Ecdsa-Sig-Value (RFC 5480 §2.2).
 */
import { createHash } from 'node:crypto';
import { ecdsaRawToDer, hashOf, type Signer, type SigningAlgorithm } from '@lienthong/pki';
import type * as Pkcs11Js from 'pkcs11js';
import { findTokenKey, type TokenKeyRef } from './pkcs11-keys.ts';
import { tokenError, toTokenError } from './pkcs11-errors.ts';
import { pkcs11js, type TokenSession } from './pkcs11-token.ts';

/** Options of {@link pkcs11Signer}: the key (label or CKA_ID) and the signature algorithm. */
export interface Pkcs11SignerOptions extends TokenKeyRef {
  readonly algorithm: SigningAlgorithm;
}

const SALT = { sha256: 32, sha384: 48, sha512: 64 } as const;

function mechanismFor(algorithm: SigningAlgorithm): Pkcs11Js.Mechanism {
  switch (algorithm) {
    case 'RSA-SHA256':
      return { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS };
    case 'RSA-SHA384':
      return { mechanism: pkcs11js.CKM_SHA384_RSA_PKCS };
    case 'RSA-SHA512':
      return { mechanism: pkcs11js.CKM_SHA512_RSA_PKCS };
    case 'RSA-PSS-SHA256':
      return {
        mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
        parameter: {
          type: pkcs11js.CK_PARAMS_RSA_PSS,
          hashAlg: pkcs11js.CKM_SHA256,
          mgf: pkcs11js.CKG_MGF1_SHA256,
          saltLen: SALT.sha256,
        } as Pkcs11Js.RsaPSS,
      };
    case 'RSA-PSS-SHA384':
      return {
        mechanism: pkcs11js.CKM_SHA384_RSA_PKCS_PSS,
        parameter: {
          type: pkcs11js.CK_PARAMS_RSA_PSS,
          hashAlg: pkcs11js.CKM_SHA384,
          mgf: pkcs11js.CKG_MGF1_SHA384,
          saltLen: SALT.sha384,
        } as Pkcs11Js.RsaPSS,
      };
    case 'ECDSA-SHA256':
    case 'ECDSA-SHA384':
      return { mechanism: pkcs11js.CKM_ECDSA };
  }
}

/**
 * A {@link Signer} for the private key with that label or id on an open token session.
 * The key is looked up once; throws SIGNING_TOKEN_KEY_NOT_FOUND, or
 * SIGNING_TOKEN_KEY_UNSUITABLE when the algorithm does not fit the key type. `sign`
 * rejects with a token AppError (SIGNING_TOKEN_*) when the token refuses.
 */
export function pkcs11Signer(session: TokenSession, options: Pkcs11SignerOptions): Signer {
  const key = findTokenKey(session, options);
  const algorithm = options.algorithm;
  const isEcdsa = algorithm.startsWith('ECDSA');
  if ((key.keyType === 'ec') !== isEcdsa)
    throw tokenError(
      'SIGNING_TOKEN_KEY_UNSUITABLE',
      `Key '${key.label}' is ${key.keyType.toUpperCase()}; ${algorithm} needs ${isEcdsa ? 'EC' : 'RSA'}.`,
    );
  const mechanism = mechanismFor(algorithm);
  const hash = hashOf(algorithm);
  return {
    algorithm,
    sign: async (data) => {
      try {
        const input = isEcdsa
          ? createHash(hash).update(data).digest()
          : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        session.module.C_SignInit(session.handle, mechanism, key.handle);
        const signature = session.module.C_Sign(session.handle, input, Buffer.alloc(1024));
        return isEcdsa ? ecdsaRawToDer(signature) : new Uint8Array(signature);
      } catch (error) {
        throw toTokenError(error, `sign with key '${key.label}' (${algorithm})`);
      }
    },
  };
}
