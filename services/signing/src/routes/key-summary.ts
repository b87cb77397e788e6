/** A signing key as the API shows it: its certificate and state, never key material. */
import { formatName, readCertificate } from '@lienthong/pki';
import { Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { SigningKeyRecord } from '../keys/key-repository.ts';

/** A signing key as the API shows it: its certificate, never key material. */
export const KeySummary = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    purpose: Type.Union([Type.Literal('personal'), Type.Literal('seal')]),
    storage: Type.Union([Type.Literal('server'), Type.Literal('pkcs11'), Type.Literal('token')], {
      description:
        "where the private key is: server (here, under the PIN or the KEK), pkcs11 (the service's token), token (the signer's own USB token: the key signs through two-step signing only)",
    }),
    algorithm: Type.String(),
    office: Type.String(),
    owner: Type.String(),
    subject: Type.String(),
    issuer: Type.String(),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    certificate: Type.String({ contentEncoding: 'base64', description: 'DER X.509' }),
    chain: Type.Array(Type.String({ contentEncoding: 'base64' })),
    locked: Type.Boolean(),
    failedPinAttempts: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    pinPolicy: Type.Union([Type.Literal('met'), Type.Literal('unknown'), Type.Null()], {
      description:
        "personal keys: 'met' when the PIN was set under the PIN policy (8 to 64 characters, one not a digit); 'unknown' for a key enrolled before it, whose PIN may be six digits: its owner should change it (PUT /v1/keys/{id}/pin). null for seals and keys on the signer's token (no PIN here)",
    }),
    imageType: Type.Union([Type.Literal('image/png'), Type.Literal('image/jpeg'), Type.Null()], {
      description:
        'the media type of the image its visible signatures show (GET /v1/keys/{id}/image), null when it has none',
    }),
  },
  { $id: 'SigningKey' },
);

/** The JSON of a key. */
export function toKeySummary(key: SigningKeyRecord): Static<typeof KeySummary> {
  const certificate = readCertificate(key.certificateDer);
  return {
    id: key.id,
    purpose: key.purpose,
    storage: key.storage,
    algorithm: key.algorithm,
    office: key.office,
    owner: key.owner,
    subject: formatName(certificate.subject),
    issuer: formatName(certificate.issuer),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    certificate: Buffer.from(key.certificateDer).toString('base64'),
    chain: key.chainDer.map((der) => Buffer.from(der).toString('base64')),
    locked: key.lockedAt !== null,
    failedPinAttempts: key.failedPinAttempts,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    pinPolicy: key.pinPolicy,
    imageType: key.imageType,
  };
}
