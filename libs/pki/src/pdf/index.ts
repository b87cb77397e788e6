// Public API of the PDF layer of @lienthong/pki (ISO 32000-1 §7): objects,
// reading by offset from a ByteSource, incremental updates. No I/O except file-source.ts.
export * from './errors.ts';
export * from './objects.ts';
export * from './serialize.ts';
export * from './source.ts';
export * from './file-source.ts';
export * from './filters.ts';
export * from './xref.ts';
export * from './document.ts';
export * from './structure.ts';
export * from './writer.ts';
