import type { Certificate } from '../x509/certificate.ts';
import type { Context } from './context.ts';
import { checkCrlStatus, type IssuerInfo, type RevocationContext, type RevocationStatus } from './crl-check.ts';
import { checkOcspStatus } from './ocsp-check.ts';
import { combineRevocationStatuses } from './revocation-decision.ts';
import type { TrustAnchor } from './types.ts';

/**
 * The revocation status of one certificate of the path (RFC 5280 §6.1.3 (a)(3))
 * under the context's policy. The caller's revocation authority (for the
 * local CA's own certificates, its signing database) decides when it answers.
 * Under 'any' every source is heard: OCSP responses and CRLs, combined by
 * {@link combineRevocationStatuses}, so a revocation on a newer CRL is not
 * outvoted by an older embedded OCSP "good".
 */
export function certificateStatus(
  cert: Certificate,
  issuer: IssuerInfo,
  ctx: Context,
  crlContext: RevocationContext,
): RevocationStatus {
  const authoritative = ctx.revocationAuthority?.(cert, issuer.name);
  if (authoritative !== undefined) return authoritative;
  const heard: RevocationStatus[] = [];
  if (ctx.revocation === 'ocsp' || ctx.revocation === 'any')
    heard.push(checkOcspStatus(cert, issuer, ctx.ocspResponses, ctx.time, ctx.engine, ctx.pool, ctx));
  if (ctx.revocation === 'crl' || ctx.revocation === 'any') heard.push(checkCrlStatus(cert, issuer, crlContext));
  return combineRevocationStatuses(heard);
}

/** What CRL checking (§6.3.3) needs for certificate `k` of the path, CRL signer validation included. */
export function revocationContext(
  ctx: Context,
  anchor: TrustAnchor,
  certs: readonly Certificate[],
  k: number,
): RevocationContext {
  const validated = new Set(certs.slice(0, k).map((c) => c.fingerprint));
  const anchorKey = Buffer.from(anchor.spki).toString('base64');
  return {
    crls: ctx.crls,
    time: ctx.time,
    engine: ctx.engine,
    useDeltas: ctx.useDeltas,
    algorithmPolicy: ctx.algorithmPolicy,
    algorithmTime: ctx.revocationAlgorithmTime,
    encoding: ctx.encoding,
    candidates: [...(anchor.certificate === undefined ? [] : [anchor.certificate]), ...certs, ...ctx.pool],
    isTrustedCrlSigner(signer) {
      if (validated.has(signer.fingerprint)) return true;
      // A CRL issuer's own status may come from the indirect CRL it signs (PKITS 4.14.30),
      // but only while it is itself being validated as a CRL signer, never for the main path.
      if (signer.fingerprint === certs[k]!.fingerprint)
        return ctx.stack.includes(signer.fingerprint) && k === certs.length - 1;
      if (signer.subject.key === anchor.name.key && Buffer.from(signer.spki).toString('base64') === anchorKey)
        return true;
      if (ctx.stack.includes(signer.fingerprint) || ctx.stack.length > 6) return false;
      const cached = ctx.signerCache.get(signer.fingerprint);
      if (cached !== undefined) return cached;
      const sub: Context = {
        ...ctx,
        anchors: [anchor],
        pool: [...certs, ...ctx.pool],
        stack: [...ctx.stack, certs[k]!.fingerprint, signer.fingerprint],
      };
      const ok = ctx.validate(signer, sub).valid;
      ctx.signerCache.set(signer.fingerprint, ok);
      return ok;
    },
  };
}
