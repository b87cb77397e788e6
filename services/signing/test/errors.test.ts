/** Every code of the signing catalogue is documented in the README with its status and title. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signingErrors } from '../src/errors.ts';

void t.test('the README documents every error code', async (t) => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  for (const definition of Object.values(signingErrors)) {
    t.ok(readme.includes(`| ${definition.code} | ${definition.status} | ${definition.title} |`), definition.code);
  }
});
