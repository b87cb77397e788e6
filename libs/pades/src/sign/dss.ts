import { createHash } from 'node:crypto';
import {
  isArray,
  isRef,
  isStream,
  pdfArray,
  pdfDict,
  pdfName,
  pdfRef,
  pdfStream,
  type PdfArray,
  type PdfRef,
  type ByteSource,
  type PdfSink,
} from '@lienthong/pdf';
import type { Certificate, Crl } from '@lienthong/pki';
import type { Edits } from './edits.ts';
import { readPdfSignatures } from './read-signatures.ts';
import { appendRevision } from './signature-revision.ts';

/** Validation data for the Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3). */
export interface DssData {
  readonly certificates?: readonly (Certificate | Uint8Array)[];
  readonly crls?: readonly (Crl | Uint8Array)[];
  /** OCSPResponse DERs (RFC 6960). */
  readonly ocsps?: readonly Uint8Array[];
  /** Add a /VRI entry for the newest signature (default true). */
  readonly vri?: boolean;
}

const der = (x: Certificate | Crl | Uint8Array): Uint8Array => (x instanceof Uint8Array ? x : x.der);
const key = (b: Uint8Array): string => createHash('sha256').update(b).digest('base64');

/** Appends DER objects to a DSS array as streams, reusing a stream that already holds the same bytes. */
async function addStreams(edits: Edits, array: PdfArray, items: readonly Uint8Array[]): Promise<PdfRef[]> {
  const have = new Map<string, PdfRef>();
  for (const r of array.items) {
    if (!isRef(r)) continue;
    const s = await edits.doc.getObject(r.num);
    if (isStream(s)) have.set(key(await edits.doc.decodeStream(s, 4 * 1024 * 1024)), r);
  }
  const refs: PdfRef[] = [];
  for (const item of items) {
    const k = key(item);
    let ref = have.get(k);
    if (ref === undefined) {
      const num = edits.update.allocate();
      edits.update.set(num, pdfStream(pdfDict(), item));
      ref = pdfRef(num);
      have.set(k, ref);
      array.items.push(ref);
    }
    if (!refs.some((r) => r.num === ref.num)) refs.push(ref);
  }
  return refs;
}

/**
 * Adds validation data in an incremental update (PAdES B-LT, ETSI EN 319
 * 142-1 §5.4, §6.3): the catalog's /DSS with /Certs, /CRLs and /OCSPs
 * arrays of streams (merged into an existing DSS), and a /VRI entry keyed by
 * the uppercase hex SHA-1 of the newest signature's /Contents container.
 * Earlier revisions are untouched.
 */
export async function addDss(source: ByteSource, sink: PdfSink, data: DssData): Promise<void> {
  await appendRevision(source, sink, async (edits) => {
    const { dict: catalog } = await edits.catalog();
    if (!catalog.entries.has('DSS')) catalog.entries.set('DSS', edits.add(pdfDict({ Type: pdfName('DSS') })));
    const dss = await edits.dictIn(catalog, 'DSS');
    const certs = await addStreams(edits, await edits.arrayIn(dss, 'Certs'), (data.certificates ?? []).map(der));
    const crls = await addStreams(edits, await edits.arrayIn(dss, 'CRLs'), (data.crls ?? []).map(der));
    const ocsps = await addStreams(edits, await edits.arrayIn(dss, 'OCSPs'), data.ocsps ?? []);
    for (const k of ['Certs', 'CRLs', 'OCSPs']) {
      const a = dss.entries.get(k);
      if (isArray(a) && a.items.length === 0) dss.entries.delete(k);
    }
    if (data.vri === false) return;
    const sigs = await readPdfSignatures(edits.doc);
    const last = sigs[sigs.length - 1];
    if (last === undefined) return;
    const vriKey = createHash('sha1').update(last.contents).digest('hex').toUpperCase();
    const vri = await edits.dictIn(dss, 'VRI');
    vri.entries.set(
      vriKey,
      pdfDict({
        Cert: certs.length === 0 ? undefined : pdfArray(certs),
        CRL: crls.length === 0 ? undefined : pdfArray(crls),
        OCSP: ocsps.length === 0 ? undefined : pdfArray(ocsps),
      }),
    );
  });
}
