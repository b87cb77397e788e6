/**
 * Outside judges of our PDFs and signatures: poppler (pdfsig, pdftotext, pdffonts,
 * pdftoppm), qpdf, pyHanko and the openssl command line, one file each under judges/.
 * `infra/local up` installs them; a test that needs a tool skips with `skipUnless(...)` when
 * it is absent. Every test drives these tools through here.
 */
export * from './judges/tools.ts';
export * from './judges/poppler.ts';
export * from './judges/qpdf.ts';
export * from './judges/pyhanko.ts';
export * from './judges/openssl.ts';
