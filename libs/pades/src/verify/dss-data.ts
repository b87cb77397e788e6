import { type PdfDocument, isArray, isStream, type PdfObject } from '@lienthong/pdf';
import {
  derViolation,
  type EncodingPolicy,
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

/** A DSS certificate, refused when `encoding` requires DER and it is not (X.690 §10; RFC 5280 §4.1). */
function readDssCertificate(der: Uint8Array, encoding: EncodingPolicy): Certificate {
  const violation = encoding === 'der' ? derViolation(der) : undefined;
  if (violation !== undefined) throw new Error(`A DSS certificate is not DER: ${violation}.`);
  return readCertificate(der);
}

/**
 * Reads /DSS /Certs, /CRLs and /OCSPs of the catalog (ISO 32000-2
 * §12.8.4.3). Unreadable entries are skipped; a missing DSS gives empty lists.
 * Under `encoding` 'der' (the default) a certificate that is not DER is skipped
 * like an unreadable one: the DSS is unsigned help to path validation, not part
 * of any signature, so it is not evidence rather than the signature's failure.
 * CRLs and OCSP responses are kept: path validation does not use those that are
 * not DER (libs/pki `crlDerViolation`, `ocspDerViolation`).
 */
export async function readDssData(doc: PdfDocument, encoding: EncodingPolicy = 'der'): Promise<DssValidationData> {
  try {
    const dss = await doc.resolveDict((await doc.catalog()).dict.entries.get('DSS'));
    if (dss === undefined) return { present: false, certificates: [], crls: [], ocspResponses: [] };
    return {
      present: true,
      certificates: await items(doc, dss.entries.get('Certs'), (der) => readDssCertificate(der, encoding)),
      crls: await items(doc, dss.entries.get('CRLs'), readCrl),
      ocspResponses: await items(doc, dss.entries.get('OCSPs'), (der) => toBasicOcspResponse(der)),
    };
  } catch {
    return { present: false, certificates: [], crls: [], ocspResponses: [] };
  }
}
