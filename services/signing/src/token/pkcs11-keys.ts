/**
 * Key objects on a PKCS#11 token (PKCS#11 v2.40 §4.8–4.9, current mechanisms §2.1 RSA,
 * §2.3 EC): find a key by label or CKA_ID, generate a pair whose private half never
 * leaves the token, read the public half as a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
 * so the CA can certify it, and destroy a pair that was never put to use.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import type * as Pkcs11Js from 'pkcs11js';
import { pkcs11js, type TokenSession } from './pkcs11-token.ts';
import { tokenError, toTokenError } from './pkcs11-errors.ts';

/** Which key: its CKA_LABEL or its CKA_ID (at least one). */
export interface TokenKeyRef {
  readonly keyLabel?: string;
  readonly keyId?: Uint8Array;
}

/** A private key found on the token. */
export interface TokenKey {
  readonly handle: Pkcs11Js.Handle;
  readonly label: string;
  readonly id: Buffer;
  readonly keyType: 'rsa' | 'ec';
  /** CKA_SENSITIVE: the token never reveals the key value. */
  readonly sensitive: boolean;
  /** CKA_EXTRACTABLE: the key can be wrapped out of the token. */
  readonly extractable: boolean;
}

/** Key pairs the token makes: RSA 2048/3072 (65537) or ECDSA on P-256/P-384. */
export type TokenKeySpec =
  | { readonly type: 'rsa'; readonly modulusLength: 2048 | 3072 }
  | { readonly type: 'ec'; readonly namedCurve: 'P-256' | 'P-384' };

// DER of the curve OIDs for CKA_EC_PARAMS (ECParameters namedCurve, RFC 5480 §2.1.1.1).
const EC_PARAMS: Record<'P-256' | 'P-384', Buffer> = {
  'P-256': Buffer.from('06082a8648ce3d030107', 'hex'),
  'P-384': Buffer.from('06052b81040022', 'hex'),
};

function describe(ref: TokenKeyRef): string {
  return ref.keyLabel !== undefined ? `label '${ref.keyLabel}'` : `id ${Buffer.from(ref.keyId ?? []).toString('hex')}`;
}

function findObjects(session: TokenSession, template: Pkcs11Js.Template): Pkcs11Js.Handle[] {
  const { module, handle } = session;
  module.C_FindObjectsInit(handle, template);
  try {
    return module.C_FindObjects(handle, 16);
  } finally {
    module.C_FindObjectsFinal(handle);
  }
}

function refTemplate(keyClass: number, ref: TokenKeyRef): Pkcs11Js.Template {
  if (ref.keyLabel === undefined && ref.keyId === undefined)
    throw tokenError('SIGNING_TOKEN_KEY_NOT_FOUND', 'Give a key label or id.');
  const template: Pkcs11Js.Template = [{ type: pkcs11js.CKA_CLASS, value: keyClass }];
  if (ref.keyLabel !== undefined) template.push({ type: pkcs11js.CKA_LABEL, value: ref.keyLabel });
  if (ref.keyId !== undefined) template.push({ type: pkcs11js.CKA_ID, value: Buffer.from(ref.keyId) });
  return template;
}

// CK_ULONG in host byte order (little-endian on the platforms Node supports for this addon).
function ulong(value: Buffer): number {
  return value.length === 8 ? Number(value.readBigUInt64LE()) : value.readUInt32LE();
}

function attributes(session: TokenSession, object: Pkcs11Js.Handle, types: number[]): Buffer[] {
  return session.module
    .C_GetAttributeValue(
      session.handle,
      object,
      types.map((type) => ({ type })),
    )
    .map((a) => a.value);
}

/** Finds the private key with that label or id; throws SIGNING_TOKEN_KEY_NOT_FOUND when there is none. */
export function findTokenKey(session: TokenSession, ref: TokenKeyRef): TokenKey {
  try {
    const [handle] = findObjects(session, refTemplate(pkcs11js.CKO_PRIVATE_KEY, ref));
    if (handle === undefined)
      throw tokenError(
        'SIGNING_TOKEN_KEY_NOT_FOUND',
        `No private key with ${describe(ref)} on token '${session.tokenLabel}'.`,
      );
    const [label, id, keyType, sensitive, extractable] = attributes(session, handle, [
      pkcs11js.CKA_LABEL,
      pkcs11js.CKA_ID,
      pkcs11js.CKA_KEY_TYPE,
      pkcs11js.CKA_SENSITIVE,
      pkcs11js.CKA_EXTRACTABLE,
    ]);
    const type = ulong(keyType!);
    if (type !== pkcs11js.CKK_RSA && type !== pkcs11js.CKK_EC)
      throw tokenError(
        'SIGNING_TOKEN_KEY_UNSUITABLE',
        `Key ${describe(ref)} is of CKK type ${type}, neither RSA nor EC.`,
      );
    return {
      handle,
      label: label!.toString('utf8'),
      id: id!,
      keyType: type === pkcs11js.CKK_RSA ? 'rsa' : 'ec',
      sensitive: sensitive![0] === 1,
      extractable: extractable![0] === 1,
    };
  } catch (error) {
    throw toTokenError(error, `find key ${describe(ref)}`);
  }
}

/**
 * The SubjectPublicKeyInfo DER of the public key object with that label or id: RSA from
 * CKA_MODULUS and CKA_PUBLIC_EXPONENT, EC from CKA_EC_PARAMS and CKA_EC_POINT (a DER
 * OCTET STRING holding the uncompressed point, X9.62 §4.3.6).
 */
export function tokenPublicKey(session: TokenSession, ref: TokenKeyRef): Uint8Array {
  try {
    const [handle] = findObjects(session, refTemplate(pkcs11js.CKO_PUBLIC_KEY, ref));
    if (handle === undefined)
      throw tokenError(
        'SIGNING_TOKEN_KEY_NOT_FOUND',
        `No public key with ${describe(ref)} on token '${session.tokenLabel}'.`,
      );
    const [keyType] = attributes(session, handle, [pkcs11js.CKA_KEY_TYPE]);
    if (ulong(keyType!) === pkcs11js.CKK_RSA) {
      const [n, e] = attributes(session, handle, [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
      return spki({ kty: 'RSA', n: n!.toString('base64url'), e: e!.toString('base64url') });
    }
    const [params, point] = attributes(session, handle, [pkcs11js.CKA_EC_PARAMS, pkcs11js.CKA_EC_POINT]);
    const curve = (Object.keys(EC_PARAMS) as ('P-256' | 'P-384')[]).find((c) => EC_PARAMS[c].equals(params!));
    if (curve === undefined)
      throw tokenError('SIGNING_TOKEN_KEY_UNSUITABLE', `Key ${describe(ref)} is on a curve other than P-256 or P-384.`);
    const raw = unwrapOctetString(point!);
    const size = (raw.length - 1) / 2;
    if (raw[0] !== 0x04 || !Number.isInteger(size))
      throw tokenError('SIGNING_TOKEN_FAILED', `Key ${describe(ref)}: CKA_EC_POINT is not an uncompressed point.`);
    return spki({
      kty: 'EC',
      crv: curve,
      x: raw.subarray(1, 1 + size).toString('base64url'),
      y: raw.subarray(1 + size).toString('base64url'),
    });
  } catch (error) {
    throw toTokenError(error, `read public key ${describe(ref)}`);
  }
}

function spki(jwk: Record<string, string>): Uint8Array {
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

// PKCS#11 v2.40 says CKA_EC_POINT is DER-encoded (an OCTET STRING); some modules give the raw point.
function unwrapOctetString(value: Buffer): Buffer {
  if (value[0] !== 0x04 || value.length < 2) return value;
  const first = value[1]!;
  const [len, start] = first < 0x80 ? [first, 2] : [value.readUIntBE(2, first & 0x7f), 2 + (first & 0x7f)];
  return start + len === value.length ? value.subarray(start) : value;
}

/** The key pair generated on the token. */
export interface GeneratedTokenKey {
  readonly label: string;
  readonly id: Buffer;
  /** SubjectPublicKeyInfo DER: what `issueCertificate` takes as `publicKey`. */
  readonly spki: Uint8Array;
}

/**
 * Generates a key pair on the token (C_GenerateKeyPair with CKM_RSA_PKCS_KEY_PAIR_GEN or
 * CKM_EC_KEY_PAIR_GEN): both objects persistent (CKA_TOKEN), the private key
 * CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, signing only. Label and id (random 16
 * bytes by default) are set on both halves. Throws SIGNING_TOKEN_KEY_EXISTS when the label is taken.
 */
export function generateTokenKeyPair(
  session: TokenSession,
  options: { label: string; id?: Uint8Array; spec: TokenKeySpec },
): GeneratedTokenKey {
  const { module, handle } = session;
  const id = Buffer.from(options.id ?? randomBytes(16));
  try {
    if (findObjects(session, [{ type: pkcs11js.CKA_LABEL, value: options.label }]).length > 0)
      throw tokenError(
        'SIGNING_TOKEN_KEY_EXISTS',
        `A key labelled '${options.label}' is already on token '${session.tokenLabel}'.`,
      );
    const common = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: options.label },
      { type: pkcs11js.CKA_ID, value: id },
    ];
    const spec = options.spec;
    const publicTemplate: Pkcs11Js.Template = [
      ...common,
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_VERIFY, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
    ];
    const privateTemplate: Pkcs11Js.Template = [
      ...common,
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: false },
    ];
    let mechanism: number;
    if (spec.type === 'rsa') {
      mechanism = pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN;
      publicTemplate.push(
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
        { type: pkcs11js.CKA_MODULUS_BITS, value: spec.modulusLength },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      );
      privateTemplate.push({ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA });
    } else {
      mechanism = pkcs11js.CKM_EC_KEY_PAIR_GEN;
      publicTemplate.push(
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
        { type: pkcs11js.CKA_EC_PARAMS, value: EC_PARAMS[spec.namedCurve] },
      );
      privateTemplate.push({ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC });
    }
    module.C_GenerateKeyPair(handle, { mechanism }, publicTemplate, privateTemplate);
  } catch (error) {
    throw toTokenError(error, `generate key '${options.label}'`);
  }
  return { label: options.label, id, spki: tokenPublicKey(session, { keyId: id }) };
}

/**
 * Destroys every object labelled `label` (C_DestroyObject): the pair of a seal whose
 * certificate was revoked before its key could be recorded. Returns how many were destroyed.
 */
export function destroyTokenObjects(session: TokenSession, label: string): number {
  try {
    const objects = findObjects(session, [{ type: pkcs11js.CKA_LABEL, value: label }]);
    for (const object of objects) session.module.C_DestroyObject(session.handle, object);
    return objects.length;
  } catch (error) {
    throw toTokenError(error, `destroy '${label}'`);
  }
}
