import { type PdfDocument, isPdfError, isWhite, type ByteSource } from '@lienthong/pdf';
import type { RevisionChange } from './report.ts';
import { diffRevision } from './revision-diff.ts';

/** Most revisions whose changes are analysed; each is opened as its own state, so the work grows with their square. */
export const MAX_ANALYSED_REVISIONS = 100;

/** One revision and its changes against the one before. */
export interface RevisionAnalysis {
  readonly index: number;
  readonly end: number;
  readonly eof: number;
  readonly xref: 'table' | 'stream';
  readonly dss: boolean;
  readonly changes: readonly RevisionChange[];
}

async function hasDss(doc: PdfDocument): Promise<boolean> {
  try {
    return (await doc.catalog()).dict.entries.has('DSS');
  } catch {
    return false;
  }
}

/** Bytes after the last %%EOF that are not whitespace: content a reader that rebuilds the xref could show. */
async function trailingData(source: ByteSource, end: number): Promise<RevisionChange | undefined> {
  if (end >= source.size) return undefined;
  if (source.size - end > 64 * 1024)
    return { kind: 'appended-data', requires: 'never', detail: `${source.size - end} bytes follow the last %%EOF.` };
  const tail = await source.read(end, source.size - end);
  return tail.every((b) => isWhite(b))
    ? undefined
    : {
        kind: 'appended-data',
        requires: 'never',
        detail: `${tail.length} bytes of data follow the last %%EOF outside any revision.`,
      };
}

/**
 * Opens the state at each revision and diffs it with the one before
 * (ISO 32000-1 §7.5.6). Past {@link MAX_ANALYSED_REVISIONS} revisions the
 * later ones are not examined and count as unknown changes. Data after the
 * last revision is reported as an extra, forbidden pseudo-revision.
 */
export async function analyseRevisions(source: ByteSource, doc: PdfDocument): Promise<RevisionAnalysis[]> {
  const out: RevisionAnalysis[] = [];
  const tooMany = doc.revisions.length > MAX_ANALYSED_REVISIONS;
  let prev: PdfDocument | undefined;
  for (const rev of doc.revisions) {
    const base = { index: rev.index, end: rev.end, eof: rev.eof, xref: rev.kind };
    if (tooMany) {
      const changes: RevisionChange[] =
        rev.index === 0
          ? []
          : [
              {
                kind: 'unreadable',
                requires: 'never',
                detail: `Not examined: the file has ${doc.revisions.length} revisions (more than ${MAX_ANALYSED_REVISIONS}).`,
              },
            ];
      out.push({ ...base, dss: false, changes });
      continue;
    }
    let view: PdfDocument;
    try {
      // Shares the document's cross-reference sections, decoded object streams and budget.
      view = await doc.revisionView(rev);
    } catch (e) {
      if (!isPdfError(e)) throw e;
      out.push({
        ...base,
        dss: false,
        changes: [
          {
            kind: 'unreadable',
            requires: 'never',
            detail: `Revision ${rev.index} cannot be read on its own: ${e.message}`,
          },
        ],
      });
      continue;
    }
    const section = doc.sections.find((s) => s.offset === rev.xrefOffset);
    let changes: RevisionChange[] = [];
    if (prev !== undefined && section !== undefined) {
      try {
        changes = await diffRevision(prev, view, section);
      } catch (e) {
        if (!isPdfError(e)) throw e;
        changes = [
          {
            kind: 'unreadable',
            requires: 'never',
            detail: `Revision ${rev.index} could not be compared: ${e.message}`,
          },
        ];
      }
    }
    out.push({ ...base, dss: await hasDss(view), changes });
    prev = view;
  }
  const last = doc.revisions[doc.revisions.length - 1];
  const extra = last === undefined ? undefined : await trailingData(source, last.end);
  if (extra !== undefined && last !== undefined)
    out.push({
      index: last.index + 1,
      end: source.size,
      eof: source.size,
      xref: last.kind,
      dss: false,
      changes: [extra],
    });
  return out;
}
