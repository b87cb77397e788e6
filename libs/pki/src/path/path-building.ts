import type { Certificate } from '../x509/certificate.ts';
import type { TrustAnchor } from './types.ts';

/** A candidate certification path: the anchor and the certificates from the CA it issued down to the target. */
export interface CandidatePath {
  readonly anchor: TrustAnchor;
  readonly certificates: readonly Certificate[];
}

const MAX_STEPS = 2000;

function akiMatches(child: Certificate, issuer: { spki: Uint8Array; certificate?: Certificate }): boolean {
  const aki = child.authorityKeyIdentifier?.keyIdentifier;
  const ski = issuer.certificate?.subjectKeyIdentifier;
  return aki !== undefined && ski !== undefined && Buffer.compare(aki, ski) === 0;
}

/**
 * Builds candidate paths from `target` up to one of `anchors` through the
 * `pool` by subject/issuer name chaining (RFC 4158 §2), preferring issuers whose
 * subjectKeyIdentifier matches the child's authorityKeyIdentifier. Depth is
 * bounded by `maxDepth` (certificates, target included), each certificate is
 * used once per path (safe against cross-certificate cycles), and the search
 * stops after `limit` paths or a fixed number of steps.
 */
export function buildCandidatePaths(
  target: Certificate,
  anchors: readonly TrustAnchor[],
  pool: readonly Certificate[],
  maxDepth: number,
  limit = 8,
): CandidatePath[] {
  const bySubject = new Map<string, Certificate[]>();
  const anchorKeys = new Set(anchors.map((a) => Buffer.from(a.spki).toString('base64')));
  for (const c of pool) {
    if (anchorKeys.has(Buffer.from(c.spki).toString('base64')) && anchors.some((a) => a.name.key === c.subject.key))
      continue;
    let list = bySubject.get(c.subject.key);
    if (list === undefined) bySubject.set(c.subject.key, (list = []));
    if (!list.some((x) => x.fingerprint === c.fingerprint)) list.push(c);
  }
  const out: CandidatePath[] = [];
  let steps = 0;
  const chain: Certificate[] = [target];
  const used = new Set<string>([target.fingerprint]);

  const visit = (current: Certificate): void => {
    if (out.length >= limit || ++steps > MAX_STEPS) return;
    const matchingAnchors = anchors.filter((a) => a.name.key === current.issuer.key);
    matchingAnchors.sort((a, b) => Number(akiMatches(current, b)) - Number(akiMatches(current, a)));
    for (const anchor of matchingAnchors) {
      if (out.length >= limit) return;
      out.push({ anchor, certificates: [...chain].reverse() });
    }
    if (chain.length >= maxDepth) return;
    const issuers = (bySubject.get(current.issuer.key) ?? []).filter((c) => !used.has(c.fingerprint));
    issuers.sort(
      (a, b) =>
        Number(akiMatches(current, { spki: b.spki, certificate: b })) -
        Number(akiMatches(current, { spki: a.spki, certificate: a })),
    );
    for (const issuer of issuers) {
      chain.push(issuer);
      used.add(issuer.fingerprint);
      visit(issuer);
      chain.pop();
      used.delete(issuer.fingerprint);
      if (out.length >= limit || steps > MAX_STEPS) return;
    }
  };
  visit(target);
  return out;
}
