import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';

void t.test('records is pure: its src imports only its own files, @lienthong/kit and TypeBox', async (t) => {
  const src = join(import.meta.dirname, '..', 'src');
  const allowed = /^(\.\/|@lienthong\/kit$|@sinclair\/typebox(\/(value|errors|compiler))?$)/;
  for (const file of readdirSync(src)) {
    const text = readFileSync(join(src, file), 'utf8');
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    t.same(
      specifiers.filter((s) => !allowed.test(s)),
      [],
      file,
    );
    t.notMatch(text, /process\.env|Date\.now\(\)|new Date\(\)/, `${file} reads no environment or clock`);
  }
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  t.same(Object.keys(pkg.dependencies).sort(), ['@lienthong/kit', '@sinclair/typebox']);
});
