import type { CryptoEngine } from '../crypto-engine.ts';
import { children, encoded, parseDer, type EncodingPolicy } from '../der/reader.ts';
import { checkAlgorithms, signatureUses, type AlgorithmPolicy } from '../policy/algorithm-policy.ts';
import { seq } from '../der/writer.ts';
import { OID } from '../oids.ts';
import { signatureScheme } from '../x509/algorithm.ts';
import { allowsKeyUsage, isCa, type Certificate } from '../x509/certificate.ts';
import type { Crl, RevokedEntry } from '../crl/crl.ts';
import { CrlReason, crlDerViolation } from '../crl/crl.ts';
import { ALL_REASONS, type DistributionPoint, type DistributionPointName } from '../x509/distribution-points.ts';
import { KeyUsageBit } from '../x509/extensions.ts';
import type { GeneralName } from '../x509/general-name.ts';
import { readName, type Name } from '../x509/name.ts';

/** What revocation checking needs from the path being validated. */
export interface RevocationContext {
  readonly crls: readonly Crl[];
  readonly time: Date;
  readonly engine: CryptoEngine;
  readonly useDeltas: boolean;
  /** Certificates that may have signed a CRL (pool, path). */
  readonly candidates: readonly Certificate[];
  readonly algorithmPolicy: AlgorithmPolicy;
  /** When the policy judges a CRL's signature (see `PathValidationOptions.revocationAlgorithmTime`). */
  readonly algorithmTime: Date;
  readonly encoding: EncodingPolicy;
  /** True when `signer` validates to the same trust anchor (RFC 5280 §6.3.3 (f)). */
  isTrustedCrlSigner(signer: Certificate): boolean;
}

/** The issuer of the certificate being checked: its name and the key that signed it. */
export interface IssuerInfo {
  readonly name: Name;
  readonly spki: Uint8Array;
  readonly certificate?: Certificate;
}

/** Outcome of §6.3.3 for one certificate. */
export type RevocationStatus =
  | { readonly status: 'good'; readonly thisUpdate?: Date }
  | { readonly status: 'revoked'; readonly reason?: number; readonly revocationDate: Date; readonly thisUpdate?: Date }
  | {
      readonly status: 'undetermined';
      readonly message: string;
      /** The algorithm-policy rule that made a CRL or OCSP response unusable, when one did. */
      readonly policyRule?: string;
    };

/** Why a CRL that `signer` signed is not revocation evidence: not DER, or an algorithm the policy refuses. */
interface Refusal {
  readonly message: string;
  readonly policyRule?: string;
}

function refusalOf(crl: Crl, signer: Uint8Array, ctx: RevocationContext): Refusal | undefined {
  const violation = ctx.encoding === 'der' ? crlDerViolation(crl) : undefined;
  if (violation !== undefined) return { message: `A CRL is not DER (X.690 §10): ${violation}.` };
  const check = checkAlgorithms(
    signatureUses(crl.signatureAlgorithm, signer),
    ctx.algorithmTime,
    undefined,
    ctx.algorithmPolicy,
  );
  return check.ok ? undefined : { message: `A CRL cannot be relied on: ${check.message}`, policyRule: check.rule.name };
}

const verifyCache = new WeakMap<Crl, Map<string, boolean>>();

function crlSignedBy(crl: Crl, spki: Uint8Array, engine: CryptoEngine): boolean {
  let m = verifyCache.get(crl);
  if (m === undefined) verifyCache.set(crl, (m = new Map<string, boolean>()));
  const id = Buffer.from(spki).toString('base64');
  let ok = m.get(id);
  if (ok === undefined) {
    try {
      ok = engine.verify(signatureScheme(crl.signatureAlgorithm), spki, crl.tbs, crl.signatureValue);
    } catch {
      ok = false;
    }
    m.set(id, ok);
  }
  return ok;
}

/** §6.3.3 (f)(g): finds the key that signed `crl` and checks its certificate may sign CRLs. */
function findCrlSignerKey(crl: Crl, issuer: IssuerInfo, ctx: RevocationContext): Uint8Array | undefined {
  if (crl.issuer.key === issuer.name.key && crlSignedBy(crl, issuer.spki, ctx.engine)) {
    if (issuer.certificate !== undefined && !allowsKeyUsage(issuer.certificate, KeyUsageBit.cRLSign)) return undefined;
    return issuer.spki;
  }
  for (const c of ctx.candidates) {
    if (c.subject.key !== crl.issuer.key) continue;
    if (!crlSignedBy(crl, c.spki, ctx.engine)) continue;
    if (!allowsKeyUsage(c, KeyUsageBit.cRLSign)) continue;
    if (ctx.isTrustedCrlSigner(c)) return c.spki;
  }
  return undefined;
}

function withRdn(base: Name, rdn: Uint8Array): Name {
  const rdns = children(parseDer(base.der)).map((n) => encoded(n));
  return readName(parseDer(seq(...rdns, rdn)));
}

function dpNames(name: DistributionPointName, base: Name): GeneralName[] {
  return 'fullName' in name ? [...name.fullName] : [{ kind: 'directory', value: withRdn(base, name.relativeRdn) }];
}

function sameGeneralName(a: GeneralName, b: GeneralName): boolean {
  if (a.kind === 'directory' && b.kind === 'directory') return a.value.key === b.value.key;
  if (a.kind === 'ip' && b.kind === 'ip') return Buffer.compare(a.value, b.value) === 0;
  if ((a.kind === 'uri' || a.kind === 'dns' || a.kind === 'rfc822' || a.kind === 'registeredId') && a.kind === b.kind)
    return a.value === b.value;
  return false;
}

const intersects = (a: readonly GeneralName[], b: readonly GeneralName[]): boolean =>
  a.some((x) => b.some((y) => sameGeneralName(x, y)));

const directoryNames = (names: readonly GeneralName[] | undefined): Name[] =>
  (names ?? []).flatMap((g) => (g.kind === 'directory' ? [g.value] : []));

/** §6.3.3 (b): does `crl` have the scope to decide `cert` for distribution point `dp`? */
function inScope(crl: Crl, cert: Certificate, dp: DistributionPoint): boolean {
  const idp = crl.issuingDistributionPoint;
  if (dp.crlIssuer !== undefined) {
    if (idp?.indirectCRL !== true) return false;
    if (!directoryNames(dp.crlIssuer).some((n) => n.key === crl.issuer.key)) return false;
  } else if (crl.issuer.key !== cert.issuer.key) {
    if (idp?.indirectCRL !== true) return false;
  }
  if (idp !== undefined) {
    if (idp.name !== undefined) {
      const idpNames = dpNames(idp.name, crl.issuer);
      if (dp.name !== undefined) {
        const base = directoryNames(dp.crlIssuer)[0] ?? cert.issuer;
        if (!intersects(idpNames, dpNames(dp.name, base))) return false;
      } else if (dp.crlIssuer !== undefined) {
        if (!intersects(idpNames, dp.crlIssuer)) return false;
      } else return false;
    }
    if (idp.onlyContainsUserCerts && isCa(cert)) return false;
    if (idp.onlyContainsCACerts && !isCa(cert)) return false;
    if (idp.onlyContainsAttributeCerts) return false;
  }
  return true;
}

function isUsable(crl: Crl): boolean {
  return !crl.hasUnknownCriticalExtension && !crl.entries.some((e) => e.hasUnknownCriticalExtension);
}

function entryFor(crl: Crl, cert: Certificate): RevokedEntry | undefined {
  return crl.entries.find((e) => {
    if (e.serialHex !== cert.serialHex) return false;
    if (e.certificateIssuer === undefined) return crl.issuer.key === cert.issuer.key;
    return directoryNames(e.certificateIssuer).some((n) => n.key === cert.issuer.key);
  });
}

function idpDer(crl: Crl): string {
  const ext = crl.extensions.find((e) => e.oid === OID.issuingDistributionPoint);
  return ext === undefined ? '' : Buffer.from(ext.value).toString('hex');
}

// §6.3.3 (a): usable while nextUpdate is not passed. A CRL issued after the validation time is
// accepted too (validation at a past time, e.g. of a signature): it still speaks for that time.
const isFresh = (crl: Crl, time: Date): boolean =>
  crl.nextUpdate === undefined || time.getTime() <= crl.nextUpdate.getTime();

// An entry revokes the certificate at `time` only if the revocation took effect by then.
const revokesAt = (entry: RevokedEntry | undefined, time: Date): entry is RevokedEntry =>
  entry !== undefined && entry.reason !== CrlReason.removeFromCRL && entry.revocationDate.getTime() <= time.getTime();

/** §6.3.3 (c)(h): the newest usable delta CRL for a complete CRL, signed by the same key. */
function findDelta(complete: Crl, signer: Uint8Array, ctx: RevocationContext): Crl | undefined {
  if (!ctx.useDeltas || complete.crlNumber === undefined) return undefined;
  let best: Crl | undefined;
  for (const d of ctx.crls) {
    if (d.deltaCrlIndicator === undefined || d.issuer.key !== complete.issuer.key) continue;
    if (idpDer(d) !== idpDer(complete) || !isUsable(d) || !isFresh(d, ctx.time)) continue;
    if (d.deltaCrlIndicator > complete.crlNumber) continue;
    if (d.crlNumber !== undefined && d.crlNumber <= complete.crlNumber) continue;
    if (!crlSignedBy(d, signer, ctx.engine) || refusalOf(d, signer, ctx) !== undefined) continue;
    if (best === undefined || (d.crlNumber ?? 0n) > (best.crlNumber ?? 0n)) best = d;
  }
  return best;
}

/**
 * Certificate revocation checking with CRLs, RFC 5280 §6.3.3: distribution
 * points (or the implied one of the certificate issuer), CRL scope and issuing
 * distribution point, indirect CRLs (certificateIssuer entries), reason
 * masks, delta CRLs, and CRL signer validation through the context. Complete
 * CRLs are read newest first; once the reasons are covered, a revocation
 * other than certificateHold on any other usable CRL in scope still wins.
 * A CRL that is not DER, or whose signature the algorithm policy refuses, is
 * not used (the status may then be undetermined, naming why).
 */
export function checkCrlStatus(cert: Certificate, issuer: IssuerInfo, ctx: RevocationContext): RevocationStatus {
  const dps: readonly DistributionPoint[] = cert.crlDistributionPoints ?? [{}];
  const crls = [...ctx.crls].sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
  let reasonsMask = 0;
  let sawCandidate = false;
  let decidedBy: Date | undefined;
  let refused: Refusal | undefined;
  for (const dp of dps) {
    for (const crl of crls) {
      if (crl.deltaCrlIndicator !== undefined || !isUsable(crl)) continue;
      if (!inScope(crl, cert, dp)) continue;
      const interim =
        (crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS) & ALL_REASONS;
      const addsReasons = (interim & ~reasonsMask) !== 0;
      sawCandidate ||= addsReasons;
      const signer = findCrlSignerKey(crl, issuer, ctx);
      if (signer === undefined) continue;
      const refusal = refusalOf(crl, signer, ctx);
      if (refusal !== undefined) {
        refused ??= refusal;
        continue;
      }
      const delta = findDelta(crl, signer, ctx);
      if (!isFresh(crl, ctx.time) && delta === undefined) continue;
      const deltaEntry = delta === undefined ? undefined : entryFor(delta, cert);
      // §6.3.3 (l) before (i): a delta entry (including removeFromCRL) supersedes the complete CRL.
      const entry = deltaEntry ?? entryFor(crl, cert);
      // An older CRL's hold may since have been released; a newer CRL covering the same reasons decided that.
      if (revokesAt(entry, ctx.time) && (addsReasons || entry.reason !== CrlReason.certificateHold))
        return {
          status: 'revoked',
          ...(entry.reason === undefined ? {} : { reason: entry.reason }),
          revocationDate: entry.revocationDate,
          thisUpdate: (delta ?? crl).thisUpdate,
        };
      if (addsReasons) {
        reasonsMask |= interim;
        decidedBy ??= (delta ?? crl).thisUpdate;
      }
    }
  }
  if (reasonsMask === ALL_REASONS)
    return { status: 'good', ...(decidedBy === undefined ? {} : { thisUpdate: decidedBy }) };
  const message = sawCandidate
    ? 'No usable CRL (signature, signer, freshness or reasons) decides the status.'
    : 'No CRL in scope for this certificate.';
  if (refused === undefined) return { status: 'undetermined', message };
  return {
    status: 'undetermined',
    message: `${message} ${refused.message}`,
    ...(refused.policyRule === undefined ? {} : { policyRule: refused.policyRule }),
  };
}
