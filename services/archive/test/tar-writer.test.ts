/**
 * The ustar writer judged by GNU tar and read back by the CLI's unpacker: a path over 100
 * bytes (split into prefix and name), an empty file, a file of exactly one block, UTF-8 names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { extractTar } from '../../../libs/cli/src/inputs/tar-extract.ts';
import { tarEnd, tarFile } from '../src/export/tar-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-tar-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = new Date('2026-01-02T03:04:05Z');
const files: Array<[string, Buffer]> = [
  [`data/0a7e0d1c-3f3b-4a5e-9a51-3f0d6c1d7e42/${'evidence-'.repeat(10)}.json`, Buffer.from('{"long":true}')],
  ['data/empty.txt', Buffer.alloc(0)],
  ['data/block.bin', Buffer.alloc(512, 7)],
  ['data/hồ-sơ.txt', Buffer.from('Kế hoạch')],
];
const tar = Buffer.concat([...files.map(([path, content]) => tarFile(path, content, at)), tarEnd()]);

void t.test('GNU tar lists and extracts every file byte for byte', async (t) => {
  writeFileSync(join(dir, 'a.tar'), tar);
  const listed = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
  t.match(listed, /2026-01-02/);
  execFileSync('mkdir', [join(dir, 'gnu')]);
  execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'gnu')]);
  for (const [path, content] of files) t.same(readFileSync(join(dir, 'gnu', path)), content, path);
});

void t.test("the CLI's unpacker reads it back in chunks of any size", async (t) => {
  for (const chunk of [1, 100, 4096]) {
    const out = join(dir, `cli-${chunk}`);
    execFileSync('mkdir', [out]);
    const parts: Buffer[] = [];
    for (let i = 0; i < tar.length; i += chunk) parts.push(tar.subarray(i, i + chunk));
    const unpacked = await extractTar(Readable.from(parts), out);
    t.same(
      unpacked.files,
      files.map(([path]) => path),
      `chunks of ${chunk}`,
    );
    for (const [path, content] of files) t.same(readFileSync(join(out, path)), content, `${path} (${chunk})`);
  }
});

void t.test('paths that ustar cannot hold are refused, never cut', async (t) => {
  t.throws(() => tarFile('x'.repeat(101), Buffer.alloc(0), at), RangeError);
  t.throws(() => tarFile(`${'p'.repeat(160)}/name`, Buffer.alloc(0), at), RangeError);
});
