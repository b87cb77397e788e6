/**
 * Public API of @lienthong/pdf: the PDF layer (ISO 32000-1 §7) that reads a document by
 * offset from a ByteSource and only ever appends incremental updates, and the visible
 * appearances of fields and signatures (§12.5.5, §12.7) with embedded Noto Sans.
 * It knows nothing of certificates or of signatures' cryptography: that is @lienthong/pades.
 */

// Errors
export * from './errors.ts';

// Objects and their serialisation (§7.3), PDF dates (§7.9.4)
export * from './objects.ts';
export * from './serialize.ts';
export { formatPdfDate, parsePdfDate } from './pdf-date.ts';

// Bytes in and out: sources, sinks, files (the one place with I/O)
export * from './source.ts';
export * from './file-source.ts';

// Reading: lexer, parser, streams, cross-reference data, revisions (§7.2, §7.5)
export { Cursor, indexOf, isWhite } from './lexer.ts';
export { parseObject } from './parser.ts';
export { parseAt } from './object-reader.ts';
export * from './budget.ts';
export * from './filters.ts';
export * from './xref.ts';
export * from './document.ts';
export * from './structure.ts';

// Writing: incremental updates (§7.5.6)
export * from './writer.ts';

// Appearances: fonts, images, text layout, field and signature widgets
export * from './appearance/index.ts';
