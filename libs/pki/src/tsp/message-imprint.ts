import { content, expect, sequence, type DerNode } from '../der/reader.ts';
import { octets, oid, seq } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { HASH_OIDS, readAlgorithmIdentifier, type HashName } from '../x509/algorithm.ts';

/** MessageImprint (RFC 3161 §2.4.1): the hash algorithm OID and the hashed message. */
export interface MessageImprint {
  readonly hashOid: string;
  /** The hash named by `hashOid`, when this library knows it. */
  readonly hash?: HashName;
  readonly hashedMessage: Uint8Array;
}

const DIGEST_LENGTHS: Partial<Record<HashName, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Encodes MessageImprint ::= SEQUENCE { hashAlgorithm, hashedMessage } (RFC 3161 §2.4.1). */
export function encodeMessageImprint(hash: HashName, hashedMessage: Uint8Array): Uint8Array {
  const length = DIGEST_LENGTHS[hash];
  if (length === undefined || hashedMessage.length !== length)
    throw new PkiError('INVALID_ARGUMENT', `The imprint must be a ${hash} digest (${length ?? '?'} bytes).`);
  return seq(seq(oid(HASH_OIDS[hash])), octets(hashedMessage));
}

/** Reads MessageImprint; the length of hashedMessage must fit a known hash algorithm. */
export function readMessageImprint(node: DerNode | undefined): MessageImprint {
  const [alg, hashed, ...extra] = sequence(node, 'MessageImprint');
  if (extra.length > 0) throw new PkiError('MALFORMED', 'MessageImprint has extra fields.');
  const a = readAlgorithmIdentifier(alg);
  // A NULL parameter is tolerated (older encoders); anything else is not a digest algorithm.
  if (a.parameters !== undefined && !(a.parameters.length === 2 && a.parameters[0] === 0x05 && a.parameters[1] === 0))
    throw new PkiError('MALFORMED', 'Digest AlgorithmIdentifier with parameters.');
  const hashedMessage = Uint8Array.from(content(expect(hashed, 0x04, 'hashedMessage')));
  const hash = (Object.keys(HASH_OIDS) as HashName[]).find((h) => HASH_OIDS[h] === a.oid);
  if (hash !== undefined && DIGEST_LENGTHS[hash] !== undefined && DIGEST_LENGTHS[hash] !== hashedMessage.length)
    throw new PkiError('MALFORMED', `hashedMessage is ${hashedMessage.length} bytes, not a ${hash} digest.`);
  return hash === undefined ? { hashOid: a.oid, hashedMessage } : { hashOid: a.oid, hash, hashedMessage };
}
