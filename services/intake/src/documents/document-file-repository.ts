/**
 * The `document_file` table: the later versions of a document's PDF, `signed` (the signer's
 * signature) and `issued` (number, date and the office's seal), each recorded in the
 * transaction that moves the document's state, so only a committed version is served.
 */
import type { Queryable } from '../queryable.ts';

/** A later version of a document's PDF. */
export type FileVersion = 'signed' | 'issued';

/** Which PDF of a document: as submitted, or a later version. */
export type ContentVersion = 'original' | FileVersion;

/** A stored version of a document's PDF. */
export interface StoredFile {
  document: string;
  version: FileVersion;
  contentKey: string;
  /** The object version that was checked when it was stored (null where the store keeps none). */
  versionId: string | null;
  sha256: string;
  size: number;
  createdBy: string;
  createdAt: Date;
}

interface FileRow {
  document: string;
  version: FileVersion;
  content_key: string;
  version_id: string | null;
  sha256: string;
  size: string;
  created_by: string;
  created_at: Date;
}

const toFile = (r: FileRow): StoredFile => ({
  document: r.document,
  version: r.version,
  contentKey: r.content_key,
  versionId: r.version_id,
  sha256: r.sha256,
  size: Number(r.size),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Records a version of a document's PDF. */
export async function insertFile(q: Queryable, f: Omit<StoredFile, 'createdAt'>): Promise<StoredFile> {
  const { rows } = await q.query<FileRow>(
    `INSERT INTO document_file (document, version, content_key, version_id, sha256, size, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [f.document, f.version, f.contentKey, f.versionId, f.sha256, f.size, f.createdBy],
  );
  return toFile(rows[0]!);
}

/** The later versions of `document`'s PDF, by version. */
export async function listFiles(q: Queryable, document: string): Promise<Map<FileVersion, StoredFile>> {
  const { rows } = await q.query<FileRow>('SELECT * FROM document_file WHERE document = $1', [document]);
  return new Map(rows.map((r) => [r.version, toFile(r)]));
}
