// Every error code of the appearance catalogue has a message and is documented.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { APPEARANCE_ERRORS, AppearanceError, isAppearanceError, type AppearanceErrorCode } from '../../src/appearance/index.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'appearance', 'README.md'), 'utf8');

void t.test('each code has a message and a README entry', async (t) => {
  for (const code of Object.keys(APPEARANCE_ERRORS) as AppearanceErrorCode[]) {
    t.ok(APPEARANCE_ERRORS[code].length > 10, `${code} has a message`);
    t.match(readme, new RegExp(`\\| \`${code}\` \\|`), `${code} is documented`);
  }
});

void t.test('AppearanceError carries its code and detail', async (t) => {
  const e = new AppearanceError('FONT_MISSING_GLYPH', "U+4E2D '中' at 3.");
  t.ok(isAppearanceError(e, 'FONT_MISSING_GLYPH'));
  t.notOk(isAppearanceError(e, 'TEXT_EMPTY'));
  t.notOk(isAppearanceError(new Error('x')));
  t.match(e.message, /U\+4E2D/);
});
