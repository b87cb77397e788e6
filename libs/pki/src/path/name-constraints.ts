import { OID } from '../oids.ts';
import type { Certificate } from '../x509/certificate.ts';
import type { GeneralName } from '../x509/general-name.ts';
import { nameHasPrefix, nameValues } from '../x509/name.ts';

/**
 * The permitted_subtrees / excluded_subtrees state of RFC 5280 §6.1.2 (b)(c).
 * Permitted subtrees are kept as one set per certificate: a name lies in the
 * intersection when every set that constrains its name form admits it.
 */
export interface NameConstraintsState {
  readonly permittedSets: (readonly GeneralName[])[];
  readonly excluded: GeneralName[];
}

/** The initial state: every name permitted, none excluded. */
export function initialNameConstraints(): NameConstraintsState {
  return { permittedSets: [], excluded: [] };
}

/** §6.1.4 (g): adds the nameConstraints of a CA certificate to the state. */
export function addNameConstraints(state: NameConstraintsState, cert: Certificate): void {
  const nc = cert.nameConstraints;
  if (nc === undefined) return;
  if (nc.permitted !== undefined) state.permittedSets.push(nc.permitted);
  if (nc.excluded !== undefined) state.excluded.push(...nc.excluded);
}

function dnsMatches(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const c = constraint.toLowerCase().replace(/\.$/, '');
  if (c === '') return true;
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

function rfc822Matches(mailbox: string, constraint: string): boolean {
  const at = mailbox.lastIndexOf('@');
  if (at < 0) return false;
  if (constraint.includes('@'))
    return (
      mailbox.slice(0, mailbox.lastIndexOf('@')) === constraint.slice(0, constraint.lastIndexOf('@')) &&
      mailbox.slice(at + 1).toLowerCase() === constraint.slice(constraint.lastIndexOf('@') + 1).toLowerCase()
    );
  const host = mailbox.slice(at + 1).toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return host.endsWith(c);
  return host === c;
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  return m?.[1]?.toLowerCase();
}

function uriMatches(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (host === undefined || host === '') return false;
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return host.endsWith(c);
  return host === c;
}

function ipMatches(ip: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== ip.length * 2) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = constraint[ip.length + i]!;
    if ((ip[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

/** True when `name` lies within the subtree rooted at `base` (same name form required). */
export function withinSubtree(name: GeneralName, base: GeneralName): boolean {
  if (name.kind !== base.kind) return false;
  switch (name.kind) {
    case 'directory':
      return base.kind === 'directory' && nameHasPrefix(name.value, base.value);
    case 'dns':
      return base.kind === 'dns' && dnsMatches(name.value, base.value);
    case 'rfc822':
      return base.kind === 'rfc822' && rfc822Matches(name.value, base.value);
    case 'uri':
      return base.kind === 'uri' && uriMatches(name.value, base.value);
    case 'ip':
      return base.kind === 'ip' && ipMatches(name.value, base.value);
    case 'registeredId':
      return base.kind === 'registeredId' && name.value === base.value;
    case 'other':
      return base.kind === 'other' && name.tag === base.tag && Buffer.compare(name.der, base.der) === 0;
  }
}

/** The names of a certificate subject to name constraints (§6.1.3 (b)(c), §4.2.1.10 on emailAddress). */
export function constrainedNames(cert: Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) names.push({ kind: 'directory', value: cert.subject });
  for (const email of nameValues(cert.subject, OID.emailAddress)) names.push({ kind: 'rfc822', value: email });
  if (cert.subjectAltName !== undefined) names.push(...cert.subjectAltName);
  return names;
}

// OpenSSL's cn2dnsid: a commonName of LDH labels with at least one dot reads as a host name.
const HOST_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/i;

/**
 * The subject commonNames that read as host names, for a certificate with no
 * dNSName in its subjectAltName: the names a TLS client would still match
 * (RFC 6125 §6.4.4), so OpenSSL holds them to dNSName constraints too.
 */
export function commonNameHosts(cert: Certificate): GeneralName[] {
  if (cert.subjectAltName?.some((n) => n.kind === 'dns') === true) return [];
  return nameValues(cert.subject, OID.commonName)
    .filter((cn) => HOST_NAME.test(cn))
    .map((value) => ({ kind: 'dns', value }));
}

/**
 * §6.1.3 (b)(c): checks the subject names of a certificate against the state;
 * with `commonNamesAsHosts`, also the commonNames that read as host names.
 * Returns the offending name as text, or undefined when all names pass.
 */
export function checkNameConstraints(
  state: NameConstraintsState,
  cert: Certificate,
  commonNamesAsHosts = false,
): string | undefined {
  const names = [...constrainedNames(cert), ...(commonNamesAsHosts ? commonNameHosts(cert) : [])];
  for (const name of names) {
    for (const set of state.permittedSets) {
      const sameForm = set.filter((b) => b.kind === name.kind);
      if (sameForm.length > 0 && !sameForm.some((b) => withinSubtree(name, b)))
        return `${name.kind} name not within the permitted subtrees`;
    }
    if (state.excluded.some((b) => withinSubtree(name, b))) return `${name.kind} name within an excluded subtree`;
  }
  return undefined;
}
