import type { GeneralName } from './general-name.ts';

// RFC 1034 §3.5 preferred name syntax, as RFC 5280 §4.2.1.6 requires of dNSName (no empty labels, LDH only).
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

function dnsProblem(name: string, wildcard: boolean): string | undefined {
  if (name.length === 0 || name === ' ') return 'an empty dNSName';
  if (name.length > 253) return 'a dNSName longer than 253 characters';
  const labels = name.split('.');
  // A leftmost "*" is accepted in a subject name: RFC 5280 leaves wildcards to RFC 6125, which allows them there.
  const first = wildcard && labels[0] === '*' && labels.length > 2 ? 1 : 0;
  if (labels.slice(first).some((l) => !LABEL.test(l))) return `the dNSName "${name}" is not in preferred name syntax`;
  return undefined;
}

function mailboxProblem(value: string): string | undefined {
  const at = value.lastIndexOf('@');
  if (at <= 0 || dnsProblem(value.slice(at + 1), false) !== undefined)
    return `the rfc822Name "${value}" is not a mailbox (addr-spec)`;
  return undefined;
}

function uriProblem(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value)) return `the uniformResourceIdentifier "${value}" is not absolute`;
  return undefined;
}

/**
 * Why a GeneralName of a subjectAltName breaks RFC 5280 §4.2.1.6 (dNSName in
 * preferred name syntax, rfc822Name a mailbox, URI absolute, iPAddress of 4
 * or 16 octets), or undefined when it does not.
 */
export function generalNameProblem(name: GeneralName): string | undefined {
  switch (name.kind) {
    case 'dns':
      return dnsProblem(name.value, true);
    case 'rfc822':
      return mailboxProblem(name.value);
    case 'uri':
      return uriProblem(name.value);
    case 'ip':
      return name.value.length === 4 || name.value.length === 16
        ? undefined
        : `an iPAddress of ${name.value.length} octets (4 or 16 expected)`;
    case 'directory':
    case 'registeredId':
    case 'other':
      return undefined;
  }
}

function isContiguousMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of mask)
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte & (1 << bit)) !== 0;
      if (set && seenZero) return false;
      if (!set) seenZero = true;
    }
  return true;
}

/**
 * Why a GeneralSubtree base breaks RFC 5280 §4.2.1.10 (iPAddress as address
 * and contiguous mask, 8 or 32 octets; dNSName, mailbox, host or domain in
 * their syntax, an empty dNSName meaning every name), or undefined.
 */
export function subtreeProblem(base: GeneralName): string | undefined {
  switch (base.kind) {
    case 'ip': {
      const n = base.value.length;
      if (n !== 8 && n !== 32) return `an iPAddress constraint of ${n} octets (8 or 32 expected)`;
      return isContiguousMask(base.value.subarray(n / 2)) ? undefined : 'an iPAddress constraint with a gapped mask';
    }
    case 'dns':
      return base.value === '' ? undefined : dnsProblem(base.value.replace(/^\./, ''), false);
    case 'rfc822':
      return base.value.includes('@') ? mailboxProblem(base.value) : dnsProblem(base.value.replace(/^\./, ''), false);
    case 'uri':
      return dnsProblem(base.value.replace(/^\./, ''), false);
    case 'directory':
    case 'registeredId':
    case 'other':
      return undefined;
  }
}
