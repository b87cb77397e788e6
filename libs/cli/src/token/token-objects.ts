/**
 * Objects on the signer's token (PKCS#11 v2.40 §4.6–4.9): the private key named by label or
 * CKA_ID, its public half as a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), the X.509
 * certificate stored beside it (CKO_CERTIFICATE with the same CKA_ID) and the CA
 * certificates that issued it, a key pair generated on the token, and a listing without
 * secrets. Nothing here reads a private key's value: the token never gives it.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import { formatName, namesEqual, readCertificate, type Certificate } from '@lienthong/pki';
import type * as Pkcs11Js from 'pkcs11js';
import { CliError } from '../errors.ts';
import { pkcs11, tokenFailure, ulong, type TokenSession } from './pkcs11-module.ts';

/** Which key: its CKA_LABEL or its CKA_ID (at least one). */
export interface TokenKeyRef {
  readonly label?: string;
  readonly id?: Buffer;
}

/** A private key found on the token. */
export interface TokenKey {
  readonly handle: Buffer;
  readonly label: string;
  readonly id: Buffer;
  readonly keyType: 'rsa' | 'ec';
}

/** Key pairs `token csr --generate` makes. */
export type TokenKeySpec = 'p-256' | 'p-384' | 'rsa-2048' | 'rsa-3072';

// DER of the curve OIDs for CKA_EC_PARAMS (ECParameters namedCurve, RFC 5480 §2.1.1.1).
const EC_PARAMS: Record<'P-256' | 'P-384', Buffer> = {
  'P-256': Buffer.from('06082a8648ce3d030107', 'hex'),
  'P-384': Buffer.from('06052b81040022', 'hex'),
};

const describe = (ref: TokenKeyRef): string =>
  ref.label !== undefined ? `label '${ref.label}'` : `id ${Buffer.from(ref.id ?? []).toString('hex')}`;

function findObjects(session: TokenSession, template: Pkcs11Js.Template, max = 64): Buffer[] {
  const { module, handle } = session;
  module.C_FindObjectsInit(handle, template);
  try {
    return module.C_FindObjects(handle, max);
  } finally {
    module.C_FindObjectsFinal(handle);
  }
}

function attributes(session: TokenSession, object: Buffer, types: number[]): Buffer[] {
  return session.module
    .C_GetAttributeValue(
      session.handle,
      object,
      types.map((type) => ({ type })),
    )
    .map((a) => a.value ?? Buffer.alloc(0));
}

function refTemplate(keyClass: number, ref: TokenKeyRef): Pkcs11Js.Template {
  const template: Pkcs11Js.Template = [{ type: pkcs11().CKA_CLASS, value: keyClass }];
  if (ref.label !== undefined) template.push({ type: pkcs11().CKA_LABEL, value: ref.label });
  if (ref.id !== undefined) template.push({ type: pkcs11().CKA_ID, value: ref.id });
  return template;
}

/** The private key with that label or id; TOKEN_KEY_NOT_FOUND when there is none, TOKEN_KEY_UNSUITABLE when it is neither RSA nor EC. */
export function findPrivateKey(session: TokenSession, ref: TokenKeyRef): TokenKey {
  try {
    const [handle] = findObjects(session, refTemplate(pkcs11().CKO_PRIVATE_KEY, ref), 1);
    if (handle === undefined)
      throw new CliError(
        'TOKEN_KEY_NOT_FOUND',
        `no private key with ${describe(ref)} on token '${session.tokenLabel}' ('lienthong token list' shows its keys).`,
      );
    const [label, id, keyType] = attributes(session, handle, [
      pkcs11().CKA_LABEL,
      pkcs11().CKA_ID,
      pkcs11().CKA_KEY_TYPE,
    ]);
    const type = ulong(keyType!);
    if (type !== pkcs11().CKK_RSA && type !== pkcs11().CKK_EC)
      throw new CliError('TOKEN_KEY_UNSUITABLE', `key ${describe(ref)} is of CKK type ${type}, neither RSA nor EC.`);
    return { handle, label: label!.toString('utf8'), id: id!, keyType: type === pkcs11().CKK_RSA ? 'rsa' : 'ec' };
  } catch (error) {
    throw tokenFailure(error, `find key ${describe(ref)}`);
  }
}

/** The SubjectPublicKeyInfo DER of the key's public half (the CKO_PUBLIC_KEY with its CKA_ID), or undefined when the token holds none. */
export function publicKeyOf(session: TokenSession, key: TokenKey): Uint8Array | undefined {
  try {
    const [handle] = findObjects(session, refTemplate(pkcs11().CKO_PUBLIC_KEY, { id: key.id }), 1);
    if (handle === undefined) return undefined;
    if (key.keyType === 'rsa') {
      const [n, e] = attributes(session, handle, [pkcs11().CKA_MODULUS, pkcs11().CKA_PUBLIC_EXPONENT]);
      return spki({ kty: 'RSA', n: n!.toString('base64url'), e: e!.toString('base64url') });
    }
    const [params, point] = attributes(session, handle, [pkcs11().CKA_EC_PARAMS, pkcs11().CKA_EC_POINT]);
    const curve = (Object.keys(EC_PARAMS) as ('P-256' | 'P-384')[]).find((c) => EC_PARAMS[c].equals(params!));
    if (curve === undefined)
      throw new CliError('TOKEN_KEY_UNSUITABLE', `key '${key.label}' is on a curve other than P-256 or P-384.`);
    const raw = unwrapOctetString(point!);
    const size = (raw.length - 1) / 2;
    if (raw[0] !== 0x04 || !Number.isInteger(size))
      throw new CliError('TOKEN_FAILED', `key '${key.label}': CKA_EC_POINT is not an uncompressed point.`);
    return spki({
      kty: 'EC',
      crv: curve,
      x: raw.subarray(1, 1 + size).toString('base64url'),
      y: raw.subarray(1 + size).toString('base64url'),
    });
  } catch (error) {
    throw tokenFailure(error, `read the public key of '${key.label}'`);
  }
}

function spki(jwk: Record<string, string>): Uint8Array {
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

// PKCS#11 v2.40 says CKA_EC_POINT is DER (an OCTET STRING); some modules give the raw point.
function unwrapOctetString(value: Buffer): Buffer {
  if (value[0] !== 0x04 || value.length < 2) return value;
  const first = value[1]!;
  const [len, start] = first < 0x80 ? [first, 2] : [value.readUIntBE(2, first & 0x7f), 2 + (first & 0x7f)];
  return start + len === value.length ? value.subarray(start) : value;
}

/** Every X.509 certificate on the token (CKO_CERTIFICATE, CKC_X_509) that reads, with its label and id. */
export function tokenCertificates(session: TokenSession): { label: string; id: Buffer; certificate: Certificate }[] {
  try {
    const found = findObjects(session, [{ type: pkcs11().CKA_CLASS, value: pkcs11().CKO_CERTIFICATE }]);
    return found.flatMap((handle) => {
      const [label, id, value] = attributes(session, handle, [pkcs11().CKA_LABEL, pkcs11().CKA_ID, pkcs11().CKA_VALUE]);
      try {
        return [{ label: label!.toString('utf8'), id: id!, certificate: readCertificate(value!) }];
      } catch {
        return [];
      }
    });
  } catch (error) {
    throw tokenFailure(error, 'read the certificates');
  }
}

/**
 * The certificate of `key` on the token (same CKA_ID, else same label, and holding its
 * public key when the token has it) and the CA certificates on the token that issued it,
 * up to (without) a self-signed root. Undefined when the token holds no certificate of it.
 */
export function certificateOf(
  session: TokenSession,
  key: TokenKey,
  spkiDer: Uint8Array | undefined,
): { certificate: Certificate; chain: Certificate[] } | undefined {
  const all = tokenCertificates(session);
  const fits = (c: Certificate) => spkiDer === undefined || Buffer.from(c.spki).equals(Buffer.from(spkiDer));
  const own =
    all.find((c) => c.id.length > 0 && c.id.equals(key.id) && fits(c.certificate)) ??
    all.find((c) => c.label === key.label && fits(c.certificate));
  if (own === undefined) return undefined;
  const chain: Certificate[] = [];
  let current = own.certificate;
  while (chain.length < 8 && !namesEqual(current.issuer, current.subject)) {
    const issuer = all.find(
      (c) =>
        namesEqual(c.certificate.subject, current.issuer) && !namesEqual(c.certificate.subject, c.certificate.issuer),
    );
    if (issuer === undefined || chain.includes(issuer.certificate)) break;
    chain.push(issuer.certificate);
    current = issuer.certificate;
  }
  return { certificate: own.certificate, chain };
}

/** A key or certificate object, as `token list` shows it (no value of a key). */
export interface TokenObjectSummary {
  readonly class: 'private-key' | 'public-key' | 'certificate';
  readonly label: string;
  readonly id: string;
  readonly keyType?: string;
  readonly subject?: string;
  readonly notAfter?: string;
}

/** The private keys, public keys and certificates the session can see. */
export function listObjects(session: TokenSession): TokenObjectSummary[] {
  const out: TokenObjectSummary[] = [];
  try {
    for (const [name, keyClass] of [
      ['private-key', pkcs11().CKO_PRIVATE_KEY],
      ['public-key', pkcs11().CKO_PUBLIC_KEY],
    ] as const) {
      for (const handle of findObjects(session, [{ type: pkcs11().CKA_CLASS, value: keyClass }], 256)) {
        const [label, id, keyType] = attributes(session, handle, [
          pkcs11().CKA_LABEL,
          pkcs11().CKA_ID,
          pkcs11().CKA_KEY_TYPE,
        ]);
        const type = ulong(keyType!);
        out.push({
          class: name,
          label: label!.toString('utf8'),
          id: id!.toString('hex'),
          keyType: type === pkcs11().CKK_RSA ? 'rsa' : type === pkcs11().CKK_EC ? 'ec' : `ckk-${type}`,
        });
      }
    }
  } catch (error) {
    throw tokenFailure(error, 'list the keys');
  }
  for (const c of tokenCertificates(session))
    out.push({
      class: 'certificate',
      label: c.label,
      id: c.id.toString('hex'),
      subject: formatName(c.certificate.subject),
      notAfter: c.certificate.notAfter.toISOString(),
    });
  return out;
}

/**
 * Generates a key pair on the token (CKM_EC_KEY_PAIR_GEN or CKM_RSA_PKCS_KEY_PAIR_GEN):
 * both halves persistent with `label` and a random 16-byte CKA_ID, the private one private,
 * sensitive, not extractable, for signing only. TOKEN_KEY_EXISTS when the label is taken.
 */
export function generateKeyPair(session: TokenSession, label: string, spec: TokenKeySpec): TokenKey {
  const { module, handle } = session;
  const id = randomBytes(16);
  try {
    if (findObjects(session, [{ type: pkcs11().CKA_LABEL, value: label }], 1).length > 0)
      throw new CliError(
        'TOKEN_KEY_EXISTS',
        `an object labelled '${label}' is already on token '${session.tokenLabel}'.`,
      );
    const common = [
      { type: pkcs11().CKA_TOKEN, value: true },
      { type: pkcs11().CKA_LABEL, value: label },
      { type: pkcs11().CKA_ID, value: id },
    ];
    const isRsa = spec.startsWith('rsa');
    const publicTemplate: Pkcs11Js.Template = [
      ...common,
      { type: pkcs11().CKA_CLASS, value: pkcs11().CKO_PUBLIC_KEY },
      { type: pkcs11().CKA_KEY_TYPE, value: isRsa ? pkcs11().CKK_RSA : pkcs11().CKK_EC },
      { type: pkcs11().CKA_VERIFY, value: true },
      { type: pkcs11().CKA_PRIVATE, value: false },
      ...(isRsa
        ? [
            { type: pkcs11().CKA_MODULUS_BITS, value: spec === 'rsa-3072' ? 3072 : 2048 },
            { type: pkcs11().CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
          ]
        : [{ type: pkcs11().CKA_EC_PARAMS, value: EC_PARAMS[spec === 'p-384' ? 'P-384' : 'P-256'] }]),
    ];
    const privateTemplate: Pkcs11Js.Template = [
      ...common,
      { type: pkcs11().CKA_CLASS, value: pkcs11().CKO_PRIVATE_KEY },
      { type: pkcs11().CKA_KEY_TYPE, value: isRsa ? pkcs11().CKK_RSA : pkcs11().CKK_EC },
      { type: pkcs11().CKA_PRIVATE, value: true },
      { type: pkcs11().CKA_SENSITIVE, value: true },
      { type: pkcs11().CKA_EXTRACTABLE, value: false },
      { type: pkcs11().CKA_SIGN, value: true },
      { type: pkcs11().CKA_DECRYPT, value: false },
    ];
    const mechanism = isRsa ? pkcs11().CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11().CKM_EC_KEY_PAIR_GEN;
    module.C_GenerateKeyPair(handle, { mechanism }, publicTemplate, privateTemplate);
  } catch (error) {
    throw tokenFailure(error, `generate key '${label}'`);
  }
  return findPrivateKey(session, { id });
}
