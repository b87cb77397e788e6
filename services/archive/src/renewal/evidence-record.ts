/**
 * A package's evidence record: an archive time-stamp chain in the spirit of RFC 4998
 * (Evidence Record Syntax, §4–§5), written as canonical JSON rather than its ASN.1 (README
 * "Long-term validity" says why). Each link is a Merkle tree (RFC 6962 hashing, libs/evidence
 * `batchRoot`) over the SHA-256s of the package's objects at that time, sorted by name, and an
 * RFC 3161 time-stamp whose imprint is, for the first link, the tree's root and, for each later
 * one, SHA-256(root ‖ the previous link's token): like RFC 4998's renewal, a later time-stamp
 * covers the earlier one, so the chain proves each object existed at the genTime of the first
 * link that lists it even once the earlier TSA certificates or algorithms are no longer trusted.
 */
import { createHash } from 'node:crypto';
import { batchRoot, checkBatchTimestamp, rootOfToken } from '@lienthong/evidence';
import type { EvidenceCheckOptions } from '@lienthong/evidence';

/** The record's format name and version. */
export const evidenceRecordFormat = 'lienthong-evidence-record';
export const evidenceRecordVersion = 1;

/** One object as a link names it. */
export interface RecordObject {
  name: string;
  /** Hex SHA-256 of its bytes. */
  sha256: string;
}

/** One archive time-stamp of the chain. */
export interface EvidenceLink {
  /** The objects the tree was built over, sorted by name. */
  objects: RecordObject[];
  /** Hex root of the tree. */
  root: string;
  /** Hex SHA-256 of the previous link's token (null for the first), for the reader; the imprint binds the token itself. */
  previous: string | null;
  /** Hex imprint the token stamps: the root, or SHA-256(root ‖ previous token). */
  imprint: string;
  /** The RFC 3161 TimeStampToken, base64 DER. */
  token: string;
  /** The token's genTime, as the archive read it when it added the link (the check reads the token). */
  genTime: string;
}

/** The evidence record of one package. */
export interface EvidenceRecord {
  format: typeof evidenceRecordFormat;
  version: typeof evidenceRecordVersion;
  recordId: string;
  chain: EvidenceLink[];
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `objects` sorted by name (the order of the tree's leaves). */
export function sortedObjects(objects: readonly RecordObject[]): RecordObject[] {
  return [...objects]
    .map((o) => ({ name: o.name, sha256: o.sha256 }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The root of the tree over `objects` (sorted by name). */
export function objectsRoot(objects: readonly RecordObject[]): Buffer {
  return Buffer.from(batchRoot(sortedObjects(objects).map((o) => Buffer.from(o.sha256, 'hex'))));
}

/** The imprint of a link over `root` following `previousToken` (none for the first). */
export function linkImprint(root: Uint8Array, previousToken?: Uint8Array): Buffer {
  return previousToken === undefined ? Buffer.from(root) : sha256(root, previousToken);
}

/** What the next link will be made of: its objects, root, the imprint to have stamped. */
export function nextLink(record: EvidenceRecord | undefined, objects: readonly RecordObject[]) {
  const sorted = sortedObjects(objects);
  const root = objectsRoot(sorted);
  const last = record?.chain.at(-1);
  const previousToken = last === undefined ? undefined : Buffer.from(last.token, 'base64');
  return {
    objects: sorted,
    root,
    previous: previousToken === undefined ? null : sha256(previousToken).toString('hex'),
    imprint: linkImprint(root, previousToken),
  };
}

/** `record` (or a new one of `recordId`) with the link `next` stamped by `token` at `genTime`. */
export function appendLink(
  record: EvidenceRecord | undefined,
  recordId: string,
  next: ReturnType<typeof nextLink>,
  token: Uint8Array,
  genTime: Date,
): EvidenceRecord {
  return {
    format: evidenceRecordFormat,
    version: evidenceRecordVersion,
    recordId,
    chain: [
      ...(record?.chain ?? []),
      {
        objects: next.objects,
        root: next.root.toString('hex'),
        previous: next.previous,
        imprint: next.imprint.toString('hex'),
        token: Buffer.from(token).toString('base64'),
        genTime: genTime.toISOString(),
      },
    ],
  };
}

/** The outcome of {@link verifyEvidenceRecord}. */
export interface EvidenceRecordCheck {
  ok: boolean;
  message: string;
  /** Each link's genTime as its token says (verified ones only). */
  genTimes: Date[];
}

/**
 * Verifies the chain at `options.time` (RFC 4998 §5.3): every link's tree rebuilt from its
 * objects, its imprint from that root and the previous token, its token over that imprint;
 * each token checked at the genTime of the next link (which covers it) and the last at
 * `options.time`, so an expired or withdrawn TSA certificate of an earlier link does not
 * matter once a later link covers it. Never throws.
 */
export function verifyEvidenceRecord(record: EvidenceRecord, options: EvidenceCheckOptions): EvidenceRecordCheck {
  const fail = (message: string, genTimes: Date[] = []): EvidenceRecordCheck => ({ ok: false, message, genTimes });
  if (typeof record !== 'object' || record === null) return fail('not an evidence record');
  if (record.format !== evidenceRecordFormat || record.version !== evidenceRecordVersion)
    return fail('not a lienthong evidence record of version 1');
  if (!Array.isArray(record.chain) || record.chain.length === 0) return fail('the chain is empty');
  const tokens: Buffer[] = [];
  const imprints: Buffer[] = [];
  const genTimes: Date[] = [];
  for (const [i, link] of record.chain.entries()) {
    let root: Buffer;
    try {
      if (typeof link !== 'object' || link === null || typeof link.token !== 'string' || !Array.isArray(link.objects))
        throw new Error('not a link');
      for (const o of link.objects)
        if (typeof o?.name !== 'string' || typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256))
          throw new Error('an object is not a name and a SHA-256');
      root = objectsRoot(link.objects);
    } catch (error) {
      return fail(`link ${i}: its objects make no tree (${(error as Error).message})`);
    }
    if (root.toString('hex') !== link.root) return fail(`link ${i}: its objects do not hash to its root`);
    const token = Buffer.from(link.token, 'base64');
    const imprint = linkImprint(root, i === 0 ? undefined : tokens[i - 1]);
    const stamped = rootOfToken(token);
    if (stamped === undefined || !imprint.equals(Buffer.from(stamped)))
      return fail(`link ${i}: its token does not stamp its root${i === 0 ? '' : ' and the previous token'}`);
    tokens.push(token);
    imprints.push(imprint);
  }
  // Backwards: the last at the time asked, each earlier one at the genTime of the link that covers it.
  let at = options.time;
  for (let i = record.chain.length - 1; i >= 0; i--) {
    const check = checkBatchTimestamp(tokens[i]!, imprints[i]!, { ...options, time: at });
    if (!check.ok) return fail(`link ${i}: its time-stamp does not verify at ${at.toISOString()}: ${check.message}`);
    genTimes[i] = check.genTime!;
    if (i + 1 < record.chain.length && genTimes[i]!.getTime() > genTimes[i + 1]!.getTime())
      return fail(`link ${i}: stamped after the link that covers it`);
    at = check.genTime!;
  }
  return { ok: true, message: `${record.chain.length} archive time-stamps verify.`, genTimes };
}

/** When the chain first proves `object` (name and SHA-256): the genTime of the first link listing it, or undefined. */
export function provenSince(
  record: EvidenceRecord,
  check: EvidenceRecordCheck,
  object: RecordObject,
): Date | undefined {
  if (!check.ok) return undefined;
  const i = record.chain.findIndex((l) => l.objects.some((o) => o.name === object.name && o.sha256 === object.sha256));
  return i < 0 ? undefined : check.genTimes[i];
}
