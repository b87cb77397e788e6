// Root → CA → leaf chains built field by field, so a test can break one RFC 5280 §4 rule at a time
// (serials, empty names, missing or critical extensions, duplicates) where the certificate builder would not.
import type { KeyObject } from 'node:crypto';
import { bits, bool, ctx, ctxPrim, int, namedBits, octets, seq, time, tlv } from '../../src/der/writer.ts';
import { generateKeyPair, toPem } from '../../src/index.ts';
import { subjectPublicKeyInfo } from '../../src/keys.ts';
import { defaultAlgorithmFor, signWithKey, signatureAlgorithmIdentifier } from '../../src/signer.ts';
import { encodeExtension, keyIdentifier, type ExtensionInput } from '../../src/x509/extension-builder.ts';
import { encodeName, type NameInput } from '../../src/x509/name-builder.ts';
import { OID } from '../../src/oids.ts';

export interface RawTemplate {
  readonly subject: NameInput;
  readonly issuer: NameInput;
  /** Content octets of the serialNumber INTEGER, as they are to be encoded. */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly ExtensionInput[];
}

interface Pair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** Signs `t` with `issuerKey` for the subject key `subjectKey`; the DER, unread (it may be malformed on purpose). */
export function rawCertificate(t: RawTemplate, subjectKey: KeyObject, issuerKey: KeyObject): Uint8Array {
  const alg = defaultAlgorithmFor(issuerKey);
  const tbs = seq(
    ctx(0, int(2)),
    tlv(0x02, t.serial),
    signatureAlgorithmIdentifier(alg),
    encodeName(t.issuer),
    seq(time(t.notBefore), time(t.notAfter)),
    encodeName(t.subject),
    subjectPublicKeyInfo(subjectKey),
    ...(t.extensions.length === 0 ? [] : [ctx(3, seq(...t.extensions.map(encodeExtension)))]),
  );
  return seq(tbs, signatureAlgorithmIdentifier(alg), bits(signWithKey(issuerKey, alg, tbs)));
}

export const ext = {
  basicConstraints: (ca: boolean, critical = true, pathLen?: number): ExtensionInput => ({
    oid: OID.basicConstraints,
    critical,
    value: seq(...(ca ? [bool(true)] : []), ...(pathLen === undefined ? [] : [int(pathLen)])),
  }),
  keyUsage: (bitsSet: readonly number[], critical = true): ExtensionInput => ({
    oid: OID.keyUsage,
    critical,
    value: namedBits(bitsSet),
  }),
  ski: (key: KeyObject, critical = false): ExtensionInput => ({
    oid: OID.subjectKeyIdentifier,
    critical,
    value: octets(keyIdentifier(subjectPublicKeyInfo(key))),
  }),
  aki: (key: KeyObject, critical = false): ExtensionInput => ({
    oid: OID.authorityKeyIdentifier,
    critical,
    value: seq(ctxPrim(0, keyIdentifier(subjectPublicKeyInfo(key)))),
  }),
  /** subjectAltName from encoded GeneralNames. */
  san: (names: readonly Uint8Array[], critical = false): ExtensionInput => ({
    oid: OID.subjectAltName,
    critical,
    value: seq(...names),
  }),
  /** nameConstraints from encoded GeneralNames (the bases of the subtrees). */
  nameConstraints: (permitted: readonly Uint8Array[], excluded: readonly Uint8Array[] = []): ExtensionInput => ({
    oid: OID.nameConstraints,
    critical: true,
    value: seq(
      ...(permitted.length === 0 ? [] : [ctx(0, ...permitted.map((b) => seq(b)))]),
      ...(excluded.length === 0 ? [] : [ctx(1, ...excluded.map((b) => seq(b)))]),
    ),
  }),
  unknown: (critical: boolean): ExtensionInput => ({ oid: '1.3.6.1.4.1.99999.9.9', critical, value: seq() }),
};

/** GeneralName encoders (RFC 5280 §4.2.1.6). */
export const gn = {
  dns: (s: string): Uint8Array => ctxPrim(2, Buffer.from(s, 'latin1')),
  email: (s: string): Uint8Array => ctxPrim(1, Buffer.from(s, 'latin1')),
  uri: (s: string): Uint8Array => ctxPrim(6, Buffer.from(s, 'latin1')),
  ip: (...b: number[]): Uint8Array => ctxPrim(7, Uint8Array.from(b)),
  dn: (n: NameInput): Uint8Array => ctx(4, encodeName(n)),
};

export const KU = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

export interface EdgeKeys {
  root: Pair;
  ca: Pair;
  leaf: Pair;
}

export async function edgeKeys(): Promise<EdgeKeys> {
  const ec = async (): Promise<Pair> => generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  return { root: await ec(), ca: await ec(), leaf: await ec() };
}

export const ROOT_NAME: NameInput = [
  { type: 'C', value: 'VN' },
  { type: 'O', value: 'Lienthong Edge' },
  { type: 'CN', value: 'Edge Root' },
];
export const CA_NAME: NameInput = [
  { type: 'C', value: 'VN' },
  { type: 'O', value: 'Lienthong Edge' },
  { type: 'CN', value: 'Edge CA' },
];
export const LEAF_NAME: NameInput = [
  { type: 'C', value: 'VN' },
  { type: 'O', value: 'Lienthong Edge' },
  { type: 'CN', value: 'Edge Leaf' },
];

/** A conforming chain: the templates each edge case starts from. */
export function conformingTemplates(k: EdgeKeys): { root: RawTemplate; ca: RawTemplate; leaf: RawTemplate } {
  const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') };
  const caExts = [ext.basicConstraints(true), ext.keyUsage([KU.keyCertSign, KU.cRLSign])];
  return {
    root: {
      subject: ROOT_NAME,
      issuer: ROOT_NAME,
      serial: Uint8Array.of(0x01),
      ...validity,
      extensions: [...caExts, ext.ski(k.root.publicKey)],
    },
    ca: {
      subject: CA_NAME,
      issuer: ROOT_NAME,
      serial: Uint8Array.of(0x02),
      ...validity,
      extensions: [...caExts, ext.ski(k.ca.publicKey), ext.aki(k.root.publicKey)],
    },
    leaf: {
      subject: LEAF_NAME,
      issuer: CA_NAME,
      serial: Uint8Array.of(0x03),
      ...validity,
      extensions: [ext.keyUsage([KU.digitalSignature]), ext.ski(k.leaf.publicKey), ext.aki(k.ca.publicKey)],
    },
  };
}

export const pem = (der: Uint8Array): string => toPem('CERTIFICATE', der);
