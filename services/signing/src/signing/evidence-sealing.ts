/**
 * Delivery evidence sealed by the acting office (issue 17): the delivery service sends the
 * canonical statements (libs/evidence `encodeStatement`) of the events of its legs, and each
 * comes back as a CAdES B-B SignedData of the office's seal with the statement attached as its
 * eContent (libs/evidence `attachStatement`), one self-contained evidence that libs/evidence
 * `checkEvidence` and `openssl cms -verify` accept. All or nothing: every statement is read
 * and must be the token's office's act before anything is signed; the signatures of a request
 * are logged in one statement. The caller is the delivery service itself, with a token of its
 * own key set (`LIENTHONG_SIGNING_EVIDENCE_JWKS`), good for this and nothing else.
 */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { attachStatement, isEvidenceError, parseStatement, statementDigest } from '@lienthong/evidence';
import type { EvidenceStatement } from '@lienthong/evidence';
import { createSignedDataTemplate, isSelfIssued, readCertificate } from '@lienthong/pki';
import { AppError, serviceErrors } from '@lienthong/service';
import type { AuthConfig, AuthKeySet, Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { findOfficeSeal } from '../keys/office-seal.ts';
import { recordKeyUse } from '../keys/key-repository.ts';
import { errorCode, logSigningBatch } from '../keys/signing-log-repository.ts';
import type { SigningLogEntry } from '../keys/signing-log-repository.ts';
import { signDigestCades } from './digest-signing.ts';

/** The role an evidence token must carry. */
export const evidenceSealerRole = 'evidence-sealer';

/** The `iss` of the delivery service's evidence tokens. */
export const evidenceTokenIssuer = 'lienthong-delivery';

/** The longest `exp - iat` of an evidence token, seconds (delivery mints them for 300 s). */
export const evidenceTokenMaxLifetimeSeconds = 600;

/** Most statements one request may seal. */
export const maxStatementsPerRequest = 500;

/** Signatures made between two turns of the event loop, so other requests are answered meanwhile. */
const signaturesPerTurn = 16;

/**
 * How the evidence route verifies its tokens: delivery's keys (never the issuer of
 * `LIENTHONG_AUTH_JWKS`), issuer `lienthong-delivery`, this service's audience, at most 600 s.
 */
export function evidenceAuthConfig(keys: AuthKeySet, audience: string): AuthConfig {
  return { keys, issuer: evidenceTokenIssuer, audience, maxLifetimeSeconds: evidenceTokenMaxLifetimeSeconds };
}

/** Every statement read strictly (libs/evidence `parseStatement`); the first refused is a 400 naming its index. */
function readStatements(statements: readonly Uint8Array[]): EvidenceStatement[] {
  return statements.map((bytes, index) => {
    try {
      return parseStatement(bytes);
    } catch (error) {
      if (!isEvidenceError(error)) throw error;
      const field = error.extra.field;
      throw new AppError(signingErrors.EVIDENCE_STATEMENT_INVALID, {
        detail: `statements[${index}]: ${error.message}`,
        extra: { index, evidenceError: error.code, ...(typeof field === 'string' ? { field } : {}) },
      });
    }
  });
}

/**
 * Seals `statements` (1 to 500, each the canonical bytes of a libs/evidence statement) with
 * the seal of the caller's office, in their order. Refusals, before anything is signed: 403
 * FORBIDDEN without the `evidence-sealer` role, 400 VALIDATION_FAILED for 0 or over 500, 400
 * EVIDENCE_STATEMENT_INVALID (`index`, `evidenceError`) for a statement `parseStatement`
 * refuses, 403 EVIDENCE_OFFICE_MISMATCH (`index`) for a statement whose acting office is
 * another, 409 OFFICE_NOT_REGISTERED / OFFICE_HAS_NO_SEAL (office-seal.ts). Each signature
 * made is logged (`sign`, digest the statement's SHA-256, outcome the signature value's), all
 * in one INSERT before the evidence is returned.
 */
export async function sealEvidence(
  ca: CaContext,
  principal: Principal,
  statements: readonly Uint8Array[],
): Promise<Uint8Array[]> {
  requireRoleOf(principal, evidenceSealerRole);
  if (statements.length === 0 || statements.length > maxStatementsPerRequest)
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: `statements must hold 1 to ${maxStatementsPerRequest} statements, not ${statements.length}`,
    });
  readStatements(statements).forEach(({ actingOffice }, index) => {
    if (actingOffice !== principal.office)
      throw new AppError(signingErrors.EVIDENCE_OFFICE_MISMATCH, {
        detail: `statements[${index}] is an act of ${actingOffice}; this token acts for ${principal.office}.`,
        extra: { index },
      });
  });
  const seal = await findOfficeSeal(ca, principal.office);
  // The seal's certificate and its chain up to, not including, the root (the verifier's anchor).
  const chain = seal.key.chainDer.map((der) => readCertificate(der)).filter((c) => !isSelfIssued(c));
  const options = { certificate: seal.certificate, chain, algorithm: seal.algorithm };
  const template = createSignedDataTemplate(options);
  const log: SigningLogEntry[] = [];
  const evidence: Uint8Array[] = [];
  const entry = (bytes: Uint8Array) => ({
    office: principal.office,
    subject: principal.subject,
    keyId: seal.key.id,
    digest: Buffer.from(statementDigest(bytes)).toString('hex'),
    detail: 'evidence',
  });
  try {
    for (const [index, bytes] of statements.entries()) {
      if (index > 0 && index % signaturesPerTurn === 0) await nextTurn();
      let value: Uint8Array | undefined;
      const signer = {
        algorithm: seal.signer.algorithm,
        sign: async (data: Uint8Array) => (value = await seal.signer.sign(data)),
      };
      const detached = await signDigestCades(statementDigest(bytes), options, signer, template);
      evidence.push(attachStatement(detached, bytes));
      log.push({
        ...entry(bytes),
        action: 'sign',
        outcome: `sha256:${createHash('sha256').update(value!).digest('hex')}`,
      });
    }
  } catch (error) {
    log.push({ ...entry(statements[log.length]!), action: 'sign-failed', outcome: errorCode(error) });
    await logSigningBatch(ca.pool, log);
    throw error;
  }
  await Promise.all([logSigningBatch(ca.pool, log), recordKeyUse(ca.pool, seal.key.id, ca.clock.now())]);
  return evidence;
}
