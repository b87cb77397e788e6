import type { KeySpec } from '@lienthong/pki';
import { CliError } from './errors.ts';

/** Key types the CLI generates: RSA (RFC 8017) and ECDSA on NIST curves (RFC 5480). */
export const KEY_TYPES: Readonly<Record<string, KeySpec>> = {
  rsa2048: { type: 'rsa', modulusLength: 2048 },
  rsa3072: { type: 'rsa', modulusLength: 3072 },
  rsa4096: { type: 'rsa', modulusLength: 4096 },
  p256: { type: 'ec', namedCurve: 'P-256' },
  p384: { type: 'ec', namedCurve: 'P-384' },
};

/** The key specification named by --key-type. */
export function parseKeyType(value: string): KeySpec {
  const spec = KEY_TYPES[value];
  if (spec === undefined)
    throw new CliError('USAGE', `--key-type ${value}: expected one of ${Object.keys(KEY_TYPES).join(', ')}.`);
  return spec;
}
