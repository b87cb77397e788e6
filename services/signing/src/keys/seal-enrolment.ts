/**
 * Issuing an office seal certificate (chứng thư số của cơ quan, con dấu): the key pair is
 * generated here and kept encrypted with the KEK as a signing key of the office, which the
 * office's registry (văn thư) uses; only the certificate leaves. The certificate is issued
 * by the issuing CA with the office-seal profile (keyUsage digitalSignature +
 * nonRepudiation) and never outlives the CA. Its subject is the caller's registered office,
 * never anything the request says: C=VN, L (the office's locality), O (its legal name),
 * organizationIdentifier `LT:VN-<code>`, CN (its unit). With a public URL it points to the
 * issuing CA's CRL and certificate and to the OCSP responder (public-urls.ts).
 */
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import {
  defaultAlgorithmFor,
  generateKeyPair,
  issueCertificate,
  officeIdentifier,
  officeSealProfile,
} from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { signingErrors } from '../errors.ts';
import { destroyTokenObjects, generateTokenKeyPair } from '../token/pkcs11-keys.ts';
import { storeIssuedCertificate } from './issued-certificate.ts';
import { insertSigningKey } from './key-repository.ts';
import { logSigning } from './signing-log-repository.ts';
import { sealOwner } from './key-rules.ts';
import { registeredOffice } from './person-registry.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signerFor } from '../ca/ca-context.ts';
import type { CertificateRecord } from '../ca/certificate-repository.ts';
import { encryptWithKek } from '../ca/key-encryption.ts';
import { certificateRecord } from '../ca/local-hierarchy.ts';
import { pointersFor } from '../ca/public-urls.ts';

/** What a ca-admin asks of a seal: nothing about whose it is (the caller's registered office). */
export interface SealRequest {
  /** Default 730 days; capped at the issuing CA's notAfter. */
  validityDays?: number;
  /** Where the key lives: encrypted in the database (default) or generated in the PKCS#11 token. */
  storage?: 'server' | 'pkcs11';
}

/** A new seal key: generated here (kept encrypted with the KEK) or in the token (never leaves it). */
async function newSealKey(ca: CaContext, keyId: string, storage: 'server' | 'pkcs11') {
  if (storage === 'pkcs11') {
    if (ca.token === undefined) throw new AppError(signingErrors.SIGNING_TOKEN_NOT_CONFIGURED);
    const label = `lienthong-seal-${keyId}`;
    const generated = generateTokenKeyPair(ca.token, { label, spec: { type: 'rsa', modulusLength: 3072 } });
    return { publicKey: generated.spki, algorithm: 'RSA-SHA256', encryptedPkcs8: null, tokenKeyLabel: label };
  }
  const keys = await generateKeyPair({ type: 'rsa', modulusLength: 3072 });
  return {
    publicKey: keys.publicKey,
    algorithm: defaultAlgorithmFor(keys.privateKey),
    encryptedPkcs8: encryptWithKek(keys.privateKey, ca.kek),
    tokenKeyLabel: null,
  };
}

/**
 * Issues a seal certificate with a new key (RSA 3072) for the caller's office (a ca-admin; 403
 * otherwise; 409 OFFICE_NOT_REGISTERED for an office the offices file does not list); returns
 * it with the key's id.
 */
export async function issueSeal(
  ca: CaContext,
  principal: Principal,
  request: SealRequest,
): Promise<{ record: CertificateRecord; keyId: string }> {
  requireRoleOf(principal, roles.caAdmin);
  const office = await registeredOffice(ca.pool, principal.office);
  const { issuing } = ca.hierarchy;
  const keyId = randomUUID();
  const storage = request.storage ?? 'server';
  const key = await newSealKey(ca, keyId, storage);
  const notBefore = new Date(ca.clock.now().getTime() - 60_000);
  const wanted = new Date(notBefore.getTime() + (request.validityDays ?? 730) * 86_400_000);
  const notAfter = wanted > issuing.notAfter ? issuing.notAfter : wanted;
  const issuingSigner = await signerFor(ca.pool, ca, issuing);
  const certificate = await issueCertificate(
    officeSealProfile({
      organisation: office.name,
      office: office.unit,
      organizationIdentifier: officeIdentifier(office.code),
      ...(office.locality === undefined ? {} : { locality: office.locality }),
      publicKey: key.publicKey,
      notBefore,
      notAfter,
      ...pointersFor(ca.publicUrl, issuing.id, { ocsp: true }),
    }),
    { certificate: ca.certificateOf(issuing), signer: issuingSigner },
    { clock: ca.clock },
  );
  const record = certificateRecord(certificate, 'seal', issuing.id);
  const outcome = await withTransaction(ca.pool, (client) =>
    storeIssuedCertificate(
      ca,
      client,
      record,
      async () => {
        await insertSigningKey(client, {
          id: keyId,
          office: principal.office,
          owner: sealOwner,
          purpose: 'seal',
          storage,
          algorithm: key.algorithm,
          certificateDer: certificate.der,
          chainDer: [ca.certificateOf(issuing).der],
          caCertificateId: record.id,
          encryptedPkcs8: key.encryptedPkcs8,
          tokenKeyLabel: key.tokenKeyLabel,
          pinPolicy: null,
        });
        await logSigning(client, {
          office: principal.office,
          subject: principal.subject,
          action: 'enrol',
          keyId,
          detail: record.subject,
        });
      },
      { office: principal.office, subject: principal.subject, action: 'enrol-failed', keyId, detail: record.subject },
    ),
  );
  if ('failed' in outcome) {
    // The pair made in the token for a certificate now revoked is of no use: it goes too.
    if (ca.token !== undefined && key.tokenKeyLabel !== null) {
      try {
        destroyTokenObjects(ca.token, key.tokenKeyLabel);
      } catch {
        // Best effort: the caller is owed the error that made the certificate void, not this one.
      }
    }
    throw outcome.failed;
  }
  return { record, keyId };
}
