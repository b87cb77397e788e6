import { createHash } from 'node:crypto';
import { TagClass, children, content, encoded, expect, is, parseDer, sequence } from '../der/reader.ts';
import { octets, oid, seq } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { HASH_OIDS, hashFromOid, readAlgorithmIdentifier, type HashName } from '../x509/algorithm.ts';
import { signedDataNodes } from './signed-data-nodes.ts';

/** ATSHashIndexV3 (ETSI EN 319 122-1 §5.5.2), parsed. */
export interface AtsHashIndexV3 {
  readonly hash: HashName;
  readonly certificates: readonly string[];
  readonly crls: readonly string[];
  readonly unsignedAttrValues: readonly string[];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The SignerInfo fields and the hashes of its unsigned attribute values (type ‖ value, EN 319 122-1 §5.5.2). */
function signerParts(
  cms: Uint8Array,
  index: number,
): { fields: Uint8Array[]; unsigned: { type: Uint8Array; value: Uint8Array }[] } {
  const si = signedDataNodes(cms).signerInfos[index];
  if (si === undefined) throw new PkiError('INVALID_ARGUMENT', `No SignerInfo at index ${index}.`);
  const parts = sequence(si, 'SignerInfo');
  const last = parts.at(-1);
  const hasUnsigned = last !== undefined && is(last, 1, TagClass.context);
  const fields = (hasUnsigned ? parts.slice(0, -1) : parts).map((p) => encoded(p));
  const unsigned = hasUnsigned
    ? children(last).flatMap((a) => {
        const [t, vals] = sequence(a, 'Attribute');
        return children(expect(vals, 0x11, 'attrValues')).map((v) => ({ type: encoded(t!), value: encoded(v) }));
      })
    : [];
  return { fields, unsigned };
}

/**
 * Computes the DER ATSHashIndexV3 of SignerInfo `index` as the CMS stands now
 * (EN 319 122-1 §5.5.2). hashIndAlgorithm is always written (Annex D has no
 * DEFAULT); each list holds its hashes in ascending order.
 */
export function atsHashIndexV3(cms: Uint8Array, index: number, hash: HashName): Uint8Array {
  const n = signedDataNodes(cms);
  const hashes = (inputs: readonly Uint8Array[]): Uint8Array =>
    seq(
      ...inputs
        .map((b) => createHash(hash).update(b).digest())
        .sort((a, b) => Buffer.compare(a, b))
        .map((d) => octets(d)),
    );
  const { unsigned } = signerParts(cms, index);
  return seq(
    seq(oid(HASH_OIDS[hash])),
    hashes(n.certificates.map((c) => encoded(c))),
    hashes(n.crls.map((c) => encoded(c))),
    hashes(unsigned.map((u) => Buffer.concat([u.type, u.value]))),
  );
}

/** Reads ATSHashIndexV3. Throws PkiError MALFORMED. */
export function readAtsHashIndexV3(der: Uint8Array): AtsHashIndexV3 {
  const parts = sequence(parseDer(der), 'ATSHashIndexV3');
  let i = 0;
  let hash: HashName = 'sha256';
  if (parts.length === 4) hash = hashFromOid(readAlgorithmIdentifier(parts[i++]).oid);
  const list = (n: ReturnType<typeof parseDer> | undefined, what: string): string[] =>
    sequence(n, what).map((o) => hex(content(expect(o, 0x04, what))));
  const certificates = list(parts[i++], 'certificatesHashIndex');
  const crls = list(parts[i++], 'crlsHashIndex');
  const unsignedAttrValues = list(parts[i++], 'unsignedAttrValuesHashIndex');
  if (i !== parts.length) throw new PkiError('MALFORMED', 'ATSHashIndexV3 has unexpected fields.');
  return { hash, certificates, crls, unsignedAttrValues };
}

/**
 * The message imprint of archive-time-stamp-v3 (EN 319 122-1 §5.5.3): the
 * hash of eContentType ‖ H(content) ‖ SignerInfo version, sid,
 * digestAlgorithm, signedAttrs, signatureAlgorithm, signature ‖ the
 * ATSHashIndexV3, each field as encoded (tag, length, value).
 */
export function archiveTimeStampImprint(
  cms: Uint8Array,
  index: number,
  hash: HashName,
  contentHash: Uint8Array,
  hashIndexDer: Uint8Array,
): Uint8Array {
  const n = signedDataNodes(cms);
  const { fields } = signerParts(cms, index);
  const h = createHash(hash).update(encoded(n.eContentType)).update(contentHash);
  for (const f of fields) h.update(f);
  return h.update(hashIndexDer).digest();
}

/**
 * True when every hash the index lists is still present in the CMS (EN 319
 * 122-1 §5.5.2: data may be added after an archive time-stamp, never removed
 * or changed). The archive-time-stamp-v3 being checked and later ones are
 * excluded from the unsigned attributes compared.
 */
export function hashIndexStillHolds(cms: Uint8Array, index: number, idx: AtsHashIndexV3): boolean {
  const n = signedDataNodes(cms);
  const h = (b: Uint8Array): string => createHash(idx.hash).update(b).digest('hex');
  const certs = new Set(n.certificates.map((c) => h(encoded(c))));
  const crls = new Set(n.crls.map((c) => h(encoded(c))));
  const attrs = new Set(signerParts(cms, index).unsigned.map((u) => h(Buffer.concat([u.type, u.value]))));
  return (
    idx.certificates.every((x) => certs.has(x)) &&
    idx.crls.every((x) => crls.has(x)) &&
    idx.unsignedAttrValues.every((x) => attrs.has(x))
  );
}
