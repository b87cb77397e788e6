/**
 * What the document tests share: the directory they submit into, the callers, PDFs made
 * with pdf-lib (plain, signed by libs/pades with the test hierarchy), a multipart body
 * builder, and "nothing stored" (rows, transitions, objects in the file's bucket).
 */
import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { memorySink, memorySource } from '@lienthong/pdf';
import { signPdf } from '@lienthong/pades';
import type { Pool } from '@lienthong/db';
import type { ObjectStore } from '@lienthong/storage';
import { authHeader } from '../../../test/support/auth.ts';
import { hierarchy, signerOf } from '../../../libs/pades/test/sign/support.ts';
import { adminOf, baseDirectory, type TestIntake } from './support.ts';

/** The office system of VPTU-A: submits its documents. */
export const systemA = authHeader({ subject: 'system:vptu-a', office: 'VPTU-A', roles: ['office-system'] });
/** The office system of VPTU-B: another office. */
export const systemB = authHeader({ subject: 'system:vptu-b', office: 'VPTU-B', roles: ['office-system'] });

/** Imports the base directory (the centre's administrator). */
export async function seedDirectory(intake: TestIntake): Promise<void> {
  const res = await intake.app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...adminOf('VPTW'), 'content-type': 'application/json' },
    payload: JSON.stringify(baseDirectory),
  });
  if (res.statusCode !== 200) throw new Error(res.body);
}

/** Metadata most tests submit: a directive (CT) of VPTU-A to a district and a group, signed by nhung. */
export const metadataOf = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'CT',
  subject: 'Về việc tổ chức hội nghị sơ kết công tác năm 2026',
  recipients: { offices: ['HU-A1'], groups: ['A-XA'] },
  secrecy: 'ordinary',
  urgency: 'ordinary',
  signer: { person: 'nhung', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
  retention: 'permanent',
  ...extra,
});

/** A plain PDF of `pages` pages, with `pad` random bytes in its metadata to make it unique. */
export async function plainPdf(pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`Trang ${i + 1}`, { x: 50, y: 800 });
  doc.setTitle(randomBytes(8).toString('hex'));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF with a PAdES B-B signature by the test hierarchy's person. */
export async function signedPdf(): Promise<Buffer> {
  const h = await hierarchy;
  const sink = memorySink();
  await signPdf(memorySource(await plainPdf()), sink, { ...signerOf(h, 'person'), level: 'B-B' });
  return Buffer.from(await sink.read(0, sink.size));
}

/** One part of a multipart body. */
export interface Part {
  name: string;
  body: Buffer | string;
  filename?: string;
  type?: string;
}

/** A multipart/form-data body of `parts` and its content type. */
export function multipart(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----lienthong${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const type = p.type === undefined ? '' : `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The usual two parts: metadata (a field) and the PDF (a file). */
export const submissionParts = (metadata: unknown, pdf: Buffer): Part[] => [
  { name: 'metadata', body: JSON.stringify(metadata), type: 'application/json' },
  { name: 'content', body: pdf, filename: 'van-ban.pdf', type: 'application/pdf' },
];

/** Posts a submission. */
export async function submit(intake: TestIntake, parts: Part[], headers: Record<string, string> = systemA) {
  const { payload, contentType } = multipart(parts);
  return await intake.app.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...headers, 'content-type': contentType },
    payload,
  });
}

/** Rows, transitions and objects: what "nothing stored" compares. */
export async function storedState(pool: Pool, store: ObjectStore, bucket: string): Promise<string> {
  const documents = await pool.query('SELECT id, state FROM document ORDER BY id');
  const transitions = await pool.query('SELECT count(*)::int AS n FROM document_transition');
  const keys = await pool.query('SELECT count(*)::int AS n FROM idempotency_key');
  const objects = (await store.listVersions(bucket, '')).map((v) => `${v.key}@${v.versionId}`).sort();
  return JSON.stringify({ documents: documents.rows, transitions: transitions.rows[0], keys: keys.rows[0], objects });
}
