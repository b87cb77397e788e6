import { children, content, encoded, readOid, sequence, type DerNode } from '../der/reader.ts';
import { OID } from '../oids.ts';

/** One AttributeTypeAndValue of a distinguished name (RFC 5280 §4.1.2.4). */
export interface NameAttribute {
  readonly type: string;
  /** Universal tag of the value (12 UTF8String, 19 PrintableString, …). */
  readonly valueTag: number;
  /** The value decoded as text, or hex for non-string values. */
  readonly value: string;
}

/** A distinguished name: RDNSequence of RDNs, each a SET of attributes (RFC 5280 §4.1.2.4). */
export interface Name {
  readonly der: Uint8Array;
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** Canonical key: equal keys ⇔ equal names under the RFC 5280 §7.1 comparison rules. */
  readonly key: string;
}

const STRING_TAGS = new Set([12, 19, 20, 22, 26, 28, 30]);

function decodeString(tag: number, b: Uint8Array): string {
  switch (tag) {
    case 12:
      return Buffer.from(b).toString('utf8');
    case 30: {
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case 28: {
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4)
        s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      return Buffer.from(b).toString('latin1');
  }
}

/**
 * Normalises a directory string for comparison as RFC 5280 §7.1 asks (a
 * simplification of RFC 4518 string preparation): leading and trailing
 * spaces removed, inner runs of white space folded to one, case folded.
 */
export function normaliseDirectoryString(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function attributeKey(a: NameAttribute): string {
  return STRING_TAGS.has(a.valueTag) ? `${a.type}=${normaliseDirectoryString(a.value)}` : `${a.type}#${a.value}`;
}

/** Reads a Name (RDNSequence) node. */
export function readName(node: DerNode | undefined): Name {
  const rdns = sequence(node, 'Name').map((set) =>
    children(set).map((atv): NameAttribute => {
      const [t, v] = sequence(atv, 'AttributeTypeAndValue');
      const type = readOid(t);
      if (v === undefined) return { type, valueTag: -1, value: '' };
      const isString = v.cls === 0 && STRING_TAGS.has(v.tag);
      return {
        type,
        valueTag: v.cls === 0 ? v.tag : -1,
        value: isString ? decodeString(v.tag, content(v)) : Buffer.from(encoded(v)).toString('hex'),
      };
    }),
  );
  const key = JSON.stringify(rdns.map((rdn) => rdn.map(attributeKey).sort()));
  return { der: Uint8Array.from(encoded(node!)), rdns, key };
}

/** True when two names match under RFC 5280 §7.1. */
export function namesEqual(a: Name, b: Name): boolean {
  return a.key === b.key;
}

/** True when `prefix` is a leading sequence of RDNs of `name` (RFC 5280 §4.2.1.10 directoryName subtrees). */
export function nameHasPrefix(name: Name, prefix: Name): boolean {
  if (prefix.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < prefix.rdns.length; i++) {
    const a = name.rdns[i]!.map(attributeKey).sort().join('+');
    const b = prefix.rdns[i]!.map(attributeKey).sort().join('+');
    if (a !== b) return false;
  }
  return true;
}

const SHORT: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.countryName]: 'C',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.title]: 'title',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.serialNumber]: 'serialNumber',
  [OID.emailAddress]: 'emailAddress',
  [OID.domainComponent]: 'DC',
  [OID.givenName]: 'GN',
  [OID.surname]: 'SN',
  [OID.userId]: 'UID',
};

/** A readable one-line form, most significant RDN first (for messages, not for comparison). */
export function formatName(name: Name): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${SHORT[a.type] ?? a.type}=${a.value}`).join('+')).join(', ');
}

/** The text values of one attribute type in a name, in order. */
export function nameValues(name: Name, type: string): string[] {
  return name.rdns.flatMap((rdn) => rdn.filter((a) => a.type === type).map((a) => a.value));
}
