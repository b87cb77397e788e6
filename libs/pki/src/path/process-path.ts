import type { CryptoEngine } from '../crypto-engine.ts';
import { isPkiError } from '../errors.ts';
import { OID } from '../oids.ts';
import { signatureScheme } from '../x509/algorithm.ts';
import {
  RECOGNISED_CERTIFICATE_EXTENSIONS,
  allowsKeyUsage,
  isSelfIssued,
  type Certificate,
} from '../x509/certificate.ts';
import { KeyUsageBit } from '../x509/extensions.ts';
import { checkAlgorithm, keyUse, type AlgorithmUse } from '../policy/algorithm-policy.ts';
import { formatName } from '../x509/name.ts';
import { PathError, type Context } from './context.ts';
import { checkConformance } from './conformance.ts';
import { certificateStatus, revocationContext } from './revocation.ts';
import { checkTrustAnchor } from './trust-anchor.ts';
import { addNameConstraints, checkNameConstraints, initialNameConstraints } from './name-constraints.ts';
import type { CandidatePath } from './path-building.ts';
import { PolicyTree } from './policy-tree.ts';
import type { PathValidationOptions } from './types.ts';

function verifySignature(cert: Certificate, spki: Uint8Array, engine: CryptoEngine, index: number): void {
  if (
    Buffer.compare(
      Buffer.from(cert.signatureAlgorithm.oid + Buffer.from(cert.signatureAlgorithm.parameters ?? []).toString('hex')),
      Buffer.from(
        cert.tbsSignatureAlgorithm.oid + Buffer.from(cert.tbsSignatureAlgorithm.parameters ?? []).toString('hex'),
      ),
    ) !== 0
  ) {
    throw new PathError(
      'MALFORMED',
      'signatureAlgorithm differs from the signature field of tbsCertificate (RFC 5280 §4.1.1.2).',
      index,
    );
  }
  let ok: boolean;
  try {
    ok = engine.verify(signatureScheme(cert.signatureAlgorithm), spki, cert.tbs, cert.signatureValue);
  } catch (e) {
    if (isPkiError(e, 'UNSUPPORTED_ALGORITHM')) throw new PathError('UNSUPPORTED_ALGORITHM', e.message, index);
    throw e;
  }
  if (!ok)
    throw new PathError(
      'SIGNATURE',
      `Signature of certificate ${index} (${formatName(cert.subject)}) does not verify with its issuer's key.`,
      index,
    );
}

/** The certificate's signature hash and its issuer's key under the algorithm policy at the validation time. */
function checkCertificateAlgorithms(cert: Certificate, issuerSpki: Uint8Array, ctx: Context, index: number): void {
  const scheme = signatureScheme(cert.signatureAlgorithm);
  const uses: AlgorithmUse[] = [keyUse(issuerSpki)];
  if ('hash' in scheme) uses.push({ kind: 'hash', hash: scheme.hash });
  for (const use of uses) {
    const check = checkAlgorithm(use, ctx.time, undefined, ctx.algorithmPolicy);
    if (!check.ok)
      throw new PathError(
        'WEAK_ALGORITHM',
        `Certificate ${index + 1} (${formatName(cert.subject)}): ${check.message}`,
        index,
        check.rule.name,
      );
  }
}

function hasUnknownCritical(cert: Certificate): string | undefined {
  return cert.extensions.find((e) => e.critical && !RECOGNISED_CERTIFICATE_EXTENSIONS.has(e.oid))?.oid;
}

/** RFC 5280 §6.1.2–§6.1.5 over one candidate path. Throws PathError on the first failure. */
export function runAlgorithm(path: CandidatePath, ctx: Context, options: PathValidationOptions): string[] {
  const certs = path.certificates;
  const n = certs.length;
  const anchor = path.anchor;
  const userPolicies = new Set(options.initialPolicySet ?? [OID.anyPolicy]);
  const tree = new PolicyTree();
  const nc = initialNameConstraints();
  let explicitPolicy = options.initialExplicitPolicy === true ? 0 : n + 1;
  let inhibitAnyPolicy = options.initialAnyPolicyInhibit === true ? 0 : n + 1;
  let policyMapping = options.initialPolicyMappingInhibit === true ? 0 : n + 1;
  let workingSpki = anchor.spki;
  let workingName = anchor.name;
  let workingCert = anchor.certificate;
  let maxPathLength = n;
  const strict = ctx.conformance === 'strict';
  if (strict && anchor.certificate !== undefined) {
    checkTrustAnchor(anchor, ctx.time);
    // RFC 5937 §2: the constraints of a trust anchor's certificate bind the paths it starts, as in OpenSSL.
    addNameConstraints(nc, anchor.certificate);
  }

  for (let k = 0; k < n; k++) {
    const cert = certs[k]!;
    const i = k + 1;
    const isLast = i === n;
    // §6.1.3 (a)
    if (cert.issuer.key !== workingName.key)
      throw new PathError(
        'NAME_CHAINING',
        `Issuer of certificate ${i} is not the subject of its issuer (${formatName(workingName)}).`,
        k,
      );
    verifySignature(cert, workingSpki, ctx.engine, k);
    checkCertificateAlgorithms(cert, workingSpki, ctx, k);
    if (ctx.time < cert.notBefore)
      throw new PathError('NOT_YET_VALID', `Certificate ${i} (${formatName(cert.subject)}) is not yet valid.`, k);
    if (ctx.time > cert.notAfter)
      throw new PathError('EXPIRED', `Certificate ${i} (${formatName(cert.subject)}) has expired.`, k);
    const selfSigned = isSelfIssued(cert) && Buffer.compare(cert.spki, workingSpki) === 0;
    const problem = strict ? checkConformance(cert, isLast ? 'target' : 'ca', selfSigned) : undefined;
    if (problem !== undefined) throw new PathError(problem.reason, `Certificate ${i}: ${problem.message}.`, k);
    if (ctx.revocation !== 'none') {
      const issuer = {
        name: workingName,
        spki: workingSpki,
        ...(workingCert === undefined ? {} : { certificate: workingCert }),
      };
      const status = certificateStatus(cert, issuer, ctx, revocationContext(ctx, anchor, certs, k));
      if (status.status === 'revoked')
        throw new PathError(
          'REVOKED',
          `Certificate ${i} (${formatName(cert.subject)}) was revoked on ${status.revocationDate.toISOString()}.`,
          k,
        );
      if (status.status === 'undetermined')
        throw new PathError(
          'NO_CRL',
          `Revocation status of certificate ${i} (${formatName(cert.subject)}) is unknown: ${status.message}`,
          k,
          status.policyRule,
        );
    }
    // §6.1.3 (b)(c)
    if (isLast || !isSelfIssued(cert)) {
      // The strict policy holds a target's host-name commonName to dNSName constraints, as OpenSSL does.
      const bad = checkNameConstraints(nc, cert, strict && isLast);
      if (bad !== undefined) throw new PathError('NAME_CONSTRAINTS', `Certificate ${i}: ${bad}.`, k);
    }
    // §6.1.3 (d)–(f)
    tree.processCertificatePolicies(cert, i, inhibitAnyPolicy, isLast || !isSelfIssued(cert));
    if (explicitPolicy === 0 && tree.isNull)
      throw new PathError('POLICY', `No valid policy at certificate ${i} while an explicit policy is required.`, k);
    if (isLast) break;
    // §6.1.4 (a)(b)
    const mappings = cert.policyMappings ?? [];
    if (mappings.some((m) => m.issuerDomainPolicy === OID.anyPolicy || m.subjectDomainPolicy === OID.anyPolicy))
      throw new PathError('POLICY', `Certificate ${i} maps anyPolicy.`, k);
    tree.processPolicyMappings(cert, i, policyMapping);
    // §6.1.4 (c)–(f)
    workingName = cert.subject;
    workingSpki = cert.spki;
    workingCert = cert;
    // §6.1.4 (g)
    addNameConstraints(nc, cert);
    // §6.1.4 (h)–(j)
    if (!isSelfIssued(cert)) {
      if (explicitPolicy !== 0) explicitPolicy--;
      if (policyMapping !== 0) policyMapping--;
      if (inhibitAnyPolicy !== 0) inhibitAnyPolicy--;
    }
    const pc = cert.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, pc.requireExplicitPolicy);
    if (pc?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, pc.inhibitPolicyMapping);
    if (cert.inhibitAnyPolicy !== undefined) inhibitAnyPolicy = Math.min(inhibitAnyPolicy, cert.inhibitAnyPolicy);
    // §6.1.4 (k)–(n)
    if (cert.basicConstraints?.ca !== true)
      throw new PathError(
        'BASIC_CONSTRAINTS',
        `Certificate ${i} (${formatName(cert.subject)}) is not a CA certificate.`,
        k,
      );
    if (!isSelfIssued(cert)) {
      if (maxPathLength <= 0) throw new PathError('PATH_LENGTH', `Certificate ${i} exceeds a pathLenConstraint.`, k);
      maxPathLength--;
    }
    const pathLen = cert.basicConstraints.pathLenConstraint;
    if (pathLen !== undefined) maxPathLength = Math.min(maxPathLength, pathLen);
    if (!allowsKeyUsage(cert, KeyUsageBit.keyCertSign))
      throw new PathError('KEY_USAGE', `Certificate ${i} may not sign certificates (keyUsage without keyCertSign).`, k);
    // §6.1.4 (o)
    const unknown = hasUnknownCritical(cert);
    if (unknown !== undefined)
      throw new PathError(
        'UNKNOWN_CRITICAL_EXTENSION',
        `Certificate ${i} has the unrecognised critical extension ${unknown}.`,
        k,
      );
  }
  // §6.1.5
  const leaf = certs[n - 1]!;
  if (explicitPolicy !== 0) explicitPolicy--;
  if (leaf.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  const unknown = hasUnknownCritical(leaf);
  if (unknown !== undefined)
    throw new PathError(
      'UNKNOWN_CRITICAL_EXTENSION',
      `The target has the unrecognised critical extension ${unknown}.`,
      n - 1,
    );
  tree.intersect(userPolicies, n);
  if (explicitPolicy === 0 && tree.isNull)
    throw new PathError(
      'POLICY',
      'The path is not valid for any policy acceptable to the user (RFC 5280 §6.1.5 (g)).',
      n - 1,
    );
  checkTargetUsage(leaf, options, n - 1);
  return tree.leafPolicies(n);
}

function checkTargetUsage(leaf: Certificate, options: PathValidationOptions, index: number): void {
  for (const bit of options.requiredKeyUsages ?? []) {
    if (!allowsKeyUsage(leaf, bit))
      throw new PathError('KEY_USAGE', `The target's keyUsage does not allow bit ${bit}.`, index);
  }
  const required = options.requiredExtendedKeyUsages;
  if (required !== undefined && required.length > 0) {
    const eku = leaf.extKeyUsage;
    if (eku === undefined) throw new PathError('EXTENDED_KEY_USAGE', 'The target has no extKeyUsage.', index);
    const ok = eku.includes(OID.anyExtendedKeyUsage) || required.every((p) => eku.includes(p));
    if (!ok)
      throw new PathError(
        'EXTENDED_KEY_USAGE',
        `The target's extKeyUsage lacks ${required.filter((p) => !eku.includes(p)).join(', ')}.`,
        index,
      );
  }
}
