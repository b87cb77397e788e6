import { OID } from '../oids.ts';
import { allowsKeyUsage, type Certificate } from '../x509/certificate.ts';
import { KeyUsageBit } from '../x509/extensions.ts';
import { formatName } from '../x509/name.ts';
import { generalNameProblem, subtreeProblem } from '../x509/name-syntax.ts';
import type { PathFailureReason } from './types.ts';

/** Where a certificate stands in the path: the trust anchor's own, a CA below it, or the target. */
export type CertificateRole = 'anchor' | 'ca' | 'target';

/** A conforming-CA requirement of RFC 5280 §4 the certificate breaks. */
export interface ConformanceProblem {
  readonly reason: PathFailureReason;
  readonly message: string;
}

const MUST_NOT_BE_CRITICAL: ReadonlyMap<string, string> = new Map([
  [OID.authorityKeyIdentifier, 'authorityKeyIdentifier (§4.2.1.1)'],
  [OID.subjectKeyIdentifier, 'subjectKeyIdentifier (§4.2.1.2)'],
  [OID.freshestCRL, 'freshestCRL (§4.2.1.15)'],
  [OID.authorityInfoAccess, 'authorityInfoAccess (§4.2.2.1)'],
  [OID.subjectInfoAccess, 'subjectInfoAccess (§4.2.2.2)'],
]);

// nameConstraints, policyConstraints and inhibitAnyPolicy "MUST" be critical too (§4.2.1.10, .11, .14), yet NIST
// PKITS issues them non-critical in cases it expects to validate (4.8.6, 4.10.1, …) and OpenSSL does not check it:
// a relying party loses nothing by processing them either way, so that rule is not enforced.

const nonConforming = (message: string): ConformanceProblem => ({ reason: 'NON_CONFORMING', message });

function serialProblem(serial: Uint8Array): string | undefined {
  if (serial.length === 0 || (serial[0]! & 0x80) !== 0) return 'its serial number is negative';
  if (serial.every((b) => b === 0)) return 'its serial number is zero';
  // Twenty octets of value; a leading zero octet only keeps the INTEGER positive.
  const octets = serial[0] === 0 ? serial.length - 1 : serial.length;
  if (octets > 20) return `its serial number is ${octets} octets long (at most 20)`;
  return undefined;
}

function nameProblem(cert: Certificate, role: CertificateRole): string | undefined {
  if (cert.issuer.rdns.length === 0) return 'its issuer name is empty (§4.1.2.4)';
  const san = cert.subjectAltName;
  if (san !== undefined && san.length === 0) return 'its subjectAltName is empty (§4.2.1.6)';
  if (cert.subject.rdns.length === 0) {
    if (role !== 'target') return 'it is a CA certificate with an empty subject (§4.1.2.6)';
    if (san === undefined) return 'its subject is empty and it has no subjectAltName (§4.2.1.6)';
    if (!cert.extensions.some((e) => e.oid === OID.subjectAltName && e.critical))
      return 'its subject is empty and its subjectAltName is not critical (§4.2.1.6)';
  }
  for (const name of san ?? []) {
    const p = generalNameProblem(name);
    if (p !== undefined) return `its subjectAltName holds ${p}`;
  }
  const nc = cert.nameConstraints;
  if (nc !== undefined) {
    const subtrees = [...(nc.permitted ?? []), ...(nc.excluded ?? [])];
    if (subtrees.length === 0) return 'its nameConstraints is empty (§4.2.1.10)';
    for (const base of subtrees) {
      const p = subtreeProblem(base);
      if (p !== undefined) return `its nameConstraints hold ${p}`;
    }
  }
  return undefined;
}

function caProblem(cert: Certificate): ConformanceProblem | undefined {
  const bc = cert.extensions.find((e) => e.oid === OID.basicConstraints);
  if (bc === undefined || cert.basicConstraints?.ca !== true)
    return {
      reason: 'BASIC_CONSTRAINTS',
      message: 'it is used as a CA but has no basicConstraints with cA (§4.2.1.9)',
    };
  if (!bc.critical) return { reason: 'BASIC_CONSTRAINTS', message: 'its basicConstraints is not critical (§4.2.1.9)' };
  if (cert.keyUsage === undefined)
    return { reason: 'KEY_USAGE', message: 'it is a CA certificate without keyUsage (§4.2.1.3)' };
  if (cert.subjectKeyIdentifier === undefined)
    return nonConforming('it is a CA certificate without subjectKeyIdentifier (§4.2.1.2)');
  return undefined;
}

/**
 * Checks the requirements RFC 5280 §4 places on conforming CAs that a relying
 * party can see in one certificate: serial number (§4.1.2.2), non-empty issuer
 * and CA subject (§4.1.2.4, §4.1.2.6), subjectAltName and name constraint
 * syntax (§4.2.1.6, §4.2.1.10), criticality, critical basicConstraints, keyUsage
 * and subjectKeyIdentifier in CA certificates, keyCertSign and pathLenConstraint
 * only with cA (§4.2.1.3, §4.2.1.9), authorityKeyIdentifier with keyIdentifier
 * in every certificate but a self-signed one (§4.2.1.1). Duplicate extensions are
 * refused when the certificate is read.
 */
export function checkConformance(
  cert: Certificate,
  role: CertificateRole,
  selfSigned = role === 'anchor',
): ConformanceProblem | undefined {
  const where = (p: ConformanceProblem): ConformanceProblem => ({
    reason: p.reason,
    message: `${formatName(cert.subject) || 'the certificate'}: ${p.message}`,
  });
  const serial = serialProblem(cert.serialNumber);
  if (serial !== undefined) return where(nonConforming(`${serial} (§4.1.2.2)`));
  const name = nameProblem(cert, role);
  if (name !== undefined) return where(nonConforming(name));
  for (const e of cert.extensions) {
    if (e.critical && MUST_NOT_BE_CRITICAL.has(e.oid))
      return where(nonConforming(`${MUST_NOT_BE_CRITICAL.get(e.oid)!} is marked critical`));
  }
  if (role !== 'target' || cert.basicConstraints?.ca === true) {
    const p = caProblem(cert);
    if (p !== undefined) return where(p);
  } else if (cert.keyUsage !== undefined) {
    if (allowsKeyUsage(cert, KeyUsageBit.keyCertSign))
      return where({ reason: 'KEY_USAGE', message: 'keyUsage asserts keyCertSign without cA (§4.2.1.3)' });
  }
  const bc = cert.basicConstraints;
  if (bc?.pathLenConstraint !== undefined && (!bc.ca || !allowsKeyUsage(cert, KeyUsageBit.keyCertSign)))
    return where({ reason: 'BASIC_CONSTRAINTS', message: 'pathLenConstraint without cA and keyCertSign (§4.2.1.9)' });
  if (!selfSigned && cert.version === 3 && cert.authorityKeyIdentifier?.keyIdentifier === undefined)
    return where(nonConforming('it has no authorityKeyIdentifier keyIdentifier (§4.2.1.1)'));
  return undefined;
}
