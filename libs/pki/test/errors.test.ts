// Every error code of the catalogue has a message and is documented in the README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PKI_ERRORS, PkiError, isPkiError, type PkiErrorCode } from '../src/index.ts';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

void t.test('each code has a message and a README entry', async (t) => {
  for (const code of Object.keys(PKI_ERRORS) as PkiErrorCode[]) {
    t.ok(PKI_ERRORS[code].length > 10, `${code} has a message`);
    t.match(readme, new RegExp(`\\| \`${code}\` \\|`), `${code} is documented`);
  }
});

void t.test('PkiError carries its code and detail', async (t) => {
  const e = new PkiError('MALFORMED', 'At byte 3.');
  t.ok(isPkiError(e, 'MALFORMED'));
  t.notOk(isPkiError(e, 'INVALID_ARGUMENT'));
  t.match(e.message, /At byte 3\./);
});
