import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';

void t.test('the kit imports nothing but its own files', async (t) => {
  const src = join(import.meta.dirname, '..', 'src');
  for (const file of readdirSync(src)) {
    const text = readFileSync(join(src, file), 'utf8');
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]);
    t.same(
      specifiers.filter((s) => !s?.startsWith('./')),
      [],
      file,
    );
  }
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  t.equal(pkg.dependencies, undefined, 'no dependencies declared');
});
