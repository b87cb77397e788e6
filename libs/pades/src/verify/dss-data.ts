import { type PdfDocument, isArray, isStream, type PdfObject } from '@lienthong/pdf';
import {
  readCertificate,
  type Certificate,
  readCrl,
  type Crl,
  toBasicOcspResponse,
  type BasicOcspResponse,
} from '@lienthong/pki';

/** The validation data of a Document Security Store (ETSI EN 319 142-1 §5.4.2), parsed. */
export interface DssValidationData {
  readonly present: boolean;
  readonly certificates: readonly Certificate[];
  readonly crls: readonly Crl[];
  readonly ocspResponses: readonly BasicOcspResponse[];
}

const MAX_ITEMS = 1000;
const MAX_ITEM_BYTES = 4 * 1024 * 1024;

async function items<T>(doc: PdfDocument, array: PdfObject | undefined, read: (der: Uint8Array) => T): Promise<T[]> {
  const a = await doc.resolve(array);
  const out: T[] = [];
  for (const item of isArray(a) ? a.items.slice(0, MAX_ITEMS) : []) {
    try {
      const s = await doc.resolve(item);
      if (isStream(s)) out.push(read(await doc.decodeStream(s, MAX_ITEM_BYTES)));
    } catch {
      // An unreadable entry is left out: validation data is only ever a help to path validation.
    }
  }
  return out;
}

/**
 * Reads /DSS /Certs, /CRLs and /OCSPs of the catalog (ISO 32000-2
 * §12.8.4.3). Unreadable entries are skipped; a missing DSS gives empty lists.
 */
export async function readDssData(doc: PdfDocument): Promise<DssValidationData> {
  try {
    const dss = await doc.resolveDict((await doc.catalog()).dict.entries.get('DSS'));
    if (dss === undefined) return { present: false, certificates: [], crls: [], ocspResponses: [] };
    return {
      present: true,
      certificates: await items(doc, dss.entries.get('Certs'), readCertificate),
      crls: await items(doc, dss.entries.get('CRLs'), readCrl),
      ocspResponses: await items(doc, dss.entries.get('OCSPs'), (der) => toBasicOcspResponse(der)),
    };
  } catch {
    return { present: false, certificates: [], crls: [], ocspResponses: [] };
  }
}
