import type { NameInput } from '@lienthong/pki';
import { CliError } from './errors.ts';

// Attribute type names accepted on the command line (lower-cased) → the names the PKI library encodes.
const TYPES: Record<string, string> = {
  cn: 'CN',
  c: 'C',
  o: 'O',
  ou: 'OU',
  l: 'L',
  st: 'ST',
  s: 'ST',
  title: 'title',
  serialnumber: 'serialNumber',
  emailaddress: 'emailAddress',
  e: 'emailAddress',
  uid: 'UID',
  dc: 'DC',
  gn: 'GN',
  givenname: 'GN',
  sn: 'SN',
  surname: 'SN',
};

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1]!;
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

// RFC 4514 §3: `\` followed by a special character or by two hex digits (a UTF-8 octet).
function unescape(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '\\' && i + 1 < value.length) {
      bytes.push(...Buffer.from(value[i + 1]!, 'utf8'));
      i++;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function attribute(text: string, dn: string): { type: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliError('BAD_NAME', `"${dn}": "${text.trim()}" is not TYPE=value.`);
  const key = text.slice(0, eq).trim();
  const type = TYPES[key.toLowerCase()] ?? (/^\d+(\.\d+)+$/.test(key) ? key : undefined);
  if (type === undefined)
    throw new CliError(
      'BAD_NAME',
      `"${dn}": unknown attribute type ${key} (use CN, O, OU, C, L, ST, title, serialNumber, emailAddress, UID, DC, GN, SN or an OID).`,
    );
  const value = unescape(text.slice(eq + 1).trim());
  if (value === '') throw new CliError('BAD_NAME', `"${dn}": ${key} has an empty value.`);
  if (splitUnescaped(text, '+').length > 1)
    throw new CliError('BAD_NAME', `"${dn}": multi-valued RDNs (+) are not supported.`);
  return { type, value };
}

/**
 * Reads a distinguished name typed on the command line into the
 * most-significant-first form the PKI library encodes. Two spellings:
 * RFC 4514 (`CN=Văn phòng,O=Tỉnh ủy Hà Nội,C=VN`, least significant first, with
 * `\,` escapes) and OpenSSL's `-subj` form (`/C=VN/O=Tỉnh ủy Hà Nội/CN=Văn phòng`).
 */
export function parseDistinguishedName(dn: string): NameInput {
  const text = dn.trim();
  if (text === '') throw new CliError('BAD_NAME', 'The distinguished name is empty.');
  if (text.startsWith('/')) return splitUnescaped(text.slice(1), '/').map((p) => attribute(p, dn));
  return splitUnescaped(text, ',')
    .map((p) => attribute(p, dn))
    .reverse();
}
