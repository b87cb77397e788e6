import { CrlReason, type RevocationInput } from '@lienthong/pki';
import { CliError } from '../errors.ts';

/** A serial number typed in hex (as `lienthong` and `openssl x509 -serial` print it), as minimal INTEGER content octets. */
export function parseSerial(text: string): Uint8Array {
  const hex = text.replace(/^0x/i, '').replace(/:/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex))
    throw new CliError('USAGE', `--revoke ${text}: the serial number must be hexadecimal.`);
  let bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  // RFC 5280 §4.1.2.2: positive INTEGER, DER minimal (X.690 §8.3.2).
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  const out = new Uint8Array(bytes.subarray(start));
  if (out.length === 1 && out[0] === 0)
    throw new CliError('USAGE', `--revoke ${text}: the serial number must be positive.`);
  if (out.length > 21)
    throw new CliError('USAGE', `--revoke ${text}: a serial number has at most 20 octets (RFC 5280 §4.1.2.2).`);
  return out;
}

function parseReason(spec: string, text: string): number {
  const named = (CrlReason as Record<string, number>)[text];
  if (named !== undefined) return named;
  throw new CliError('USAGE', `--revoke ${spec}: unknown reason ${text} (use ${Object.keys(CrlReason).join(', ')}).`);
}

/**
 * `SERIAL[:reason]` → a CRL entry revoked at `when` (RFC 5280 §5.1.2.6, reasonCode §5.3.1).
 * The reason is a CRLReason name: a number after the last colon would be read
 * as part of a colon-separated serial.
 */
export function parseRevocation(spec: string, when: Date): RevocationInput {
  const at = spec.lastIndexOf(':');
  const tail = at < 0 ? undefined : spec.slice(at + 1);
  // A colon-separated serial (ab:cd:ef) has no reason unless the last part is not hex.
  const hasReason = tail !== undefined && !/^[0-9a-fA-F]{1,2}$/.test(tail);
  const serialText = hasReason ? spec.slice(0, at) : spec;
  const reason = hasReason ? parseReason(spec, tail) : undefined;
  return { serialNumber: parseSerial(serialText), revocationDate: when, ...(reason === undefined ? {} : { reason }) };
}
