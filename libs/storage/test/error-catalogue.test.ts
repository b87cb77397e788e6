import { readFile } from 'node:fs/promises';
import t from 'tap';
import { storageErrorCatalogue } from '../src/index.ts';

void t.test('every StorageError code is in the catalogue with a 4xx/5xx status', async (t) => {
  const types = await readFile(new URL('../src/types.ts', import.meta.url), 'utf8');
  const union = /export type StorageErrorCode =([^;]+);/.exec(types)?.[1] ?? '';
  const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  t.ok(codes.length > 0);
  t.same(Object.keys(storageErrorCatalogue).sort(), codes.sort());
  for (const [code, entry] of Object.entries(storageErrorCatalogue)) {
    t.ok(entry.status >= 400 && entry.status < 600, code);
    t.ok(entry.description.length > 10, code);
  }
});
