import { PkiError } from './errors.ts';

/** One PEM block (RFC 7468): its label and DER content. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** Encodes DER as a PEM block with the given label (RFC 7468 §2), 64-column base64. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Reads every PEM block of a text (RFC 7468 §2), ignoring text between blocks. Throws PkiError MALFORMED. */
export function fromPem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== m[3]) throw new PkiError('MALFORMED', `PEM labels ${m[1]} and ${m[3]} differ.`);
    const body = m[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new PkiError('MALFORMED', `PEM block ${m[1]} is not base64.`);
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return out;
}

/** The DER of every block with `label` (e.g. CERTIFICATE, X509 CRL). */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  return fromPem(text)
    .filter((b) => b.label === label)
    .map((b) => b.der);
}

/** Accepts DER or PEM bytes and returns DER of the first block with `label` (input unchanged when DER). */
export function toDer(input: Uint8Array | string, label: string): Uint8Array {
  const text =
    typeof input === 'string' ? input : input[0] === 0x2d ? Buffer.from(input).toString('latin1') : undefined;
  if (text === undefined) return input as Uint8Array;
  const der = pemBlocks(text, label)[0];
  if (der === undefined) throw new PkiError('MALFORMED', `No PEM block ${label}.`);
  return der;
}
