// Shared setup of the PDF verification tests: signed files built with the
// PAdES builders and the test hierarchy, and helpers that tamper with them the
// way the attacks of Mladenov et al. (CCS 2019) and Mainka et al. (NDSS 2021) do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  signPdf,
  stampPdf,
  SEAL_FIELD,
  type PadesLevel,
  type SignPdfOptions,
  verifyPdf,
  type PdfVerificationReport,
  type PdfVerifyOptions,
} from '../../src/index.ts';
import {
  isArray,
  isRef,
  memorySink,
  memorySource,
  pdfDict,
  pdfName,
  pdfRef,
  pdfStream,
  PdfDocument,
  listPages,
  type PdfRef,
} from '@lienthong/pdf';
import { toPem, type Certificate } from '@lienthong/pki';
import type { Edits } from '../../src/sign/edits.ts';
import { appendRevision } from '../../src/sign/signature-revision.ts';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { hierarchy, NOW, ocspGood, signerOf, tsaOf } from '../sign/support.ts';

export { NOW, fixturePdf, hierarchy, tsaOf };

export const h = await hierarchy;
export const dir = mkdtempSync(join(tmpdir(), 'pades-verify-'));
export const rootPem = join(dir, 'root.pem');
writeFileSync(rootPem, toPem('CERTIFICATE', h.root.certificate.der));

export const ocspFor = (cert: Certificate): Promise<Uint8Array> => ocspGood(h, cert);

/** Signs as the person of the test hierarchy at the pinned time. */
export async function signAs(
  pdf: Uint8Array,
  options: Partial<SignPdfOptions> & { level?: PadesLevel } = {},
): Promise<Uint8Array> {
  const sink = memorySink();
  await signPdf(memorySource(pdf), sink, {
    ...signerOf(h, 'person'),
    timeStamper: tsaOf(h),
    validationData: {
      certificates: [h.root.certificate, h.tsa.certificate, h.ocsp.certificate],
      crls: [h.rootCrl, h.intermediateCrl],
      ocsps: [await ocspFor(h.person.certificate)],
    },
    ...options,
  });
  return sink.bytes();
}

/** The Party flow: certify with DocMDP /P 2 leaving the stamp fields open, stamp number and date, seal with B-T. */
export async function partyFlow(
  options: { lock?: SignPdfOptions['lock'] } = {},
): Promise<{ signed: Uint8Array; stamped: Uint8Array; sealed: Uint8Array }> {
  const signed = await signAs(await fixturePdf({ pages: 2 }), {
    allowStamp: true,
    reason: 'Ký ban hành',
    ...(options.lock === undefined ? {} : { lock: options.lock }),
  });
  const sink = memorySink();
  await stampPdf(memorySource(signed), sink, { number: 'Số 138-CV/VPTU', date: 'Hà Nam, ngày 01 tháng 6 năm 2026' });
  const stamped = sink.bytes();
  const sealed = await signAs(stamped, { ...signerOf(h, 'seal'), level: 'B-T', fieldName: SEAL_FIELD });
  return { signed, stamped, sealed };
}

/** Verifies with the test root at the pinned time (the CRLs given unless `offline`: then only what the file holds). */
export function verify(
  pdf: Uint8Array,
  options: PdfVerifyOptions & { offline?: boolean } = {},
): Promise<PdfVerificationReport> {
  const { offline, ...rest } = options;
  return verifyPdf(memorySource(pdf), {
    trustAnchors: [h.root.certificate],
    time: NOW,
    ...(offline === true ? {} : { crls: [h.rootCrl, h.intermediateCrl] }),
    ...rest,
  });
}

/** Appends one incremental update made with the PDF layer's editor (the attacker uses a normal writer). */
export async function update(pdf: Uint8Array, edit: (edits: Edits) => Promise<void>): Promise<Uint8Array> {
  const sink = memorySink();
  await appendRevision(memorySource(pdf), sink, edit);
  return sink.bytes();
}

/** The first page's reference and the reference of its (first) content stream. */
export async function firstPageContent(pdf: Uint8Array): Promise<{ page: PdfRef; content: PdfRef }> {
  const doc = await PdfDocument.open(memorySource(pdf));
  const [page] = await listPages(doc);
  const c = page!.dict.entries.get('Contents');
  const arr = await doc.resolve(c);
  const content = isRef(c) && !isArray(arr) ? c : isArray(arr) && isRef(arr.items[0]) ? arr.items[0] : undefined;
  if (content === undefined) throw new Error('fixture page has no content stream');
  return { page: page!.ref, content };
}

export const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** A content stream that draws `text` in Helvetica. */
export function textStream(text: string, y = 600): ReturnType<typeof pdfStream> {
  return pdfStream(pdfDict(), latin1(`BT /Helv 24 Tf 56 ${y} Td (${text}) Tj ET`));
}

/** Adds an annotation of `subtype` to the first page in a new revision. */
export async function addAnnotation(pdf: Uint8Array, subtype: string): Promise<Uint8Array> {
  const { page } = await firstPageContent(pdf);
  return update(pdf, async (edits) => {
    const annot = edits.add(
      pdfDict({
        Type: pdfName('Annot'),
        Subtype: pdfName(subtype),
        Rect: { kind: 'array', items: [100, 100, 400, 200] },
        Contents: { kind: 'string', bytes: latin1('PAID 1 000 000 VND'), hex: false },
      }),
    );
    (await edits.arrayIn(await edits.dict(page), 'Annots')).items.push(annot);
  });
}

/** Rewrites bytes in place (same length), as an attacker editing the signed bytes would. */
export function patchText(pdf: Uint8Array, find: string, replace: string, from = 0): Uint8Array {
  if (find.length !== replace.length) throw new Error('same length only');
  const buf = Buffer.from(pdf);
  const at = buf.indexOf(find, from, 'latin1');
  if (at < 0) throw new Error(`${find} not found`);
  buf.write(replace, at, 'latin1');
  return new Uint8Array(buf);
}

/** The offset of the last startxref value. */
export function lastStartxref(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (m === null) throw new Error('no startxref');
  return Number(m[1]);
}

/**
 * Appends a hand-written revision: object bodies, then an xref table whose
 * entries may point anywhere (also into earlier bytes), a trailer with
 * /Root, /Size and /Prev. This is how the shadow "replace" attacks are built.
 */
export function rawRevision(
  pdf: Uint8Array,
  root: PdfRef,
  size: number,
  objects: readonly { num: number; body?: string; offset?: number }[],
  prev = lastStartxref(pdf),
): Uint8Array {
  let text = Buffer.from(pdf).toString('latin1');
  if (!text.endsWith('\n')) text += '\n';
  const entries = new Map<number, number>();
  for (const o of objects) {
    if (o.body !== undefined) {
      entries.set(o.num, text.length);
      text += `${o.num} 0 obj\n${o.body}\nendobj\n`;
    } else if (o.offset !== undefined) entries.set(o.num, o.offset);
  }
  const xref = text.length;
  text += 'xref\n';
  for (const [num, off] of [...entries].sort((a, b) => a[0] - b[0]))
    text += `${num} 1\n${String(off).padStart(10, '0')} 00000 n\r\n`;
  text += `trailer\n<</Size ${size}/Root ${root.num} ${root.gen} R/Prev ${prev}>>\nstartxref\n${xref}\n%%EOF\n`;
  return latin1(text);
}

export { pdfRef };
