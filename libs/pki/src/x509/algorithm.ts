import {
  children,
  encoded,
  parseDer as parseDerLocal,
  readOid,
  readSmallInt,
  sequence,
  type DerNode,
} from '../der/reader.ts';
import { PkiError } from '../errors.ts';
import { OID } from '../oids.ts';

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID and the DER of its parameters, if any. */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly parameters?: Uint8Array;
}

/** Reads an AlgorithmIdentifier node. */
export function readAlgorithmIdentifier(node: DerNode | undefined): AlgorithmIdentifier {
  const [o, p] = sequence(node, 'AlgorithmIdentifier');
  const oid = readOid(o);
  return p === undefined ? { oid } : { oid, parameters: Uint8Array.from(encoded(p)) };
}

/** Digest algorithms of this library (node:crypto names). */
export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

/** Digest OIDs (RFC 5754, RFC 3370). */
export const HASH_OIDS: Record<HashName, string> = {
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
  md5: OID.md5,
};

/** The hash named by a digest AlgorithmIdentifier OID. */
export function hashFromOid(oid: string): HashName {
  for (const [name, o] of Object.entries(HASH_OIDS)) if (o === oid) return name as HashName;
  throw new PkiError('UNSUPPORTED_ALGORITHM', `Digest ${oid}.`);
}

/** A signature scheme understood by the crypto engine. */
export type SignatureScheme =
  | { readonly key: 'rsa'; readonly hash: HashName }
  | { readonly key: 'rsa-pss'; readonly hash: HashName; readonly saltLength: number }
  | { readonly key: 'ecdsa'; readonly hash: HashName }
  | { readonly key: 'dsa'; readonly hash: HashName }
  | { readonly key: 'ed25519' };

const SIMPLE: Record<string, SignatureScheme> = {
  [OID.sha1WithRSAEncryption]: { key: 'rsa', hash: 'sha1' },
  [OID.md5WithRSAEncryption]: { key: 'rsa', hash: 'md5' },
  [OID.sha224WithRSAEncryption]: { key: 'rsa', hash: 'sha224' },
  [OID.sha256WithRSAEncryption]: { key: 'rsa', hash: 'sha256' },
  [OID.sha384WithRSAEncryption]: { key: 'rsa', hash: 'sha384' },
  [OID.sha512WithRSAEncryption]: { key: 'rsa', hash: 'sha512' },
  [OID.ecdsaWithSHA1]: { key: 'ecdsa', hash: 'sha1' },
  [OID.ecdsaWithSHA224]: { key: 'ecdsa', hash: 'sha224' },
  [OID.ecdsaWithSHA256]: { key: 'ecdsa', hash: 'sha256' },
  [OID.ecdsaWithSHA384]: { key: 'ecdsa', hash: 'sha384' },
  [OID.ecdsaWithSHA512]: { key: 'ecdsa', hash: 'sha512' },
  [OID.ed25519]: { key: 'ed25519' },
  [OID.dsaWithSHA1]: { key: 'dsa', hash: 'sha1' },
  [OID.dsaWithSHA256]: { key: 'dsa', hash: 'sha256' },
};

/**
 * Maps a signature AlgorithmIdentifier to a scheme (RFC 4055 for RSASSA-PSS,
 * RFC 5758 for ECDSA). DSA (FIPS 186) is read for legacy CMS only. Throws PkiError
 * UNSUPPORTED_ALGORITHM for others.
 * `digestHint` is the CMS digestAlgorithm when the signature OID is bare rsaEncryption.
 */
export function signatureScheme(alg: AlgorithmIdentifier, digestHint?: HashName): SignatureScheme {
  const simple = SIMPLE[alg.oid];
  if (simple !== undefined) return simple;
  if (alg.oid === OID.rsaEncryption && digestHint !== undefined) return { key: 'rsa', hash: digestHint };
  if (alg.oid === OID.ecPublicKey && digestHint !== undefined) return { key: 'ecdsa', hash: digestHint };
  if (alg.oid === OID.dsa && digestHint !== undefined) return { key: 'dsa', hash: digestHint };
  if (alg.oid === OID.rsassaPss) return readPssParameters(alg.parameters);
  throw new PkiError('UNSUPPORTED_ALGORITHM', `Signature algorithm ${alg.oid}.`);
}

function readPssParameters(params: Uint8Array | undefined): SignatureScheme {
  let hash: HashName = 'sha1';
  let saltLength = 20;
  if (params !== undefined && params.length > 2) {
    const seq = sequence(parseDerLocal(params), 'RSASSA-PSS-params');
    for (const n of seq) {
      const inner = children(n)[0];
      if (n.tag === 0) hash = hashFromOid(readAlgorithmIdentifier(inner).oid);
      else if (n.tag === 1) {
        const mgf = readAlgorithmIdentifier(inner);
        if (mgf.oid !== OID.mgf1) throw new PkiError('UNSUPPORTED_ALGORITHM', `PSS mask generation ${mgf.oid}.`);
      } else if (n.tag === 2) saltLength = readSmallInt(inner, 'saltLength');
    }
  }
  return { key: 'rsa-pss', hash, saltLength };
}
