import {
  PdfError,
  pdfArray,
  pdfDict,
  pdfName,
  pdfRef,
  pdfString,
  type PdfDict,
  type PdfRef,
  type RawObject,
  formatPdfDate,
} from '@lienthong/pdf';
import type { Edits } from './edits.ts';
import { addWidgetField, editableAcroForm, findField, freshFieldName, pageAt, rectAt } from './form-fields.ts';

/**
 * A visible signature appearance as the appearance helper returns it:
 * pre-serialised objects, the Form XObject for /AP /N, and its size.
 */
export interface SignatureAppearance {
  readonly objects: readonly RawObject[];
  readonly xobject: number;
  readonly width: number;
  readonly height: number;
}

/** Where and how the signature widget appears; invisible (zero /Rect) when `visible` is absent. */
export interface SignatureFieldOptions {
  /** Field name; an empty signature field of that name is filled, else one is created (default `Signature<n>`). */
  readonly fieldName?: string;
  /** 0-based page of the widget; default the first. */
  readonly page?: number;
  readonly visible?: {
    readonly x: number;
    readonly y: number;
    readonly appearance: (alloc: () => number) => SignatureAppearance;
  };
}

/** FieldMDP (ISO 32000-1 §12.8.2.4): which fields a signature locks. */
export interface FieldLock {
  readonly action: 'All' | 'Include' | 'Exclude';
  readonly fields?: readonly string[];
}

/** The descriptive entries of a signature dictionary (ISO 32000-1 §12.8.1 Table 252, ETSI EN 319 142-1 §5.3). */
export interface SignatureInfo {
  readonly name?: string;
  readonly reason?: string;
  readonly location?: string;
  readonly contactInfo?: string;
}

function transformParams(lock: FieldLock): PdfDict {
  return pdfDict({
    Type: pdfName('TransformParams'),
    Action: pdfName(lock.action),
    Fields: lock.fields === undefined ? undefined : pdfArray(lock.fields.map((f) => pdfString(f))),
    V: pdfName('1.2'),
  });
}

/** The /Lock dictionary of a signature field (§12.7.4.5 Table 233). */
export function lockDictionary(lock: FieldLock): PdfDict {
  return pdfDict({
    Type: pdfName('SigFieldLock'),
    Action: pdfName(lock.action),
    Fields: lock.fields === undefined ? undefined : pdfArray(lock.fields.map((f) => pdfString(f))),
  });
}

/**
 * Entries of a PAdES signature dictionary: /Type /Sig, /Filter
 * /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /M (the claimed signing
 * time lives here, not in the CMS, EN 319 142-1 §5.3), and for a
 * certification signature the /Reference with DocMDP /P (§12.8.2.2) and the
 * FieldMDP of the field's lock (§12.8.2.4).
 */
export function signatureEntries(info: SignatureInfo, time: Date, docMdp?: 1 | 2 | 3, lock?: FieldLock): PdfDict {
  const refs: PdfDict[] = [];
  if (docMdp !== undefined)
    refs.push(
      pdfDict({
        Type: pdfName('SigRef'),
        TransformMethod: pdfName('DocMDP'),
        TransformParams: pdfDict({ Type: pdfName('TransformParams'), P: docMdp, V: pdfName('1.2') }),
      }),
    );
  if (lock !== undefined)
    refs.push(
      pdfDict({
        Type: pdfName('SigRef'),
        TransformMethod: pdfName('FieldMDP'),
        TransformParams: transformParams(lock),
      }),
    );
  return pdfDict({
    Type: pdfName('Sig'),
    Filter: pdfName('Adobe.PPKLite'),
    SubFilter: pdfName('ETSI.CAdES.detached'),
    M: pdfString(formatPdfDate(time)),
    Name: info.name === undefined ? undefined : pdfString(info.name),
    Reason: info.reason === undefined ? undefined : pdfString(info.reason),
    Location: info.location === undefined ? undefined : pdfString(info.location),
    ContactInfo: info.contactInfo === undefined ? undefined : pdfString(info.contactInfo),
    Reference: refs.length === 0 ? undefined : pdfArray(refs),
  });
}

/**
 * Puts signature `sig` into a signature field (§12.7.4.5): fills an empty
 * one of that name or creates a widget (invisible: zero /Rect, §12.7.4.5
 * note), sets /SigFlags 3 (SignaturesExist | AppendOnly, §12.7.2).
 */
export async function placeSignature(
  edits: Edits,
  sig: PdfRef,
  options: SignatureFieldOptions,
  lock?: FieldLock,
): Promise<string> {
  const name = options.fieldName ?? (await freshFieldName(edits, 'Signature'));
  const existing = await findField(edits, name);
  let rect = [0, 0, 0, 0];
  let ap: PdfDict | undefined;
  if (options.visible !== undefined) {
    const a = options.visible.appearance(() => edits.update.allocate());
    edits.update.setRaw(a.objects);
    rect = [...rectAt(options.visible.x, options.visible.y, a.width, a.height)];
    ap = pdfDict({ N: pdfRef(a.xobject) });
  }
  if (existing !== undefined) {
    // An existing field keeps its /Rect (a changed widget is not a permitted change after certification); the appearance is scaled into it.
    if (existing.type !== 'Sig' || existing.dict.entries.has('V'))
      throw new PdfError('PDF_INVALID_ARGUMENT', `Field ${name} is not an empty signature field.`);
    const dict = await edits.dict(existing.ref);
    dict.entries.set('V', sig);
    if (ap !== undefined) dict.entries.set('AP', ap);
    if (lock !== undefined && !dict.entries.has('Lock')) dict.entries.set('Lock', lockDictionary(lock));
  } else {
    const page = await pageAt(edits, options.page);
    const field = pdfDict({
      FT: pdfName('Sig'),
      T: pdfString(name),
      V: sig,
      F: 132,
      Rect: pdfArray(rect),
      AP: ap,
      Lock: lock === undefined ? undefined : lockDictionary(lock),
    });
    await addWidgetField(edits, field, page);
  }
  const form = await editableAcroForm(edits);
  form.entries.set('SigFlags', 3);
  return name;
}
