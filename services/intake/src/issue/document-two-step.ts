/**
 * Signing a document with a key on a USB token (ký bằng USB token), in two steps through
 * signing's two-step PDF routes (services/signing README, "Two-step signing"). Preparation:
 * the document's assigned signer gives the certificate (and chain) of their token key;
 * the submitted PDF goes to signing with the same query as the remote signature
 * (document-signing.ts: certifying, stamp fields open, B-T, the visible block), and what
 * the token must sign comes back with the session's id and expiry. Completion: the token's
 * signature value goes to signing, whose answer is checked and kept exactly as a remote
 * signature's (storeSignature). Signing holds the session, which is its caller's alone;
 * intake records for which document and signer it was prepared (signature-session-repository.ts),
 * so a completion naming a session of another document is refused before signing is asked.
 * A refusal (expired, another person's, a value that does not verify) changes nothing here.
 */
import type { Principal } from '@lienthong/service';
import { AppError } from '@lienthong/service';
import type { StoredDocument } from '../documents/document-repository.ts';
import { intakeErrors } from '../errors.ts';
import { callerKeyOf } from './caller-gate.ts';
import {
  documentToSign,
  signatureQueryOf,
  storeSignature,
  type IssueDeps,
  type SignatureBlock,
} from './document-signing.ts';
import type { PreparedPdfSignature } from './signing-client.ts';
import { isSessionOf, recordSignatureSession } from './signature-session-repository.ts';
import { copyObjectTo, makeWorkDir } from './work-files.ts';

/** The token's key as the signer presents it: its certificate and the issuing CA certificates, DER. */
export interface TokenCertificate {
  certificate: Uint8Array;
  chain: Uint8Array[];
}

/**
 * Step one: prepares the signature of the caller's office's document `id` by its assigned
 * signer's token key; returns what the token must sign. Throws what documentToSign throws
 * and the SIGNING_* problems of the signing client (a certificate that does not name the
 * caller: 422 SIGNING_REFUSED, `signingCode` CERTIFICATE_IDENTITY_MISMATCH).
 */
export async function prepareDocumentSignature(
  deps: IssueDeps,
  principal: Principal,
  authorization: string,
  id: string,
  token: TokenCertificate,
  block: SignatureBlock,
): Promise<PreparedPdfSignature> {
  const document = await documentToSign(deps, principal, id);
  const query = await signatureQueryOf(deps, principal, document, block);
  const work = await makeWorkDir();
  try {
    const original = work.path('original.pdf');
    await copyObjectTo(deps.store, deps.bucket, document.contentKey, null, original);
    const prepared = await deps.gate.run(callerKeyOf(principal), () =>
      deps.signing.preparePdf(authorization, { ...token, query, input: original }),
    );
    await recordSignatureSession(deps.pool, {
      session: prepared.id,
      document: id,
      signer: principal.subject,
      expiresAt: prepared.expiresAt,
    });
    return prepared;
  } finally {
    await work.remove();
  }
}

/**
 * Step two: completes the prepared `session` with the token's `signatureValue` (base64)
 * and keeps the signed document. Throws what documentToSign throws, 404
 * SIGNING_SESSION_NOT_FOUND (also a session not prepared here for this document by the
 * caller), 409 SIGNING_SESSION_USED, 410 SIGNING_SESSION_EXPIRED, 422 SIGNING_REFUSED (a
 * value that does not verify), 502 SIGNING_ANSWER_INVALID.
 */
export async function completeDocumentSignature(
  deps: IssueDeps,
  principal: Principal,
  authorization: string,
  id: string,
  completion: { session: string; signatureValue: string },
): Promise<StoredDocument> {
  const document = await documentToSign(deps, principal, id);
  if (!(await isSessionOf(deps.pool, completion.session, id, principal.subject)))
    throw new AppError(intakeErrors.SIGNING_SESSION_NOT_FOUND, {
      detail: `No signature of this document was prepared by you with session ${completion.session}; prepare one. Nothing was changed.`,
    });
  return storeSignature(deps, principal, document, (_work, signed, onChunk) =>
    deps.signing.completePdf(authorization, { ...completion, output: signed, onChunk }),
  );
}
