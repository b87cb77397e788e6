// Signing hashes the ByteRange while it writes (the original as it is copied, the new
// revision from memory) and never reads the output back: the digest it signs must be
// the digest of the bytes that end up in the file, copied or appended in place.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { preparePdfSignature } from '../../src/index.ts';
import { copySource, memorySink, memorySource, openFileSink } from '@lienthong/pdf';
import { fixedClock } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import { hierarchy, NOW, signedBytes } from './support.ts';

const h = await hierarchy;
const options = {
  certificate: h.seal.certificate,
  chain: [h.intermediate.certificate],
  algorithm: 'ECDSA-SHA256' as const,
  clock: fixedClock(NOW),
};
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

void t.test('the digest hashed while copying is the digest of the prepared bytes', async (t) => {
  for (const useObjectStreams of [false, true]) {
    const sink = memorySink();
    const { state } = await preparePdfSignature(memorySource(await fixturePdf({ useObjectStreams })), sink, options);
    t.equal(
      state.documentDigest,
      sha256(signedBytes(sink.bytes(), state.byteRange)),
      `object streams: ${useObjectStreams}`,
    );
  }
});

void t.test('the digest hashed while appending in place (source is the sink) is the digest of the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pades-one-pass-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'in-place.pdf');
  const original = await fixturePdf();
  writeFileSync(path, original);
  const sink = await openFileSink(path);
  const { state } = await preparePdfSignature(sink, sink, options);
  await sink.close();
  const bytes = readFileSync(path);
  t.equal(state.byteRange[2] + state.byteRange[3], bytes.length, 'the ByteRange reaches the end of the file');
  t.equal(state.documentDigest, sha256(signedBytes(bytes, state.byteRange)));
  t.same(bytes.subarray(0, original.length), Buffer.from(original), 'the original bytes are untouched');
});

void t.test('memorySink: reserved once, grows past it, reads are views of what was written', async (t) => {
  const source = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
  const sink = memorySink();
  const seen: number[] = [];
  await copySource(memorySource(source), sink, (chunk) => void seen.push(chunk.length));
  t.same(seen, [262_144, 37_856], 'each copied chunk is handed to the callback');
  await sink.append(new Uint8Array(200_000).fill(7));
  t.equal(sink.size, 500_000);
  t.same(sink.bytes().subarray(0, 300_000), source);
  t.equal(sink.bytes()[499_999], 7);
  const view = await sink.read(10, 4);
  await sink.patch(10, Uint8Array.of(1, 2, 3, 4));
  t.same([...view], [1, 2, 3, 4], 'a read is a view: a later patch shows through');
  t.equal((await sink.read(500_000, 10)).length, 0, 'nothing past the end');
  await t.rejects(sink.patch(499_998, Uint8Array.of(1, 2, 3)), /outside/);
});
