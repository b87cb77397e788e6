// Public API of PAdES in @lienthong/pki (ETSI EN 319 142-1 baseline signatures on the PDF layer).
export * from './byte-range.ts';
export * from './pdf-date.ts';
export { SEAL_FIELD, NUMBER_FIELD, DATE_FIELD, helveticaAppearance, type FieldAppearance, type FieldAppearanceBuilder, type StampFieldsOptions } from './stamp-fields.ts';
export type { PdfRect } from './form-fields.ts';
export { lockDictionary, signatureEntries, type FieldLock, type SignatureAppearance, type SignatureFieldOptions, type SignatureInfo } from './signature-field.ts';
export * from './pades-options.ts';
export * from './two-step.ts';
export * from './pades-sign.ts';
export * from './stamp.ts';
export * from './dss.ts';
export * from './document-timestamp.ts';
export * from './read-signatures.ts';
export * from './doc-mdp.ts';
export * from './extend.ts';
