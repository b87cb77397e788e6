/**
 * Builds a PKCS #10 CertificationRequest (RFC 2986 §4) for a key that signs elsewhere: a
 * USB token or an HSM hands over its SubjectPublicKeyInfo and signs
 * certificationRequestInfo through a {@link Signer}, so the private key never leaves it.
 * Version 0, the subject given, no attributes; what {@link readCertificationRequest} reads.
 */
import { bits, ctx, int, seq } from '../der/writer.ts';
import { signatureAlgorithmIdentifier, type Signer } from '../signer.ts';
import { encodeName, type NameInput } from '../x509/name-builder.ts';

/** What goes into a request: the subject (information for the CA) and the key's SubjectPublicKeyInfo DER. */
export interface CertificationRequestInput {
  readonly subject: NameInput;
  readonly spki: Uint8Array;
}

/**
 * The DER of a CertificationRequest over `input`, signed by `signer` (its algorithm names
 * the signatureAlgorithm; ECDSA values as DER Ecdsa-Sig-Value, as {@link Signer} returns them).
 */
export async function buildCertificationRequest(input: CertificationRequestInput, signer: Signer): Promise<Uint8Array> {
  // attributes [0] IMPLICIT SET OF Attribute: present and empty (RFC 2986 §4.1).
  const info = seq(int(0), encodeName(input.subject), Uint8Array.from(input.spki), ctx(0));
  const signature = await signer.sign(info);
  return seq(info, signatureAlgorithmIdentifier(signer.algorithm), bits(signature));
}
