/**
 * A BagIt bag (RFC 8493) of the records an export selects, as a streamed ustar archive:
 * `bagit.txt`; per record `data/<recordId>/<object>` for each object of its package (the
 * manifest included) and `data/<recordId>/history.json` (the catalog record, the package's
 * retention and the caller's office's audit entries about it); then `bag-info.txt`,
 * `manifest-sha256.txt` and `tagmanifest-sha256.txt`. Objects are piped one after the other
 * through the check of the SHA-256 their package recorded: a mismatch fails the stream (the
 * client sees a cut archive). Memory holds one manifest line per payload file, never an
 * object: the tag files come last, when the payload's sums and Payload-Oxum are known.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { verifiedStream } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { appendAudit, readAuditOfRecord } from '../audit/audit-log.ts';
import { findRecord } from '../catalog/catalog-repository.ts';
import { archiveErrors } from '../errors.ts';
import { findPackage, listArchivedObjects } from '../packages/package-repository.ts';
import type { BagQuery } from './bag-selection.ts';
import { bagSelectionOf, selectBagRecords } from './bag-selection.ts';
import { tarEnd, tarFile, tarHeader, tarPadding } from './tar-writer.ts';

/** Who may export an office's records. */
export const bagExporters = [roles.archivist];

/** What an export needs. */
export interface BagExportDeps {
  pool: Pool;
  store: ObjectStore;
}

/** An export ready to stream. */
export interface BagExport {
  /** The export's id (in each `record.exported` entry and in bag-info.txt). */
  id: string;
  office: string;
  records: string[];
  /** The tar, produced as it is read. */
  body: Readable;
}

const line = (name: string, value: string) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`;

/**
 * Selects the records of `query` for the caller's office (archivists only), appends one
 * `record.exported` entry per record in one short transaction, and returns the bag's stream.
 */
export async function openBagExport(
  deps: BagExportDeps,
  principal: Principal,
  query: BagQuery,
  now: Date = new Date(),
): Promise<BagExport> {
  requireRoleOf(principal, ...bagExporters);
  const selection = bagSelectionOf(query);
  const office = principal.office;
  const records = await selectBagRecords(deps.pool, office, selection);
  if (selection.by === 'record' && records.length === 0) throw new AppError(archiveErrors.RECORD_NOT_FOUND);
  const id = randomUUID();
  await withTransaction(deps.pool, async (client) => {
    for (const recordId of records)
      await appendAudit(
        client,
        { office, actor: principal.subject, action: 'record.exported', recordId, detail: { export: id, ...selection } },
        now,
      );
  });
  return { id, office, records, body: Readable.from(bagChunks(deps, office, id, records, now)) };
}

async function* bagChunks(
  deps: BagExportDeps,
  office: string,
  exportId: string,
  records: readonly string[],
  now: Date,
): AsyncGenerator<Buffer> {
  const manifest: string[] = [];
  let payloadBytes = 0;
  let payloadFiles = 0;
  const tags: Array<[string, Buffer]> = [];
  const bagit = Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  tags.push(['bagit.txt', bagit]);
  yield tarFile('bagit.txt', bagit, now);
  for (const recordId of records) {
    const objects = await listArchivedObjects(deps.pool, recordId);
    for (const object of objects) {
      const path = `data/${recordId}/${object.name}`;
      const { body } = await deps.store.get(object.bucket, object.key, { versionId: object.versionId });
      const checked = verifiedStream(
        { sha256: object.sha256, byteLength: object.size },
        (detail) => new AppError(archiveErrors.RECORD_CONTENT_MISMATCH, { detail: `${object.key}: ${detail}` }),
      );
      body.on('error', (error) => checked.stream.destroy(error));
      try {
        yield tarHeader(path, object.size, now);
        for await (const chunk of body.pipe(checked.stream)) yield chunk as Buffer;
      } finally {
        // A client gone or a mismatch: the store's stream is not left open.
        body.destroy();
      }
      yield tarPadding(object.size);
      manifest.push(`${object.sha256}  ${path}\n`);
      payloadBytes += object.size;
      payloadFiles += 1;
    }
    const history = Buffer.from(
      `${JSON.stringify(
        {
          recordId,
          office,
          record: await findRecord(deps.pool, office, recordId),
          package: await findPackage(deps.pool, recordId),
          audit: await readAuditOfRecord(deps.pool, office, recordId),
        },
        null,
        2,
      )}\n`,
    );
    const path = `data/${recordId}/history.json`;
    yield tarFile(path, history, now);
    manifest.push(`${createHash('sha256').update(history).digest('hex')}  ${path}\n`);
    payloadBytes += history.length;
    payloadFiles += 1;
  }
  const info = Buffer.from(
    line('Source-Organization', office) +
      line('Bagging-Date', now.toISOString().slice(0, 10)) +
      line('External-Identifier', `lienthong-export-${exportId}`) +
      line('External-Description', `lienthong archive export of ${records.length} record(s) of ${office}`) +
      line('Payload-Oxum', `${payloadBytes}.${payloadFiles}`) +
      line('Bag-Count', '1 of 1') +
      line('Bag-Software-Agent', 'lienthong archive'),
  );
  const manifestText = Buffer.from(manifest.join(''));
  for (const [name, content] of [
    ['bag-info.txt', info],
    ['manifest-sha256.txt', manifestText],
  ] as const) {
    tags.push([name, content]);
    yield tarFile(name, content, now);
  }
  const tagManifest = Buffer.from(
    tags.map(([name, content]) => `${createHash('sha256').update(content).digest('hex')}  ${name}\n`).join(''),
  );
  yield tarFile('tagmanifest-sha256.txt', tagManifest, now);
  yield tarEnd();
}
