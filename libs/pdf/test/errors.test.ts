// Every PDF error code has a message and is documented in libs/pdf/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PDF_ERRORS, PdfError, isPdfError, type PdfErrorCode } from '../src/index.ts';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

void t.test('each code has a message and a README entry', async (t) => {
  for (const code of Object.keys(PDF_ERRORS) as PdfErrorCode[]) {
    t.ok(PDF_ERRORS[code].length > 10, `${code} has a message`);
    t.match(readme, new RegExp(`\\| \`${code}\` \\|`), `${code} is documented`);
  }
});

void t.test('PdfError carries its code and detail', async (t) => {
  const e = new PdfError('PDF_MALFORMED', 'At offset 3.');
  t.ok(isPdfError(e, 'PDF_MALFORMED'));
  t.notOk(isPdfError(e, 'PDF_XREF_INVALID'));
  t.match(e.message, /At offset 3\./);
});
