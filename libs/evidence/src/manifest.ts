/**
 * The manifest of an evidence bundle (`manifest.json`): the offline export of one document
 * with every evidence of its delivery. It lists every other file of the bundle with its role,
 * SHA-256 and length; an evidence names its inclusion proof and its batch's token. The
 * manifest is not signed: it maps the files, and each file proves itself (signatures,
 * time-stamps, hashes the statements sign). Paths are confined: relative, `/`-separated,
 * segments of letters, digits, `.`, `_`, `-` starting with a letter or digit (so no `..`, no
 * absolute path, no backslash), unique without regard to case.
 */
import { createHash } from 'node:crypto';
import { readJsonObject } from './canonical-json.ts';
import { EvidenceError } from './errors.ts';
import { hex, idPattern, sha256Pattern } from './fields.ts';

/** The manifest's own path in a bundle. */
export const MANIFEST_PATH = 'manifest.json';

/** The `format` of a bundle manifest. */
export const bundleFormat = 'lienthong-evidence-bundle';

/** The `version` of manifests this package writes and reads. */
export const bundleVersion = 1;

/** Most bytes of a manifest: ~100,000 entries (a directive to every commune, several events each). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** Most files a manifest lists. */
export const MAX_MANIFEST_ENTRIES = 100_000;

/** What a file of a bundle is. */
export type BundleRole = 'document' | 'evidence' | 'proof' | 'timestamp' | 'certificate' | 'crl' | 'ocsp';

const roles: readonly BundleRole[] = ['document', 'evidence', 'proof', 'timestamp', 'certificate', 'crl', 'ocsp'];

/** One file the manifest lists. */
export interface ManifestEntry {
  readonly path: string;
  readonly role: BundleRole;
  /** SHA-256 of the file, lower-case hex. */
  readonly sha256: string;
  readonly length: number;
  /** For an evidence: the path of its inclusion proof (with `timestamp`). */
  readonly proof?: string;
  /** For an evidence: the path of its batch's time-stamp token (with `proof`). */
  readonly timestamp?: string;
}

/** A bundle manifest. */
export interface BundleManifest {
  readonly documentId: string;
  readonly files: readonly ManifestEntry[];
}

const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why `path` is not a path a bundle may hold, or undefined. */
export function bundlePathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'is empty';
  if (path.length > 255) return 'is longer than 255 characters';
  if (path.includes('\\')) return 'holds a backslash';
  if (path.startsWith('/')) return 'is absolute';
  const segments = path.split('/');
  if (segments.length > 4) return 'is more than four folders deep';
  for (const segment of segments) {
    if (segment === '..' || segment === '.') return `holds the segment ${segment}`;
    if (!segmentPattern.test(segment)) return `has a segment that is not letters, digits, ".", "_" or "-"`;
  }
  if (path.toLowerCase() === MANIFEST_PATH) return 'is the manifest itself';
  return undefined;
}

/**
 * A file the caller hashed while streaming it rather than reading it whole: allowed for the
 * document only (a PDF may be hundreds of MB); its signatures are then the verifier's to read.
 */
export interface HashedFile {
  /** SHA-256, lower-case hex. */
  readonly sha256: string;
  readonly length: number;
}

/**
 * A file to put in a bundle: its path, role and bytes (and, for an evidence, its proof's and
 * token's paths). The document may be given by its hash instead, when the caller streams it
 * to where the bundle is written.
 */
export interface BundleFileInput {
  readonly path: string;
  readonly role: BundleRole;
  readonly bytes: Uint8Array | HashedFile;
  readonly proof?: string;
  readonly timestamp?: string;
}

const invalid = (why: string): EvidenceError => new EvidenceError('EVIDENCE_MANIFEST_INVALID', why);

function checkManifest(manifest: BundleManifest): void {
  if (typeof manifest.documentId !== 'string' || !idPattern.test(manifest.documentId))
    throw invalid('documentId is not an id.');
  if (manifest.files.length > MAX_MANIFEST_ENTRIES)
    throw invalid(`files lists more than ${MAX_MANIFEST_ENTRIES} entries.`);
  const byPath = new Map<string, ManifestEntry>();
  const folded = new Set<string>();
  for (const [i, f] of manifest.files.entries()) {
    const at = `files[${i}]`;
    const problem = bundlePathProblem(f.path);
    if (problem !== undefined) throw invalid(`${at}.path ${problem}.`);
    if (folded.has(f.path.toLowerCase())) throw invalid(`${at}.path ${f.path} is listed twice (case aside).`);
    folded.add(f.path.toLowerCase());
    if (!roles.includes(f.role)) throw invalid(`${at}.role is not one of ${roles.join(', ')}.`);
    if (typeof f.sha256 !== 'string' || !sha256Pattern.test(f.sha256))
      throw invalid(`${at}.sha256 is not 64 lower-case hex digits.`);
    if (!Number.isSafeInteger(f.length) || f.length < 0) throw invalid(`${at}.length is not a non-negative integer.`);
    if ((f.proof === undefined) !== (f.timestamp === undefined))
      throw invalid(`${at}: an evidence names both its proof and its timestamp, or neither.`);
    if (f.proof !== undefined && f.role !== 'evidence')
      throw invalid(`${at}: only an evidence names a proof and a timestamp.`);
    byPath.set(f.path, f);
  }
  for (const [i, f] of manifest.files.entries()) {
    if (f.proof === undefined) continue;
    if (byPath.get(f.proof)?.role !== 'proof') throw invalid(`files[${i}].proof does not name a file of role proof.`);
    if (byPath.get(f.timestamp!)?.role !== 'timestamp')
      throw invalid(`files[${i}].timestamp does not name a file of role timestamp.`);
  }
  if (manifest.files.filter((f) => f.role === 'document').length !== 1)
    throw invalid('A bundle holds exactly one file of role document.');
  if (!manifest.files.some((f) => f.role === 'evidence')) throw invalid('A bundle holds at least one evidence.');
}

/** The entry of one file: its hash and length computed here (or as given, for a hashed document). */
export function manifestEntry(file: BundleFileInput): ManifestEntry {
  const { bytes } = file;
  if (!(bytes instanceof Uint8Array) && file.role !== 'document')
    throw invalid(`${file.path}: only the document may be given by its hash.`);
  return {
    path: file.path,
    role: file.role,
    sha256: bytes instanceof Uint8Array ? hex(createHash('sha256').update(bytes).digest()) : bytes.sha256,
    length: bytes instanceof Uint8Array ? bytes.length : bytes.length,
    ...(file.proof === undefined ? {} : { proof: file.proof }),
    ...(file.timestamp === undefined ? {} : { timestamp: file.timestamp }),
  };
}

/**
 * The bytes of `manifest.json` for a bundle of `files` about document `documentId`: every
 * file's path, role, SHA-256 and length, in the order given, one entry a line. Throws
 * EVIDENCE_MANIFEST_INVALID for a bad path (see {@link bundlePathProblem}), a path twice, not
 * exactly one document, no evidence, or a proof or timestamp that names no such file.
 */
export function buildManifest(documentId: string, files: readonly BundleFileInput[]): Uint8Array {
  const manifest: BundleManifest = { documentId, files: files.map(manifestEntry) };
  checkManifest(manifest);
  const lines = manifest.files.map((f) => `    ${JSON.stringify(f)}`);
  const text = `{\n  "format": ${JSON.stringify(bundleFormat)},\n  "version": ${bundleVersion},\n  "documentId": ${JSON.stringify(documentId)},\n  "files": [\n${lines.join(',\n')}\n  ]\n}\n`;
  return new TextEncoder().encode(text);
}

const entryNames = new Set(['path', 'role', 'sha256', 'length', 'proof', 'timestamp']);

/**
 * Reads `manifest.json` strictly: at most {@link MAX_MANIFEST_BYTES}, UTF-8 JSON, `format`
 * and `version` this reader knows, no unknown or repeated member, every entry as
 * {@link buildManifest} requires. Throws EVIDENCE_MANIFEST_INVALID saying what and where.
 */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  const value = readJsonObject(bytes, 'manifest', MAX_MANIFEST_BYTES, {
    tooLarge: 'EVIDENCE_MANIFEST_INVALID',
    malformed: 'EVIDENCE_MANIFEST_INVALID',
    duplicate: 'EVIDENCE_MANIFEST_INVALID',
  });
  const names = Object.keys(value).sort().join(',');
  if (names !== 'documentId,files,format,version')
    throw invalid(`A manifest has exactly format, version, documentId and files; this one has ${names.slice(0, 200)}.`);
  if (value.format !== bundleFormat) throw invalid(`format is not ${bundleFormat}.`);
  if (value.version !== bundleVersion) throw invalid(`version is not ${bundleVersion}.`);
  if (!Array.isArray(value.files)) throw invalid('files is not an array.');
  if (value.files.length > MAX_MANIFEST_ENTRIES)
    throw invalid(`files lists more than ${MAX_MANIFEST_ENTRIES} entries.`);
  const files = value.files.map((f: unknown, i: number): ManifestEntry => {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw invalid(`files[${i}] is not an object.`);
    for (const name of Object.keys(f))
      if (!entryNames.has(name))
        throw invalid(`files[${i}] has the unknown member ${JSON.stringify(name.slice(0, 64))}.`);
    const e = f as Record<string, unknown>;
    for (const name of ['path', 'role', 'sha256', 'proof', 'timestamp'])
      if (e[name] !== undefined && typeof e[name] !== 'string') throw invalid(`files[${i}].${name} is not a string.`);
    if (typeof e.length !== 'number') throw invalid(`files[${i}].length is not a number.`);
    return e as unknown as ManifestEntry;
  });
  const manifest = { documentId: value.documentId as string, files };
  checkManifest(manifest);
  return manifest;
}
